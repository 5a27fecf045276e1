#include "load/schema.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "load/loader.h"
#include "load/scopes.h"
#include "model/model.h"
#include "util/error.h"
#include "util/text.h"

/* ---- the registry of every table ----------------------------------------- */

#define MAX_TABLES 128

static const struct key_table *all_tables[MAX_TABLES];
static size_t nall_tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void add_tables(const struct key_table *const *list)
{
	for (size_t i = 0; list[i] && nall_tables < MAX_TABLES; i++)
		all_tables[nall_tables++] = list[i];
}

static void collect_tables(void)
{
	add_tables(config_key_tables);
	add_tables(scope_key_tables);
	add_tables(agent_key_tables);
	add_tables(platform_key_tables);
	for (size_t i = 0; i < load_ndialects; i++)
		if (load_dialects[i].tables)
			add_tables(load_dialects[i].tables);
	add_tables(value_dist_tables);
	add_tables(value_form_tables);
	add_tables(metrics_key_tables);
}

const struct key_table *const *schema_tables(size_t *n)
{
	pthread_once(&tables_once, collect_tables);
	*n = nall_tables;
	return all_tables;
}

const struct key_table *schema_table(const char *name)
{
	size_t n;
	const struct key_table *const *t = schema_tables(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i]->name, name))
			return t[i];
	return NULL;
}

const char *key_type_name(int type)
{
	switch (type) {
	case KT_STRING:
		return "string";
	case KT_INT:
		return "integer";
	case KT_NUMBER:
		return "number";
	case KT_BOOL:
		return "boolean";
	case KT_PROB:
		return "probability";
	case KT_ENUM:
		return "enum";
	case KT_SCALAR:
		return "scalar";
	case KT_MAP:
		return "mapping";
	case KT_LIST:
		return "list";
	default:
		return "any";
	}
}

/* ---- helpers ----------------------------------------------------------- */

int schema_error(struct schema_ctx *c, int code, const struct ynode *at, const char *fmt, ...)
{
	char msg[sizeof(c->err->message)];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_at(c->err, code, c->doc->file, at ? at->line : 1, at ? at->col : 1, "%s", msg);
}

int schema_enum_error(struct schema_ctx *c, const struct ynode *at, const char *what,
		      const char *got, const char *const *members, size_t nmembers)
{
	char list[640];
	size_t len = 0;
	const char *s = suggest(got, members, nmembers);

	list[0] = '\0';
	for (size_t i = 0; i < nmembers && len < sizeof(list) - 1; i++) {
		int w = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", members[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (s)
		return schema_error(c, OTELSIM_EINPUT, at,
				    "unknown %s '%.200s' (expected one of: %s; did you mean '%s'?)",
				    what, got, list, s);
	return schema_error(c, OTELSIM_EINPUT, at, "unknown %s '%.200s' (expected one of: %s)",
			    what, got, list);
}

static const struct key_def *find_def(const struct key_table *t, const char *key, bool *via_alias)
{
	for (size_t i = 0; i < t->nkeys; i++) {
		if (!strcmp(t->keys[i].key, key)) {
			*via_alias = false;
			return &t->keys[i];
		}
		if (t->keys[i].alias && !strcmp(t->keys[i].alias, key)) {
			*via_alias = true;
			return &t->keys[i];
		}
	}
	return NULL;
}

const struct ynode *schema_get(const struct key_table *t, const struct ynode *map, const char *key)
{
	const struct key_def *d = NULL;

	for (size_t i = 0; i < t->nkeys; i++)
		if (!strcmp(t->keys[i].key, key))
			d = &t->keys[i];
	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;

		if (k->type != YN_SCALAR)
			continue;
		if (!strcmp(k->str, key) || (d && d->alias && !strcmp(k->str, d->alias)))
			return map->pairs[i].value;
	}
	return NULL;
}

