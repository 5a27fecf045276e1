/*
 * Instrumentation scopes in config and scenario files (model/scope.h):
 * `scopes: {<kind>: {name, version}}` (the config, a config service, a
 * scenario) and a span's own `scope: {name, version}`.
 */
#include "load/scopes.h"

#include <stddef.h>
#include <string.h>

#include "load/loader.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/error.h"

static int fill_scope_name(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	const char *s;
	int rc;

	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be empty", k->key);
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "'%s' longer than %d bytes", k->key,
				    LOAD_MAX_KEY);
	if ((rc = value_string(c, v, &s)))
		return rc;
	((struct scope_def *)obj)->name = s;
	return 0;
}

/* A version as written (1, 1.4 or 0.59b0 alike). */
static int fill_scope_version(struct schema_ctx *c, const struct key_def *k,
			      const struct ynode *v, void *obj)
{
	const char *s;
	int rc;

	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "'%s' longer than %d bytes", k->key,
				    LOAD_MAX_KEY);
	if ((rc = value_string(c, v, &s)))
		return rc;
	((struct scope_def *)obj)->version = *s ? s : NULL;
	return 0;
}

static const struct key_def scope_def_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_scope_name, SCHEMA_NOFILL,
	  "the instrumentation scope's name (the library that wrote the span)" },
	{ "version", KT_SCALAR, 0, NULL, NULL, fill_scope_version, SCHEMA_NOFILL,
	  "its version (none when left out)" },
};

SCHEMA_TABLE(scope_def_table, "instrumentation_scope",
	     "an instrumentation scope: a span's `scope:`, or one kind's under `scopes:`",
	     scope_def_keys);

int load_scope_fill(struct schema_ctx *c, const struct ynode *v, struct scope_def *out)
{
	memset(out, 0, sizeof(*out));
	return schema_walk(c, &scope_def_table, v, out);
}

static int fill_kind(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	int kind = scope_kind_by_name(k->key);

	if (kind < 0)
		return error_set(c->err, OTELSIM_EINTERNAL, "scope kind '%s'", k->key);
	return load_scope_fill(c, v, &((struct scope_def *)obj)[kind]);
}

#define KIND(key, desc) { key, KT_MAP, 0, NULL, NULL, fill_kind, SCHEMA_NOFILL, desc }

static const struct key_def scopes_keys[] = {
	KIND("http.server", "{name, version} of HTTP server spans (SERVER spans with http.*)"),
	KIND("http.client", "{name, version} of other spans with http.* or url.full"),
	KIND("rpc", "{name, version} of spans with rpc.* attributes"),
	KIND("db", "{name, version} of spans with db.* attributes"),
	KIND("messaging", "{name, version} of spans with messaging.* attributes"),
	KIND("gen_ai", "{name, version} of LLM and agent spans (gen_ai.* attributes)"),
	KIND("mcp", "{name, version} of MCP spans (mcp.* attributes, tool calls)"),
};

#undef KIND

SCHEMA_TABLE(scopes_table, "scopes",
	     "instrumentation scope by kind of span, over the defaults for the service's "
	     "language (model/scope.h)",
	     scopes_keys);

int load_scopes_fill(struct schema_ctx *c, const struct ynode *v, struct scope_def *kinds)
{
	memset(kinds, 0, SCOPE_KINDS * sizeof(*kinds));
	return schema_walk(c, &scopes_table, v, kinds);
}

int load_scopes_new(struct schema_ctx *c, const struct ynode *v, const struct scope_def **out)
{
	struct scope_def *kinds = ARENA_NEWN(&c->m->arena, struct scope_def, SCOPE_KINDS);

	if (!kinds)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	*out = kinds;
	return load_scopes_fill(c, v, kinds);
}

const struct key_table *const scope_key_tables[] = { &scopes_table, &scope_def_table, NULL };
