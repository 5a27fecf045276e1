#include "util/text.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"

size_t utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return i;
}

size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

size_t fmt_i64(char *buf, int64_t v)
{
	if (v < 0) {
		buf[0] = '-';
		return 1 + fmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(buf, (uint64_t)v);
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull_l(s, &end, 10, util_c_locale());
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

int util_text_init(struct otelsim_error *err)
{
	pthread_once(&c_locale_once, c_locale_init);
	/*
	 * glibc and musl hand out a static C locale here, so this cannot
	 * happen in practice; going on in the process locale would put "0,5"
	 * into output bytes, so the call that needs it fails instead.
	 */
	if (!c_locale)
		return error_set(err, OTELSIM_EINTERNAL,
				 "cannot create the C locale (newlocale: %s)", strerror(errno));
	return 0;
}

locale_t util_c_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale ? c_locale : LC_GLOBAL_LOCALE;
}

/* A string literal's characters (not its NUL) into buf; evaluates to their count. */
#define PUT_LIT(buf, lit) (memcpy((buf), "" lit, sizeof(lit) - 1), sizeof(lit) - 1)

size_t fmt_double(char *buf, double d)
{
	locale_t old;
	int n = 0;

	if (isnan(d))
		return PUT_LIT(buf, "NaN");
	if (isinf(d))
		return d < 0 ? PUT_LIT(buf, "-Infinity") : PUT_LIT(buf, "Infinity");
	if (d == 0)
		return signbit(d) ? PUT_LIT(buf, "-0") : PUT_LIT(buf, "0");
	/* integers that fit exactly print without exponent */
	if (d == floor(d) && fabs(d) < 1e15)
		return fmt_i64(buf, (int64_t)d);
	old = uselocale(util_c_locale());
	/*
	 * If a representation shorter than 15 digits reads back exactly, %.15g
	 * prints it (rounding to 15 digits lands on it and %g drops the zeros),
	 * so 15, 16, 17 finds the shortest in at most three tries. Subnormals
	 * carry fewer digits: they search from 1.
	 */
	for (int prec = fabs(d) < 2.2250738585072014e-308 ? 1 : 15; prec <= 17; prec++) {
		n = snprintf(buf, 32, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	uselocale(old);
	return (size_t)n;
}

void hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
}

int hex_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *in, size_t hexlen, uint8_t *out, size_t n)
{
	if (hexlen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit_value((unsigned char)in[2 * i]),
		    lo = hex_digit_value((unsigned char)in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void base64_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*out++ = digits[v >> 18];
		*out++ = digits[(v >> 12) & 63];
		*out++ = digits[(v >> 6) & 63];
		*out++ = digits[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		*out++ = digits[v >> 18];
		*out++ = digits[(v >> 12) & 63];
		*out++ = '=';
		*out = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		*out++ = digits[v >> 18];
		*out++ = digits[(v >> 12) & 63];
		*out++ = digits[(v >> 6) & 63];
		*out = '=';
	}
}

static int base64_digit_value(int c, unsigned flags)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || (c == '-' && (flags & BASE64_URL)))
		return 62;
	if (c == '/' || (c == '_' && (flags & BASE64_URL)))
		return 63;
	return -1;
}

int base64_decode(const char *in, size_t len, unsigned flags, uint8_t *out, size_t *outlen,
		  size_t *bad)
{
	size_t n = 0, ndig = 0, pad = 0, i;
	uint32_t acc = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)in[i], v;

		if ((flags & BASE64_SPACE) && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		v = base64_digit_value(c, flags);
		if (v < 0 || pad)
			goto fail;
		acc = acc << 6 | (uint32_t)v;
		if (++ndig == 4) {
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			ndig = 0;
			acc = 0;
		}
	}
	/* i == len: what is wrong now is the length or the padding */
	if (ndig == 1 || (pad && !(flags & BASE64_ANY_PAD) && (ndig == 0 || ndig + pad != 4)))
		goto fail;
	if (ndig == 2) {
		out[n++] = (uint8_t)(acc >> 4);
	} else if (ndig == 3) {
		out[n++] = (uint8_t)(acc >> 10);
		out[n++] = (uint8_t)(acc >> 2);
	}
	*outlen = n;
	return 0;
fail:
	if (bad)
		*bad = i;
	return -1;
}

size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *rows, *prev2, *prev, *cur, best = 0;

	if (la > 256 || lb > 256)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	/* three rows in one allocation; prev2/prev/cur rotate over them */
	rows = calloc(3 * (lb + 1), sizeof(size_t));
	if (!rows)
		return cap + 1;
	prev2 = rows;
	prev = prev2 + lb + 1;
	cur = prev + lb + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		{
			size_t *t = prev2;

			prev2 = prev;
			prev = cur;
			cur = t;
		}
	}
	best = prev[lb];
	free(rows);
	return best > cap ? cap + 1 : best;
}

void suggest_init(struct suggest *s, const char *word)
{
	memset(s, 0, sizeof(*s));
	s->word = word;
	s->dist = SUGGEST_MAX_EDITS + 1;
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

void suggest_add(struct suggest *s, const char *name)
{
	size_t d, prefix;
	bool shorter;

	if (!name)
		return;
	d = edit_distance(s->word, name, SUGGEST_MAX_EDITS);
	/* a case-only difference is the closest there is */
	if (d > 0 && !strcasecmp(s->word, name))
		d = 0;
	if (d > SUGGEST_MAX_EDITS)
		return;
	/*
	 * Ties: a name the word could be from by a dropped, swapped or wrong
	 * letter (not shorter than the word) before one the word would have an
	 * extra letter over ("cout" is "count" less an 'n' before it is "out"
	 * plus a 'c'); then the longer common start; then the first added.
	 */
	shorter = strlen(name) < strlen(s->word);
	prefix = common_prefix(s->word, name);
	if (s->best &&
	    (d > s->dist || (d == s->dist && (shorter > s->shorter ||
					      (shorter == s->shorter && prefix <= s->prefix)))))
		return;
	s->best = name;
	s->dist = d;
	s->shorter = shorter;
	s->prefix = prefix;
}

const char *suggest_best(const struct suggest *s)
{
	/* do not suggest a short name for a completely different short word */
	if (!s->best || (s->dist > 0 && s->dist >= strlen(s->best)))
		return NULL;
	return s->best;
}

const char *suggest(const char *word, const char *const *names, size_t n)
{
	struct suggest s;

	suggest_init(&s, word);
	for (size_t i = 0; i < n; i++)
		suggest_add(&s, names[i]);
	return suggest_best(&s);
}