static int unknown_key(struct schema_ctx *c, const struct key_table *t, const struct ynode *k)
{
	const char *cands[2 * 64];
	size_t n = 0;
	const char *s;

	for (size_t i = 0; i < t->nkeys && n + 2 <= sizeof(cands) / sizeof(cands[0]); i++) {
		cands[n++] = t->keys[i].key;
		if (t->keys[i].alias)
			cands[n++] = t->keys[i].alias;
	}
	s = suggest(k->str, cands, n);
	if (s) {
		/* suggest the canonical spelling, not the alias */
		bool alias;
		const struct key_def *d = find_def(t, s, &alias);

		if (d && alias && edit_distance(k->str, d->key, 2) <= 2)
			s = d->key;
		return schema_error(c, OTELSIM_EINPUT, k,
				    "unknown key '%.200s' (did you mean '%s'?)", k->str, s);
	}
	return schema_error(c, OTELSIM_EINPUT, k, "unknown key '%.200s'", k->str);
}

/* Name of a node's type as the table expects it ("an integer", "a mapping"). */
static const char *want_name(int type)
{
	switch (type) {
	case KT_STRING:
		return "a string";
	case KT_INT:
		return "an integer";
	case KT_NUMBER:
		return "a number";
	case KT_PROB:
		return "a number";
	case KT_BOOL:
		return "true or false";
	case KT_ENUM:
		return "a string";
	case KT_SCALAR:
		return "a single value";
	case KT_MAP:
		return "a mapping";
	case KT_LIST:
		return "a list";
	default:
		return "a value";
	}
}

static int type_error(struct schema_ctx *c, const struct key_def *d, const struct ynode *v)
{
	return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be %s, not %s", d->key,
			    want_name(d->type), ynode_kind(v));
}

int value_prob(struct schema_ctx *c, const struct ynode *n, double *out)
{
	double d;
	char buf[32];

	if (ynode_double(n, &d))
		return schema_error(c, OTELSIM_EINPUT, n, "probability must be a number, not %s",
				    ynode_kind(n));
	if (d >= 0.0 && d <= 1.0) {
		*out = d;
		return 0;
	}
	if (d > 1.0 && d <= 100.0) {
		buf[fmt_double(buf, d / 100.0)] = '\0';
		return schema_error(c, OTELSIM_EINPUT, n,
				    "probabilities are 0..1; did you mean %s?", buf);
	}
	buf[fmt_double(buf, d)] = '\0';
	return schema_error(c, OTELSIM_EINPUT, n, "probability must be between 0 and 1 (got %s)",
			    buf);
}

static int enum_index(const struct key_def *d, const char *s)
{
	for (int i = 0; d->members && d->members[i]; i++) {
		if ((d->flags & KF_NOCASE) ? !strcasecmp(d->members[i], s)
					   : !strcmp(d->members[i], s))
			return i;
	}
	return -1;
}

static size_t count_members(const char *const *m)
{
	size_t n = 0;

	while (m && m[n])
		n++;
	return n;
}

