/*
 * model/value.c - value types by name, and the rule that turns text into a
 * typed value (the engine applies it to templates, the loader uses it to
 * prove at load time that a value will convert).
 */
#include "model/value.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

const char *value_type_name(int type)
{
	switch (type) {
	case VAL_STRING:
		return "string";
	case VAL_BOOL:
		return "boolean";
	case VAL_INT:
		return "int";
	case VAL_DOUBLE:
		return "double";
	case VAL_BYTES:
		return "bytes";
	case VAL_ARRAY:
		return "array";
	case VAL_KVLIST:
		return "kvlist";
	default:
		return "none";
	}
}

bool value_parse_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len)
		return false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* A decimal or exponent number, read in the C locale; whole string only. */
static bool parse_f64(const char *s, size_t len, double *out)
{
	char buf[64];
	char *end;
	locale_t c = util_c_locale();

	if (len == 0 || len >= sizeof(buf) || !c)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];

		/* refuse what strtod takes but a scenario should not: hex, inf, nan, spaces */
		if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' ||
		      ch == 'e' || ch == 'E'))
			return false;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod_l(buf, &end, c);
	return end == buf + len;
}

bool value_from_text(const char *s, size_t len, int type, struct value *out)
{
	switch (type) {
	case VAL_INT:
		if (!value_parse_int(s, len, &out->u.i))
			return false;
		out->type = VAL_INT;
		return true;
	case VAL_DOUBLE:
		if (!parse_f64(s, len, &out->u.d))
			return false;
		out->type = VAL_DOUBLE;
		return true;
	case VAL_BOOL:
		if (len == 4 && memcmp(s, "true", 4) == 0)
			out->u.b = 1;
		else if (len == 5 && memcmp(s, "false", 5) == 0)
			out->u.b = 0;
		else
			return false;
		out->type = VAL_BOOL;
		return true;
	default:
		return false;
	}
}
