/*
 * model/value.h - an OTLP AnyValue and KeyValue, as the whole pipeline sees
 * them: the loader stores constants in them, the engine produces them, the
 * encoders write them. Strings are (pointer, length), not NUL-terminated
 * by contract (most are), and live in an arena that outlives the value.
 */
#ifndef MODEL_VALUE_H
#define MODEL_VALUE_H

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

#endif
