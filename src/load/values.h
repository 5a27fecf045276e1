/*
 * load/values.h - what the values_*.c files share (not for the rest of the
 * loader: load/loader.h declares the value_* functions dialects call).
 *
 *   values.c        strings, the vendor rewrite, value specs in any form
 *                   (values_gen_plain dispatches), `attributes:` mappings
 *   values_dist.c   latencies, counts, attribute distributions + tables
 *   values_const.c  constants, choices, forced types + tables
 *   values_conv.c   the conventions' types and closed enums, error types
 *   values_tmpl.c   templates: compiled, typed and checked
 */
#ifndef LOAD_VALUES_H
#define LOAD_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "load/loader.h"
#include "model/semconv.h"
#include "util/text.h"

#define TAG_BINARY "tag:yaml.org,2002:binary"
#define TAG_STR    "tag:yaml.org,2002:str"

/* ---- values.c ---- */
int values_oom(struct schema_ctx *c);
const char *values_a_type(int t); /* "an int", "a string", ... */
/* The forms of a value spec: list, mapping (distribution, choice, value), template, constant. */
int values_gen_plain(struct schema_ctx *c, const char *key, const struct ynode *n,
		     const struct gen_env *env, struct gen *out);

static inline const char *values_num_text(double d, char buf[32])
{
	buf[fmt_double(buf, d)] = '\0';
	return buf;
}

/* ---- values_dist.c ---- */
extern const struct key_table values_attr_dist_table; /* its keys mark a distribution */
int values_gen_dist(struct schema_ctx *c, const char *key, const struct ynode *map,
		    struct gen *out);

/* ---- values_const.c ---- */
/* A scalar by its YAML typing (a quoted "5" is a string). */
int values_const_scalar(struct schema_ctx *c, const struct ynode *n, struct value *out);
/* A list (homogeneous: single values of one type, ints widened to doubles). */
int values_const_list(struct schema_ctx *c, const struct ynode *n, bool homogeneous,
		      struct value *out);
int values_const_kvlist(struct schema_ctx *c, const struct ynode *n, struct value *out);
int values_gen_choice(struct schema_ctx *c, const char *key, const struct ynode *map,
		      struct gen *out);
int values_gen_forced(struct schema_ctx *c, const char *key, const struct ynode *map,
		      const struct gen_env *env, struct gen *out);

/* ---- values_conv.c ---- */
/* The conventions' entry for attribute `key` (vendor rewrite applied), or NULL. */
const struct sc_attr *values_sc_attr(struct schema_ctx *c, const char *key);
/* The members of a's enum that are not deprecated (arena array). */
const char *const *values_sc_members(struct schema_ctx *c, const struct sc_attr *a, size_t *n);
/* The value type the conventions give (VAL_NONE: none); *elem for arrays. */
int values_sc_type(const struct sc_attr *a, int *elem);
/* Text of a scalar constant, for enum comparisons and messages. */
const char *values_text(struct schema_ctx *c, const struct value *v);
bool values_closed_enum(const struct sc_attr *a);
/* "a, b, c": a closed enum's members (deprecated ones left out). */
int values_member_list(struct schema_ctx *c, const struct sc_attr *a, char *list, size_t cap,
		       const char *const **vals, size_t *nm);
/* 0: `got` is a member; 1: it is not, and msg says so; or an error code. */
int values_enum_message(struct schema_ctx *c, const struct sc_attr *a, const char *key,
			const char *what, const char *got, char *msg, size_t cap);
/* Every one of vals[0..nv) is a member of a, or the first that is not is reported at n. */
int values_in_enum(struct schema_ctx *c, const struct sc_attr *a, const char *key, const char *what,
		   const struct value *vals, size_t nv, const struct ynode *n);
/* A constant for `key` against the conventions' type and closed enum (int -> double widened). */
int values_check_const(struct schema_ctx *c, const char *key, const struct ynode *at,
		       struct value *v);

/* ---- values_tmpl.c ---- */
/* A template value for `key`: its type forced (`forced`), else the conventions', else its own. */
int values_gen_template(struct schema_ctx *c, const char *key, const struct ynode *n,
			const struct gen_env *env, int forced, struct gen *out);

#endif