/* Generic type check; stores by type when the key has no handler. */
static int check_and_fill(struct schema_ctx *c, const struct key_def *d, const struct ynode *v,
			  void *obj)
{
	char *dst = obj && d->offset != SCHEMA_NOFILL ? (char *)obj + d->offset : NULL;
	int64_t i;
	double x;
	bool b;
	int rc, idx = 0;

	if (!v || (ynode_is_null(v) && d->type != KT_ANY))
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' has no value (expected %s)", d->key,
				    want_name(d->type));
	switch (d->type) {
	case KT_STRING:
		if (!ynode_is_string(v))
			return type_error(c, d, v);
		break;
	case KT_INT:
		rc = ynode_int(v, &i);
		if (rc == -2 && d->fill && (d->flags & KF_RANGE))
			break;
		if (rc == -2)
			return schema_error(c, OTELSIM_ELIMIT, v, "integer out of range for '%s'",
					    d->key);
		if (rc)
			return type_error(c, d, v);
		break;
	case KT_NUMBER:
		if (ynode_double(v, &x))
			return type_error(c, d, v);
		if (!isfinite(x))
			return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be a finite number",
					    d->key);
		break;
	case KT_PROB:
		if (ynode_double(v, &x))
			return type_error(c, d, v);
		rc = value_prob(c, v, &x);
		if (rc)
			return rc;
		break;
	case KT_BOOL:
		if (ynode_bool(v, &b))
			return type_error(c, d, v);
		break;
	case KT_ENUM:
		if (v->type != YN_SCALAR || !ynode_is_string(v))
			return type_error(c, d, v);
		idx = enum_index(d, v->str);
		if (idx < 0)
			return schema_enum_error(c, v, d->key, v->str, d->members,
						 count_members(d->members));
		break;
	case KT_SCALAR:
		if (v->type != YN_SCALAR)
			return type_error(c, d, v);
		break;
	case KT_MAP:
		if (v->type != YN_MAP)
			return type_error(c, d, v);
		break;
	case KT_LIST:
		if (v->type != YN_SEQ)
			return type_error(c, d, v);
		break;
	default:
		break;
	}
	if (d->fill)
		return d->fill(c, d, v, obj);
	if (!dst)
		return 0;
	switch (d->type) {
	case KT_STRING: {
		const char *s;

		rc = value_string(c, v, &s);
		if (rc)
			return rc;
		memcpy(dst, &s, sizeof(s));
		break;
	}
	case KT_INT:
		memcpy(dst, &i, sizeof(i));
		break;
	case KT_NUMBER:
	case KT_PROB:
		memcpy(dst, &x, sizeof(x));
		break;
	case KT_BOOL:
		memcpy(dst, &b, sizeof(b));
		break;
	case KT_ENUM:
		memcpy(dst, &idx, sizeof(idx));
		break;
	default:
		break;
	}
	return 0;
}

int schema_walk(struct schema_ctx *c, const struct key_table *t, const struct ynode *map, void *obj)
{
	const struct ynode *seen[64];
	int rc;

	if (!map || map->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, map, "expected a mapping, not %s",
				    ynode_kind(map));
	if (t->nkeys > sizeof(seen) / sizeof(seen[0]))
		return error_set(c->err, OTELSIM_EINTERNAL, "key table '%s' too large", t->name);
	memset(seen, 0, sizeof(seen));
	/* 1-2: every key known, each at most once */
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;
		const struct key_def *d;
		bool alias;
		size_t di;

		if (k->type != YN_SCALAR || ynode_is_null(k))
			return schema_error(c, OTELSIM_EINPUT, k,
					    "keys must be plain names, not %s", ynode_kind(k));
		d = find_def(t, k->str, &alias);
		if (!d)
			return unknown_key(c, t, k);
		di = (size_t)(d - t->keys);
		if (seen[di]) {
			const struct ynode *first = seen[di];

			return schema_error(c, OTELSIM_EINPUT, k,
					    "'%s' and '%s' are the same key (keep one; the first "
					    "is at line %d, column %d)",
					    first->str, k->str, first->line, first->col);
		}
		seen[di] = k;
	}
	/* 3: required keys */
	for (size_t i = 0; i < t->nkeys; i++)
		if ((t->keys[i].flags & KF_REQUIRED) && !seen[i])
			return schema_error(c, OTELSIM_EINPUT, map, "missing required key '%s'",
					    t->keys[i].key);
	/* 4: values, in table order */
	for (size_t i = 0; i < t->nkeys; i++) {
		const struct ynode *v = NULL;

		if (!seen[i])
			continue;
		for (size_t j = 0; j < map->n; j++)
			if (map->pairs[j].key == seen[i])
				v = map->pairs[j].value;
		if ((t->keys[i].flags & KF_LATER) &&
		    model_warn(c->m, c->file, seen[i]->line, seen[i]->col,
			       "'%s' is accepted and checked, but not honoured yet",
			       t->keys[i].key))
			return schema_error(c, OTELSIM_ENOMEM, map, "out of memory");
		rc = check_and_fill(c, &t->keys[i], v, obj);
		if (rc)
			return rc;
	}
	return 0;
}

int schema_fill_node(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)c;
	*(const struct ynode **)((char *)obj + k->offset) = v;
	return 0;
}
