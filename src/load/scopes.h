/*
 * load/scopes.h - `scopes:` and `scope:` in config and scenario files
 * (model/scope.h says what they pick).
 */
#ifndef LOAD_SCOPES_H
#define LOAD_SCOPES_H

#include "load/schema.h"
#include "model/scope.h"

/* A `{name, version}` mapping into *out. 0 or a negative code (c->err set). */
int load_scope_fill(struct schema_ctx *c, const struct ynode *v, struct scope_def *out);

/* A `scopes:` mapping into kinds[SCOPE_KINDS] (unset kinds: name NULL). */
int load_scopes_fill(struct schema_ctx *c, const struct ynode *v, struct scope_def *kinds);

/* The same into a new array in the model's arena, *out. */
int load_scopes_new(struct schema_ctx *c, const struct ynode *v, const struct scope_def **out);

extern const struct key_table *const scope_key_tables[];

#endif
