/*
 * model/value.h - an OTLP AnyValue and KeyValue, as the whole pipeline sees
 * them: the loader stores constants in them, the engine produces them, the
 * encoders write them. Strings are (pointer, length), not NUL-terminated
 * by contract (most are), and live in an arena that outlives the value.
 */
#ifndef MODEL_VALUE_H
#define MODEL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum value_type {
	VAL_NONE = 0, /* absent: encoders write an empty AnyValue */
	VAL_STRING,
	VAL_BOOL,
	VAL_INT,
	VAL_DOUBLE,
	VAL_BYTES,
	VAL_ARRAY,
	VAL_KVLIST
};

struct keyval;

struct value {
	uint8_t type; /* enum value_type */
	union {
		struct {
			const char *ptr;
			uint32_t len;
		} s; /* VAL_STRING, VAL_BYTES */
		int64_t i;
		double d;
		int b;
		struct {
			struct value *items;
			uint32_t n;
		} arr;
		struct {
			struct keyval *items;
			uint32_t n;
		} kv;
	} u;
};

struct keyval {
	const char *key;
	uint32_t key_len;
	struct value value;
};

/* Name of a type as scenario files spell it ("string", "int", ...). */
const char *value_type_name(int type);

/*
 * The whole of s[0..len) as a decimal integer: an optional sign, then
 * digits only. false (and *out untouched) on anything else or past int64.
 */
bool value_parse_int(const char *s, size_t len, int64_t *out);

/*
 * Text as `type` (VAL_INT, VAL_DOUBLE or VAL_BOOL) into *out: an integer as
 * value_parse_int reads it, a decimal or exponent number (C locale; no hex,
 * inf, nan or spaces), "true" or "false". false when it does not parse.
 */
bool value_from_text(const char *s, size_t len, int type, struct value *out);

#endif
