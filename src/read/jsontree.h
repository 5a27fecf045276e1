/*
 * read/jsontree.h - a JSON tree whose numbers keep their text, for the
 * OTLP/JSON reader (read/otlpjson.c).
 *
 * json_tree_parse reads one RFC 8259 value (a UTF-8 byte order mark before
 * it and whitespace after it allowed) into nodes allocated in the arena:
 * strings decoded (escapes and surrogate pairs, NUL-terminated), numbers as
 * their text (so 64-bit integers stay exact), objects and arrays as child
 * lists with their counts, every node with its 1-based line and column.
 * Nesting deeper than JSON_TREE_MAX_DEPTH is refused.
 *
 * Errors: OTELSIM_EINPUT (or OTELSIM_ELIMIT for depth) with the line and
 * column in *err (which may be NULL); OTELSIM_ENOMEM. Ownership: the nodes
 * live in the caller's arena (free by resetting it). Threads: reentrant.
 */
#ifndef READ_JSONTREE_H
#define READ_JSONTREE_H

#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "util/arena.h"

#define JSON_TREE_MAX_DEPTH 128

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	uint8_t type;
	int line, col;
	const char *s; /* J_STR: decoded (NUL-terminated); J_NUM: the number's text */
	size_t n;
	const char *key; /* member of an object: its decoded key */
	size_t keylen;
	struct jval *child, *next;
	size_t count; /* J_ARR/J_OBJ: children */
};

int json_tree_parse(const char *json, size_t len, struct arena *a, struct jval **out,
		    struct otelsim_error *err);

#endif
