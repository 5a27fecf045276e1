/*
 * util/pbwire.h - the protobuf wire format, byte by byte.
 *
 * The few primitives the readers, the wire-level transforms and net/reply.c
 * (google.rpc.Status from a server) need: tags and field values (varints
 * themselves are util/varint.h's). A reader never reads past `end`; every
 * getter returns 0 or -1 (truncated, overlong varint, bad wire type,
 * length past the end). Fixed-width values are little-endian.
 *
 * Ownership: nothing is allocated; a wire_field points into the caller's
 * buffer. Errors: -1 as above, *pp and the field unspecified then.
 * Threads: pure functions on the caller's memory, any thread.
 */
#ifndef UTIL_PBWIRE_H
#define UTIL_PBWIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/varint.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the wire readers assume a little-endian host"
#endif

enum wire_type { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

/* One field: its number, wire type and value (an integer, or bytes for WT_LEN). */
struct wire_field {
	uint32_t num;
	int type;
	uint64_t v;           /* WT_VARINT, WT_I64, WT_I32 value; WT_LEN length */
	const uint8_t *start; /* the tag's first byte */
	const uint8_t *data;  /* WT_LEN: payload; WT_I64/WT_I32: the value's bytes */
	const uint8_t *end;   /* just after the field */
};

/* Reads the field at *pp and advances past it. Groups are rejected (OTLP has none). */
static inline int wire_next(const uint8_t **pp, const uint8_t *end, struct wire_field *f)
{
	const uint8_t *p = *pp;
	uint64_t tag;

	f->start = p;
	if (varint_get(&p, end, &tag) || tag > 0xffffffffu)
		return -1;
	f->num = (uint32_t)(tag >> 3);
	f->type = (int)(tag & 7);
	if (f->num == 0)
		return -1;
	switch (f->type) {
	case WT_VARINT:
		if (varint_get(&p, end, &f->v))
			return -1;
		f->data = NULL;
		break;
	case WT_I64:
		if (end - p < 8)
			return -1;
		f->data = p;
		memcpy(&f->v, p, 8);
		p += 8;
		break;
	case WT_I32: {
		uint32_t v32;

		if (end - p < 4)
			return -1;
		f->data = p;
		memcpy(&v32, p, 4);
		f->v = v32;
		p += 4;
		break;
	}
	case WT_LEN:
		if (varint_get(&p, end, &f->v) || f->v > (uint64_t)(end - p))
			return -1;
		f->data = p;
		p += f->v;
		break;
	default:
		return -1;
	}
	f->end = p;
	*pp = p;
	return 0;
}

static inline uint64_t wire_get_u64le(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline void wire_put_u64le(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Size of the tag of field `num` with a length-delimited payload of `len` plus the payload. */
static inline size_t wire_len_field_size(uint32_t num, uint64_t len)
{
	return varint_size((uint64_t)num << 3 | WT_LEN) + varint_size(len) + len;
}

#endif
