/*
 * util/varint.h - protobuf base-128 varints (7 bits a byte, least
 * significant group first, the high bit set on every byte but the last):
 * the one size, writer and reader of the encoders, the readers, net/ and
 * the API.
 */
#ifndef UTIL_VARINT_H
#define UTIL_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes varint_put writes for v: 1 to 10. */
static inline size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Writes v at p (room for varint_size(v) bytes, 10 at most); returns the byte count. */
static inline size_t varint_put(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/*
 * Reads the varint at *pp, never at or past end: 0 with *out set and *pp
 * just after it, or -1 with both untouched when it is cut short by end or
 * overlong (an 11th byte, or a 10th above 1: bits past 64). Longer forms
 * than needed (0x80 0x00 for 0) are accepted, as protobuf accepts them.
 */
static inline int varint_get(const uint8_t **pp, const uint8_t *end, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		if (p >= end)
			return -1;
		uint8_t b = *p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (shift == 63 && b > 1)
				return -1;
			*pp = p;
			*out = v;
			return 0;
		}
	}
	return -1;
}

#endif
