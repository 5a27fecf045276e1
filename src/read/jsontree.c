/* The JSON tree of read/jsontree.h. */
#include "read/jsontree.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/text.h"

struct jp {
	const char *p, *end, *line_start;
	int line;
	int depth;
	struct arena *a;
	struct otelsim_error *err;
};

static int jp_col(const struct jp *j, const char *at)
{
	size_t n = (size_t)(at - j->line_start);

	return n >= INT_MAX ? INT_MAX : (int)n + 1; /* a text over 2 GiB: columns stop */
}

static int jp_fail(struct jp *j, const char *at, int code, const char *msg)
{
	error_at(j->err, code, "", j->line, jp_col(j, at), "%s", msg);
	return code;
}

static void jp_ws(struct jp *j)
{
	while (j->p < j->end) {
		char c = *j->p;

		if (c == '\n') {
			if (j->line < INT_MAX)
				j->line++;
			j->line_start = j->p + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		j->p++;
	}
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_digit_value((unsigned char)p[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at j->p (the opening quote): decoded into the arena. */
static int jp_string(struct jp *j, const char **out, size_t *outlen)
{
	const char *start = j->p, *q = j->p + 1;
	bool plain = true;
	char *buf, *o;

	/* find the end, and whether there are escapes */
	while (q < j->end && *q != '"') {
		if ((unsigned char)*q < 0x20)
			return jp_fail(j, q, OTELSIM_EINPUT, "control character in string");
		if (*q == '\\') {
			plain = false;
			q++;
		}
		q++;
	}
	if (q >= j->end)
		return jp_fail(j, start, OTELSIM_EINPUT, "unterminated string");
	buf = arena_alloc(j->a, (size_t)(q - start));
	if (!buf)
		return error_set(j->err, OTELSIM_ENOMEM, "out of memory");
	o = buf;
	if (plain) {
		memcpy(buf, start + 1, (size_t)(q - start - 1));
		o = buf + (q - start - 1);
	} else {
		for (const char *s = start + 1; s < q; s++) {
			unsigned cp, lo;

			if (*s != '\\') {
				*o++ = *s;
				continue;
			}
			s++;
			switch (*s) {
			case '"':
				*o++ = '"';
				break;
			case '\\':
				*o++ = '\\';
				break;
			case '/':
				*o++ = '/';
				break;
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case 'n':
				*o++ = '\n';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 't':
				*o++ = '\t';
				break;
			case 'u':
				if (q - s < 5 || hex4(s + 1, &cp))
					return jp_fail(j, s - 1, OTELSIM_EINPUT, "bad \\u escape");
				s += 4;
				if (cp >= 0xd800 && cp < 0xdc00) {
					if (q - s < 7 || s[1] != '\\' || s[2] != 'u' ||
					    hex4(s + 3, &lo) || lo < 0xdc00 || lo >= 0xe000)
						return jp_fail(j, s - 5, OTELSIM_EINPUT,
							       "unpaired surrogate in \\u escape");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					s += 6;
				} else if (cp >= 0xdc00 && cp < 0xe000) {
					return jp_fail(j, s - 5, OTELSIM_EINPUT,
						       "unpaired surrogate in \\u escape");
				}
				o += put_utf8(o, cp);
				break;
			default:
				return jp_fail(j, s - 1, OTELSIM_EINPUT, "bad escape in string");
			}
		}
	}
	*o = '\0';
	if (utf8_valid_prefix(buf, (size_t)(o - buf)) != (size_t)(o - buf))
		return jp_fail(j, start, OTELSIM_EINPUT, "string is not valid UTF-8");
	*out = buf;
	*outlen = (size_t)(o - buf);
	j->p = q + 1;
	return 0;
}

static int jp_number(struct jp *j, struct jval *v)
{
	const char *s = j->p, *q = j->p;

	if (q < j->end && *q == '-')
		q++;
	if (q >= j->end || !(*q >= '0' && *q <= '9'))
		return jp_fail(j, s, OTELSIM_EINPUT, "bad number");
	if (*q == '0')
		q++;
	else
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	if (q < j->end && *q == '.') {
		q++;
		if (q >= j->end || !(*q >= '0' && *q <= '9'))
			return jp_fail(j, s, OTELSIM_EINPUT, "bad number");
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < j->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < j->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= j->end || !(*q >= '0' && *q <= '9'))
			return jp_fail(j, s, OTELSIM_EINPUT, "bad number");
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	v->type = J_NUM;
	v->s = s;
	v->n = (size_t)(q - s);
	j->p = q;
	return 0;
}

static int jp_value(struct jp *j, struct jval **out);

static int jp_literal(struct jp *j, const char *word, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return jp_fail(j, j->p, OTELSIM_EINPUT, "unexpected character");
	j->p += n;
	return 0;
}

static int jp_container(struct jp *j, struct jval *v, bool obj)
{
	struct jval **tail = &v->child;
	const char *open = j->p;
	int rc;

	if (++j->depth > JSON_TREE_MAX_DEPTH)
		return jp_fail(j, j->p, OTELSIM_ELIMIT, "JSON nested deeper than 128 levels");
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
		j->p++;
		j->depth--;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t keylen = 0;
		struct jval *child;

		jp_ws(j);
		if (obj) {
			if (j->p >= j->end || *j->p != '"')
				return jp_fail(j, j->p < j->end ? j->p : open, OTELSIM_EINPUT,
					       j->p < j->end ? "expected a key string"
							     : "unterminated object");
			rc = jp_string(j, &key, &keylen);
			if (rc)
				return rc;
			jp_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return jp_fail(j, j->p < j->end ? j->p : open, OTELSIM_EINPUT,
					       "expected ':' after key");
			j->p++;
		}
		rc = jp_value(j, &child);
		if (rc)
			return rc;
		child->key = key;
		child->keylen = keylen;
		*tail = child;
		tail = &child->next;
		v->count++;
		jp_ws(j);
		if (j->p >= j->end)
			return jp_fail(j, open, OTELSIM_EINPUT,
				       obj ? "unterminated object" : "unterminated array");
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == (obj ? '}' : ']')) {
			j->p++;
			break;
		}
		return jp_fail(j, j->p, OTELSIM_EINPUT,
			       obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	j->depth--;
	return 0;
}

static int jp_value(struct jp *j, struct jval **out)
{
	struct jval *v;
	int rc = 0;

	jp_ws(j);
	if (j->p >= j->end)
		return jp_fail(j, j->p, OTELSIM_EINPUT, "unexpected end of JSON");
	v = ARENA_NEW(j->a, struct jval);
	if (!v)
		return error_set(j->err, OTELSIM_ENOMEM, "out of memory");
	v->line = j->line;
	v->col = jp_col(j, j->p);
	switch (*j->p) {
	case '{':
		v->type = J_OBJ;
		rc = jp_container(j, v, true);
		break;
	case '[':
		v->type = J_ARR;
		rc = jp_container(j, v, false);
		break;
	case '"':
		v->type = J_STR;
		rc = jp_string(j, &v->s, &v->n);
		break;
	case 't':
		v->type = J_TRUE;
		rc = jp_literal(j, "true", 4);
		break;
	case 'f':
		v->type = J_FALSE;
		rc = jp_literal(j, "false", 5);
		break;
	case 'n':
		v->type = J_NULL;
		rc = jp_literal(j, "null", 4);
		break;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
			rc = jp_number(j, v);
		} else {
			char msg[48];
			unsigned char ch = (unsigned char)*j->p;

			if (ch >= 0x20 && ch < 0x7f)
				snprintf(msg, sizeof(msg), "unexpected character '%c'", ch);
			else
				snprintf(msg, sizeof(msg), "unexpected byte 0x%02x", ch);
			rc = jp_fail(j, j->p, OTELSIM_EINPUT, msg);
		}
		break;
	}
	*out = v;
	return rc;
}

int json_tree_parse(const char *json, size_t len, struct arena *a, struct jval **out,
		    struct otelsim_error *err)
{
	struct jp j = { json, json + len, json, 1, 0, a, err };
	int rc;

	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0) {
		j.p += 3;
		j.line_start = j.p;
	}
	rc = jp_value(&j, out);
	if (rc)
		return rc;
	jp_ws(&j);
	if (j.p != j.end)
		return jp_fail(&j, j.p, OTELSIM_EINPUT, "unexpected text after the JSON value");
	return 0;
}
