/* W3C tracestate, by the grammar util/tracestate.h quotes. */
#include "util/tracestate.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool lcalpha(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool key_char(char c)
{
	return lcalpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/';
}

/* Does k[0..len) run of key characters, first `first`, and at most max long? */
static bool key_part(const char *k, size_t len, bool digit_first, size_t max)
{
	if (!len || len > max || !(lcalpha(k[0]) || (digit_first && k[0] >= '0' && k[0] <= '9')))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!key_char(k[i]))
			return false;
	return true;
}

static bool key_ok(const char *k, size_t len)
{
	const char *at = memchr(k, '@', len);

	if (!at)
		return key_part(k, len, false, 256);
	return key_part(k, (size_t)(at - k), true, 241) &&
	       key_part(at + 1, len - (size_t)(at - k) - 1, false, 14);
}

static bool value_ok(const char *v, size_t len)
{
	if (!len || len > 256 || v[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == ',' || v[i] == '=')
			return false;
	return true;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

int tracestate_check(const char *s, size_t len, char *why, size_t n)
{
	const char *keys[TRACESTATE_MAX_MEMBERS];
	size_t klen[TRACESTATE_MAX_MEMBERS], members = 0, pos = 0;

	if (!len) {
		snprintf(why, n, "empty (leave trace_state out instead)");
		return -1;
	}
	while (pos <= len) {
		size_t end = pos, a, b;
		const char *eq;

		while (end < len && s[end] != ',')
			end++;
		for (a = pos; a < end && ows(s[a]); a++)
			;
		for (b = end; b > a && ows(s[b - 1]); b--)
			;
		if (a == b) {
			snprintf(why, n, "member %zu is empty", members + 1);
			return -1;
		}
		if (members == TRACESTATE_MAX_MEMBERS) {
			snprintf(why, n, "more than %d members", TRACESTATE_MAX_MEMBERS);
			return -1;
		}
		eq = memchr(s + a, '=', b - a);
		if (!eq) {
			snprintf(why, n, "member %zu has no '='", members + 1);
			return -1;
		}
		if (!key_ok(s + a, (size_t)(eq - (s + a)))) {
			snprintf(why, n,
				 "member %zu: key '%.*s' must be a lowercase letter then a-z 0-9 _ - * "
				 "/ (or tenant@system)",
				 members + 1, (int)(eq - (s + a) > 64 ? 64 : eq - (s + a)), s + a);
			return -1;
		}
		if (!value_ok(eq + 1, (size_t)(s + b - eq - 1))) {
			snprintf(why, n,
				 "member %zu: the value must be 1 to 256 printable characters but ',' "
				 "and '='",
				 members + 1);
			return -1;
		}
		keys[members] = s + a;
		klen[members] = (size_t)(eq - (s + a));
		for (size_t i = 0; i < members; i++)
			if (klen[i] == klen[members] && !memcmp(keys[i], keys[members], klen[i])) {
				snprintf(why, n, "key '%.*s' is given twice", (int)klen[i], keys[i]);
				return -1;
			}
		members++;
		pos = end + 1;
	}
	return 0;
}
