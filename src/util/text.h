/*
 * util/text.h - small text helpers that must not depend on the locale:
 * UTF-8 validation, number formatting and parsing, hex, base64, edit
 * distance, "did you mean".
 *
 * Number formatting here is what every encoder uses: integers are written
 * digit by digit, doubles in their shortest round-trip form with '.' as the
 * decimal point whatever LC_NUMERIC says. Everything else that reads or
 * writes a number with the C library (strtod_l, uselocale) takes the C
 * locale from util_c_locale(), never from the process.
 */
#ifndef UTIL_TEXT_H
#define UTIL_TEXT_H

#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

/*
 * Length of the valid UTF-8 prefix of s[0..len): equals len when all of it
 * is valid (no overlongs, surrogates or code points past U+10FFFF).
 */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Decimal digits of v into buf (no NUL); returns the count (<= 20). */
size_t fmt_u64(char *buf, uint64_t v);
size_t fmt_i64(char *buf, int64_t v);

/*
 * s in decimal as strtoull reads it (in the C locale), refusing NULL, "",
 * a first character '-' or '+', anything after the digits, and a value
 * past max (or past UINT64_MAX): 0 with *out set, or -1.
 */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/*
 * Shortest decimal that reads back as exactly d ("0.1", "1e+300", "5",
 * "-0"); NaN and infinities as "NaN", "Infinity", "-Infinity". buf must
 * hold 32 bytes; returns the length.
 */
size_t fmt_double(char *buf, double d);

/* Lowercase hex of n bytes into out (2n chars, no NUL). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* Parses exactly 2n hex digits (either case); 0 or -1. */
int hex_decode(const char *in, size_t hexlen, uint8_t *out, size_t n);
/* The value of one hex digit (either case), or -1 when c is not one. */
int hex_digit_value(int c);

/* Characters base64_encode writes for n bytes. */
#define BASE64_ENCODED_LEN(n) (((n) + 2) / 3 * 4)

/* Base64 of n bytes, standard alphabet, padded: BASE64_ENCODED_LEN(n) chars into out (no NUL). */
void base64_encode(const uint8_t *in, size_t n, char *out);

/*
 * Base64 is here rather than libcrypto's EVP_EncodeBlock/EVP_DecodeBlock:
 * EVP_DecodeBlock knows neither the URL alphabet (OTLP/JSON from other
 * tools, grpc-*-bin trailers) nor unpadded input, keeps the zero bytes of
 * padding in its count, and says nothing of where the input went wrong,
 * which our messages need.
 */

/* What base64_decode accepts besides the standard alphabet. */
enum base64_flags {
	BASE64_URL = 1,     /* '-' and '_' as well as '+' and '/' (either alphabet) */
	BASE64_SPACE = 2,   /* ' ', '\t', '\r' and '\n' anywhere, skipped */
	BASE64_ANY_PAD = 4, /* any run of '=' at the end, or none */
};

/*
 * Decodes in[0..len) into out, which has room for len / 4 * 3 + 2 bytes;
 * *outlen is the byte count. Padding is optional; without BASE64_ANY_PAD,
 * '=' that is there must be exactly what completes the last group of four.
 * '=' followed by a digit is an error, and so is a lone digit in the last
 * group; bits left over in the last digit are ignored. Returns 0, or -1
 * with *bad (when not NULL) the index of the first character that is not
 * allowed, or len when the length or padding is wrong.
 */
int base64_decode(const char *in, size_t len, unsigned flags, uint8_t *out, size_t *outlen,
		  size_t *bad);

/* Damerau-Levenshtein distance (adjacent swaps count 1), capped at cap+1. */
size_t edit_distance(const char *a, const char *b, size_t cap);

/*
 * "Did you mean": the one way every message picks a close name (options,
 * commands, YAML keys, enum values, template names, scenarios). Feed the
 * candidates with suggest_add (NULL is skipped) and read suggest_best: the
 * closest by edit_distance, at most SUGGEST_MAX_EDITS edits away, a
 * case-only difference counting as closest. Ties go to a candidate the word
 * could come from by a dropped, swapped or wrong letter (one at least as
 * long as the word), then to the longer common start, then to the first
 * added: "--cout" suggests "--count", not "--out". NULL when none is close,
 * or when the closest is a short name that shares nothing with the word
 * (every character would have to change). The struct holds pointers to the
 * word and the candidates: they must outlive it.
 */
#define SUGGEST_MAX_EDITS 2

struct suggest {
	const char *word, *best;
	size_t dist, prefix;
	bool shorter;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *name);
const char *suggest_best(const struct suggest *s);
/* The same over names[0..n). */
const char *suggest(const char *word, const char *const *names, size_t n);

/*
 * The "C" locale object, for strtod_l and uselocale: created once
 * (pthread_once) and shared by every thread. util_text_init creates it and
 * says when it cannot be (OTELSIM_EINTERNAL; it never happens with glibc
 * or musl, whose C locale is static): every library entry point that
 * formats or parses numbers (otelsim_load, replay_run, opt_parse) calls it
 * first and fails rather than write the process locale's "0,5". After a
 * failed init util_c_locale returns LC_GLOBAL_LOCALE (never reached by
 * those entry points). The library never aborts.
 */
int util_text_init(struct otelsim_error *err);
locale_t util_c_locale(void);

#endif
