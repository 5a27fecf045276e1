/*
 * Values every dialect needs, part 1: strings, the vendor rewrite, value
 * specs in any of their forms (values_gen_plain dispatches to the files
 * below) and `attributes:` mappings. The rest, by section:
 *   values_dist.c   latencies, counts and attribute distributions (tables)
 *   values_const.c  constants, choices and forced types (tables)
 *   values_conv.c   the conventions' types and closed enums, error types
 *   values_tmpl.c   templates: compiled, typed and checked
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "load/values.h"
#include "util/error.h"
#include "util/strlist.h"
#include "util/text.h"

/* ---- small things -------------------------------------------------------- */

const char *vendor_rewrite(struct model *m, const char *s, size_t len, uint32_t *out_len)
{
	const char *vendor = m->vendor ? m->vendor : "vendor";
	char *r;

	if (len > 7 && !memcmp(s, "vendor.", 7) && strcmp(vendor, "vendor") != 0) {
		size_t vl = strlen(vendor);

		r = arena_alloc(&m->arena, vl + len - 7 + 2);
		if (!r)
			return NULL;
		memcpy(r, vendor, vl);
		r[vl] = '.';
		memcpy(r + vl + 1, s + 7, len - 7);
		r[vl + 1 + len - 7] = '\0';
		if (out_len)
			*out_len = (uint32_t)(vl + 1 + len - 7);
		return r;
	}
	if (out_len)
		*out_len = (uint32_t)len;
	return arena_strndup(&m->arena, s, len);
}

int values_oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

int value_string(struct schema_ctx *c, const struct ynode *n, const char **out)
{
	char *s;

	if (n->len > LOAD_MAX_STRING)
		return schema_error(c, OTELSIM_ELIMIT, n, "string longer than %d bytes",
				    LOAD_MAX_STRING);
	s = arena_strndup(&c->m->arena, n->str, n->len);
	if (!s)
		return values_oom(c);
	*out = s;
	return 0;
}

const char *values_a_type(int t)
{
	switch (t) {
	case VAL_STRING:
		return "a string";
	case VAL_BOOL:
		return "a boolean";
	case VAL_INT:
		return "an int";
	case VAL_DOUBLE:
		return "a double";
	case VAL_BYTES:
		return "bytes";
	case VAL_ARRAY:
		return "an array";
	case VAL_KVLIST:
		return "a kvlist";
	default:
		return "nothing";
	}
}

int values_gen_plain(struct schema_ctx *c, const char *key, const struct ynode *n,
		     const struct gen_env *env, struct gen *out);

int values_gen_plain(struct schema_ctx *c, const char *key, const struct ynode *n,
		     const struct gen_env *env, struct gen *out)
{
	int rc;

	if (n->type == YN_SEQ) {
		rc = values_const_list(c, n, true, &out->constant);
		out->kind = GEN_CONST;
		out->type = VAL_ARRAY;
		return rc ? rc : values_check_const(c, key, n, &out->constant);
	}
	if (n->type == YN_MAP) {
		static const char *const forms[] = { "distribution", "choice", "value" };

		if (ymap_get(n, "distribution"))
			return values_gen_dist(c, key, n, out);
		if (ymap_get(n, "choice"))
			return values_gen_choice(c, key, n, out);
		if (ymap_get(n, "value"))
			return values_gen_forced(c, key, n, env, out);
		/* parameters of a distribution without one: let its table say */
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *k = n->pairs[i].key;

			for (size_t j = 0; k->type == YN_SCALAR && j < values_attr_dist_table.nkeys;
			     j++)
				if (!strcmp(k->str, values_attr_dist_table.keys[j].key))
					return values_gen_dist(c, key, n, out);
		}
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *k = n->pairs[i].key;
			const char *s = k->type == YN_SCALAR ? suggest(k->str, forms, 3) : NULL;

			if (s)
				return schema_error(c, OTELSIM_EINPUT, k,
						    "unknown key '%.200s' (did you mean '%s'?)",
						    k->str, s);
		}
		return schema_error(c, OTELSIM_EINPUT, n,
				    "a mapping value needs 'distribution', 'choice' or 'value' "
				    "(write a constant as it is)");
	}
	if (ynode_is_string(n) && !n->tag && tmpl_has_expr(n->str, n->len))
		return values_gen_template(c, key, n, env, VAL_NONE, out);
	if (n->tag && !strcmp(n->tag, TAG_STR) && tmpl_has_expr(n->str, n->len))
		return values_gen_template(c, key, n, env, VAL_NONE, out);
	rc = values_const_scalar(c, n, &out->constant);
	if (rc)
		return rc;
	out->kind = GEN_CONST;
	rc = values_check_const(c, key, n, &out->constant);
	out->type = out->constant.type;
	return rc;
}

int value_gen(struct schema_ctx *c, const char *key, const struct ynode *n,
	      const struct gen_env *env, struct gen *out)
{
	memset(out, 0, sizeof(*out));
	out->decimals = -1;
	return values_gen_plain(c, key, n, env, out);
}

