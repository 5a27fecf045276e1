/*
 * util/text.h - small text helpers that must not depend on the locale:
 * UTF-8 validation, number formatting, hex, edit distance.
 *
 * Number formatting here is what every encoder uses: integers are written
 * digit by digit, doubles in their shortest round-trip form with '.' as the
 * decimal point whatever LC_NUMERIC says.
 */
#ifndef UTIL_TEXT_H
#define UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the valid UTF-8 prefix of s[0..len): equals len when all of it
 * is valid (no overlongs, surrogates or code points past U+10FFFF).
 */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Decimal digits of v into buf (no NUL); returns the count (<= 20). */
size_t fmt_u64(char *buf, uint64_t v);
size_t fmt_i64(char *buf, int64_t v);

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

/* Damerau-Levenshtein distance (adjacent swaps count 1), capped at cap+1. */
size_t edit_distance(const char *a, const char *b, size_t cap);

#endif
