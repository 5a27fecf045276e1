/*
 * load/schema.h - key tables: every YAML key of our own files, described once.
 *
 * Like fluent-bit's config_map[], each section of a config or scenario file
 * (the config's top level and each of its sections, a scenario's top level, a
 * span, a latency of each distribution, a count, an error, a retry...) has one
 * `struct key_table`: for every key its name, the type its value must have,
 * whether it is required, the members of an enum, an alias, where the value
 * goes (a fill handler or an offsetof) and a one-line description. One
 * generic walker (`schema_walk`) checks a YAML mapping against a table and
 * fills a struct from it, so the tables validate input, fill the model and
 * document the format (`schema_tables` lists them all).
 *
 * The walker reports, at file:line:col, in this order:
 *   1. an unknown key, at the key: "unknown key 'latncy' (did you mean
 *      'latency'?)" (the closest key or alias within edit distance 2),
 *   2. a key given twice through an alias: "'median' and 'median_ms' are the
 *      same key (keep one)",
 *   3. a missing required key, at the mapping: "missing required key 'root'",
 *   4. then, key by key in TABLE order (so a table can make `vars` come
 *      before `root`), a wrong type at the value ("'repeat_count' must be an
 *      integer, not a string"), an enum value outside its members ("unknown
 *      kind 'servr' (expected one of: internal, server, ...; did you mean
 *      'server'?)"), a probability outside 0..1, then whatever the key's fill
 *      handler checks.
 * Codes: OTELSIM_EINPUT, or OTELSIM_ELIMIT for limits (integer overflow).
 */
#ifndef LOAD_SCHEMA_H
#define LOAD_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load/yaml.h"
#include "otelsim/error.h"

struct model;

/* What a key's value must be. */
enum key_type {
	KT_STRING = 1, /* a string scalar (quoted, or plain and not a number/bool) */
	KT_INT,        /* a plain integer (64-bit) */
	KT_NUMBER,     /* a plain finite number (int or float) */
	KT_BOOL,       /* true / false */
	KT_PROB,       /* a number in 0..1 ("did you mean 0.05?" for 5) */
	KT_ENUM,       /* a string, one of `members` */
	KT_SCALAR,     /* any non-null scalar (the handler decides) */
	KT_MAP,        /* a mapping */
	KT_LIST,       /* a list */
	KT_ANY         /* anything but null (the handler decides) */
};

#define KF_REQUIRED 1u /* missing -> "missing required key 'x'" */
#define KF_NOCASE   2u /* KT_ENUM: members match case-insensitively */
#define KF_LATER    4u /* accepted and type-checked, not yet honoured */
#define KF_RANGE    8u /* KT_INT: the fill reports an integer beyond 64 bits itself */

struct schema_ctx;
struct key_def;

/* Check and store one value; 0 or a negative code with ctx->err filled. */
typedef int (*key_fill_fn)(struct schema_ctx *c, const struct key_def *k, const struct ynode *val,
			   void *obj);

#define SCHEMA_NOFILL ((size_t)-1)

/* A fill handler that stores the value's node at k->offset (a const ynode *). */
int schema_fill_node(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj);

/* Define a key_table over a static array of key_defs. */
#define SCHEMA_TABLE(var, name, desc, keys) \
	static const struct key_table var = { name, desc, keys, sizeof(keys) / sizeof((keys)[0]) }

struct key_def {
	const char *key;
	uint8_t type;               /* enum key_type */
	uint8_t flags;              /* KF_* */
	const char *const *members; /* KT_ENUM: NULL-terminated */
	const char *alias;          /* another accepted spelling, or NULL */
	key_fill_fn fill;           /* NULL: store by type at `offset` */
	size_t offset;              /* offsetof in the target, or SCHEMA_NOFILL */
	const char *desc;           /* one line, for docs */
};

/*
 * Storage by type when fill is NULL: KT_STRING -> const char * (copied into
 * the model arena), KT_INT -> int64_t, KT_NUMBER/KT_PROB -> double,
 * KT_BOOL -> bool, KT_ENUM -> int (index into members). Other types need a
 * fill handler or SCHEMA_NOFILL.
 */

struct key_table {
	const char *name; /* "span", "latency.log_normal", "config.defaults" */
	const char *desc;
	const struct key_def *keys;
	size_t nkeys;
};

struct schema_ctx {
	struct model *m;        /* arena, vendor, semconv */
	const struct ydoc *doc; /* positions, file name */
	const char *file;       /* the file name in the model arena (src_pos) */
	struct otelsim_error *err;
	void *state; /* the loader's own state */
	/*
	 * The span being filled is one a vendor.* group of the conventions
	 * defines (an agent span): there the vendor narrowing of upstream
	 * attributes (error.type's five values) applies; elsewhere they are
	 * open as upstream says (model/semconv.h sc_attr.open).
	 */
	bool vendor_span;
};

/* Check `map` (a mapping node) against `t` and fill `obj` from it. */
int schema_walk(struct schema_ctx *c, const struct key_table *t, const struct ynode *map,
		void *obj);

/* The value of key `key` (or its alias) in `map`, NULL when absent. */
const struct ynode *schema_get(const struct key_table *t, const struct ynode *map, const char *key);

/* Every table, in a fixed order (tests and generated docs iterate them). */
const struct key_table *const *schema_tables(size_t *n);
const struct key_table *schema_table(const char *name);
const char *key_type_name(int type); /* "string", "integer", ... */

/*
 * Helpers the fill handlers share (all report at the node's position):
 * an error at a node; the enum error message ("did you mean" comes from
 * util/text.h suggest()).
 */
int schema_error(struct schema_ctx *c, int code, const struct ynode *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
int schema_enum_error(struct schema_ctx *c, const struct ynode *at, const char *what,
		      const char *got, const char *const *members, size_t nmembers);

#endif
