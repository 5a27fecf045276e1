/*
 * load/yaml.h - YAML documents with positions and hard limits.
 *
 * libyaml 0.2.5 has no nesting limit, expands aliases without bound, does not
 * notice duplicate keys and reports bad UTF-8 as a byte offset only. This
 * layer reads libyaml's events into a tree of `struct ynode` (every node
 * keeps its 1-based line and column) and enforces, each with its own
 * message at file:line:col:
 *   - nesting depth (limits.max_depth),
 *   - alias expansion: the nodes the document would have with every alias
 *     expanded (limits.max_nodes) - a "billion laughs" file fails at the
 *     first alias that passes the budget, without expanding anything,
 *   - scalar length (limits.max_scalar), file size (limits.max_file),
 *   - invalid UTF-8 (position of the first bad byte),
 *   - tabs used as indentation ("tab character in indentation", at the
 *     tab; tabs YAML allows - block scalar content, after the indentation,
 *     quoted and flow text, blank and comment lines - are accepted, also
 *     where libyaml 0.2.5 refuses them on blank lines),
 *   - duplicate mapping keys (both positions),
 *   - more documents than limits.max_docs (1 by default: "more than one
 *     YAML document in the file").
 * Aliases share the anchored node (the tree is a DAG); nothing is copied.
 *
 * Scalars keep their style: a quoted "5" is a string, a plain 5 an int.
 */
#ifndef LOAD_YAML_H
#define LOAD_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "util/arena.h"

enum ynode_type { YN_SCALAR = 1, YN_SEQ, YN_MAP };
enum yscalar_style { YS_PLAIN = 0, YS_QUOTED, YS_BLOCK };

struct ynode;

struct ypair {
	struct ynode *key;
	struct ynode *value;
};

struct ynode {
	uint8_t type;    /* enum ynode_type */
	uint8_t style;   /* enum yscalar_style, scalars only */
	uint8_t quote;   /* '"', '\'' or 0 */
	int line, col;   /* 1-based, of the node's first character */
	const char *tag; /* explicit tag ("tag:yaml.org,2002:binary") or NULL */
	const char *str; /* scalar text, NUL-terminated */
	size_t len;
	struct ynode **items; /* YN_SEQ */
	struct ypair *pairs;  /* YN_MAP, in file order */
	size_t n;             /* items or pairs */
};

struct yaml_limits {
	size_t max_depth;  /* default 64 */
	size_t max_nodes;  /* default 200000 (after alias expansion) */
	size_t max_scalar; /* default 1 MiB */
	size_t max_file;   /* default 16 MiB */
	size_t max_docs;   /* documents in the file ("---"); default (and 0) 1 */
};

struct ydoc_start {
	int line, col; /* of the document's start ("---", or its first node) */
};

struct ydoc {
	struct arena arena;
	const char *file; /* name used in messages */
	const char *src;  /* the file's bytes (NUL-terminated) */
	size_t src_len;
	struct ynode *root;  /* the first document's; NULL for an empty file */
	struct ynode **docs; /* every document's root, in order (root is docs[0]) */
	struct ydoc_start *starts;
	size_t ndocs;
};

/* NULL limits: the defaults. */
int yaml_load_file(const char *path, const struct yaml_limits *limits, struct ydoc *doc,
		   struct otelsim_error *err);
int yaml_load_buffer(const char *name, const char *buf, size_t len,
		     const struct yaml_limits *limits, struct ydoc *doc, struct otelsim_error *err);
void ydoc_release(struct ydoc *doc);

/* Scalar readers: 0, or -1 when the scalar is not of that type. */
bool ynode_is_null(const struct ynode *n);        /* plain "", ~, null */
int ynode_bool(const struct ynode *n, bool *out); /* plain true/false */
/* Plain decimal (or 0x hex) integer; -2 when it overflows int64. */
int ynode_int(const struct ynode *n, int64_t *out);
/* Plain number (int or float, .inf, .nan), locale-independent. */
int ynode_double(const struct ynode *n, double *out);
bool ynode_is_string(const struct ynode *n); /* quoted, block, or plain non-number */

/* Value of key in a map (first match), or NULL. */
struct ynode *ymap_get(const struct ynode *map, const char *key);
/* Name of a node's kind for messages: "a mapping", "a list", "a string"... */
const char *ynode_kind(const struct ynode *n);

/*
 * Position of byte `offset` of a scalar's value in the file (for errors
 * inside templates). Exact for plain, quoted (without escapes) and block
 * scalars; otherwise the scalar's own position.
 */
void ynode_offset_pos(const struct ydoc *doc, const struct ynode *n, size_t offset, int *line,
		      int *col);

#endif