static int check_key(struct schema_ctx *c, const struct ynode *k)
{
	if (k->type != YN_SCALAR || ynode_is_null(k) || !k->len)
		return schema_error(c, OTELSIM_EINPUT, k, "attribute keys must be non-empty names");
	if (k->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, k, "attribute key longer than %d bytes",
				    LOAD_MAX_KEY);
	if (tmpl_has_expr(k->str, k->len))
		return schema_error(c, OTELSIM_EINPUT, k,
				    "attribute keys are fixed names: templates are not allowed in "
				    "a key");
	return 0;
}

/* A deprecated attribute is written as asked, with a warning naming what replaces it. */
static int warn_deprecated(struct schema_ctx *c, const struct ynode *k)
{
	const struct sc_attr *sa = values_sc_attr(c, k->str);
	int rc;

	if (!sa || !sa->deprecated || c->m->quiet_deprecated)
		return 0;
	if (sa->renamed_to)
		rc = model_warn(c->m, c->file, k->line, k->col,
				"'%.200s' is deprecated in the conventions: use '%s'", k->str,
				sa->renamed_to);
	else
		rc = model_warn(c->m, c->file, k->line, k->col,
				"'%.200s' is deprecated in the conventions", k->str);
	return rc ? values_oom(c) : 0;
}

int value_attrs(struct schema_ctx *c, const struct ynode *map, const struct gen_env *env,
		struct attr_spec **out, uint32_t *n)
{
	struct attr_spec *a;
	struct strlist_key *keys;
	size_t first = 0, second = 0;
	int rc, found;

	if (map->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, map,
				    "'attributes' must be a mapping, not %s", ynode_kind(map));
	a = ARENA_NEWN(&c->m->arena, struct attr_spec, map->n ? map->n : 1);
	if (!a)
		return values_oom(c);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;

		if ((rc = check_key(c, k)))
			return rc;
		a[i].key = vendor_rewrite(c->m, k->str, k->len, &a[i].key_len);
		if (!a[i].key)
			return values_oom(c);
		a[i].pos.file = c->file;
		a[i].pos.line = k->line;
		a[i].pos.col = k->col;
		if ((rc = warn_deprecated(c, k)))
			return rc;
		rc = value_gen(c, k->str, map->pairs[i].value, env, &a[i].gen);
		if (rc)
			return rc;
	}
	/* an attribute whose vendor rewrite collides with another key */
	keys = malloc((map->n ? map->n : 1) * sizeof(*keys));
	if (!keys)
		return values_oom(c);
	for (size_t i = 0; i < map->n; i++) {
		keys[i].s = a[i].key;
		keys[i].len = a[i].key_len;
		keys[i].index = i;
	}
	found = strlist_first_dup(keys, map->n, &first, &second);
	free(keys);
	if (found)
		return schema_error(c, OTELSIM_EINPUT, map->pairs[second].key,
				    "attribute '%s' is given twice (first at line %d, column %d)",
				    a[second].key, a[first].pos.line, a[first].pos.col);
	*out = a;
	*n = (uint32_t)map->n;
	return 0;
}

int value_const_attrs(struct schema_ctx *c, const struct ynode *map, struct keyval **out,
		      uint32_t *n)
{
	struct keyval *kv;
	struct strlist_key *keys;
	size_t first = 0, second = 0;
	int rc, found;

	if (map->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, map,
				    "'attributes' must be a mapping, not %s", ynode_kind(map));
	kv = ARENA_NEWN(&c->m->arena, struct keyval, map->n ? map->n : 1);
	if (!kv)
		return values_oom(c);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
		struct gen g;

		if ((rc = check_key(c, k)))
			return rc;
		kv[i].key = vendor_rewrite(c->m, k->str, k->len, &kv[i].key_len);
		if (!kv[i].key)
			return values_oom(c);
		if ((v->type == YN_SCALAR && tmpl_has_expr(v->str, v->len)) ||
		    (v->type == YN_MAP && !ymap_get(v, "value")))
			return schema_error(c, OTELSIM_EINPUT, v,
					    "resource attributes must be constants (no templates, "
					    "distributions or choices)");
		rc = value_gen(c, k->str, v, NULL, &g);
		if (rc)
			return rc;
		if (g.kind != GEN_CONST)
			return schema_error(c, OTELSIM_EINPUT, v,
					    "resource attributes must be constants (no templates, "
					    "distributions or choices)");
		kv[i].value = g.constant;
	}
	keys = malloc((map->n ? map->n : 1) * sizeof(*keys));
	if (!keys)
		return values_oom(c);
	for (size_t i = 0; i < map->n; i++) {
		keys[i].s = kv[i].key;
		keys[i].len = kv[i].key_len;
		keys[i].index = i;
	}
	found = strlist_first_dup(keys, map->n, &first, &second);
	free(keys);
	/* in file order: a service.name before the first repeat is reported first */
	for (size_t i = 0; i < (found ? second : map->n); i++)
		if (!strcmp(kv[i].key, "service.name"))
			return schema_error(
				c, OTELSIM_EINPUT, map->pairs[i].key,
				"'service.name' comes from the spans' 'service' (and the config's "
				"service name), not from resource attributes");
	if (found)
		return schema_error(c, OTELSIM_EINPUT, map->pairs[second].key,
				    "attribute '%s' is given twice", kv[second].key);
	*out = kv;
	*n = (uint32_t)map->n;
	return 0;
}
