/*
 * load/semconv_read.c - one registry YAML file into flat records.
 *
 * Three kinds of file: the manifest (by name), v1 (`groups:`) and
 * `file_format: definition/2`. Keys come from one table per context, taken
 * from the upstream schemas (weaver's semconv.schema.json, the definition/2
 * syntax and the manifest schema) plus keys older registries still carry
 * (`prefix`, `constraints`, `allow_custom_values`): a key in the table is
 * accepted, any other key is a warning. Values that matter to us (ids,
 * types, members, kinds, instruments, our annotations) are checked and a
 * wrong one is an error at its position.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "load/semconv_int.h"
#include "load/yaml.h"
#include "util/error.h"
#include "util/text.h"

struct rd {
	struct scx *x;
	const char *file; /* arena copy */
};

/* ---- key tables ---- */

static const char *const k_v1_top[] = { "groups", "imports", NULL };
static const char *const k_v2_top[] = { "file_format",        "version",
					"attributes",         "attribute_groups",
					"spans",              "metrics",
					"events",             "entities",
					"imports",            "span_refinements",
					"metric_refinements", "event_refinements",
					"entity_refinements", NULL };
/* A refinement narrows a signal defined elsewhere (`ref`) under its own `id`. */
static const char *const k_refinement[] = { "id",
					    "ref",
					    "kind",
					    "name",
					    "brief",
					    "note",
					    "unit",
					    "instrument",
					    "stability",
					    "deprecated",
					    "attributes",
					    "entity_associations",
					    "annotations",
					    "requirement_level",
					    "metric_requirement_level",
					    "events",
					    "body",
					    "identity",
					    "description",
					    NULL };
static const char *const k_manifest[] = { "name",
					  "description",
					  "version",
					  "semconv_version",
					  "schema_base_url",
					  "schema_url",
					  "stability",
					  "dependencies",
					  "file_format",
					  "resolved_schema_url",
					  "resolved_schema_uri",
					  "repository_url",
					  NULL };
static const char *const k_dependency[] = { "name", "registry_path", "schema_url", NULL };
static const char *const k_group_v1[] = { "id",
					  "type",
					  "brief",
					  "note",
					  "prefix",
					  "extends",
					  "stability",
					  "deprecated",
					  "display_name",
					  "attributes",
					  "annotations",
					  "span_kind",
					  "events",
					  "metric_name",
					  "instrument",
					  "unit",
					  "metric_requirement_level",
					  "name",
					  "body",
					  "entity_associations",
					  "constraints",
					  "dependency_resolution",
					  NULL };
static const char *const k_attr_v1[] = { "id",
					 "ref",
					 "ref_group",
					 "type",
					 "brief",
					 "note",
					 "examples",
					 "tag",
					 "stability",
					 "deprecated",
					 "requirement_level",
					 "sampling_relevant",
					 "annotations",
					 "role",
					 "dependency_resolution",
					 NULL };
static const char *const k_attr_v2[] = { "key",         "type",      "brief",
					 "note",        "stability", "deprecated",
					 "annotations", "examples",  "dependency_resolution",
					 NULL };
static const char *const k_ref_v2[] = { "ref",
					"ref_group",
					"brief",
					"note",
					"examples",
					"annotations",
					"stability",
					"deprecated",
					"requirement_level",
					"sampling_relevant",
					"role",
					"tag",
					NULL };
static const char *const k_enum[] = { "members", "allow_custom_values", NULL };
static const char *const k_member[] = { "id",        "value",      "brief",       "note",
					"stability", "deprecated", "annotations", NULL };
static const char *const k_deprecated[] = { "reason", "renamed_to", "note", NULL };
static const char *const k_otelsim[] = { "closed", "allowed_values", "buckets", NULL };
static const char *const k_agroup_v2[] = { "id",          "visibility", "brief",
					   "note",        "stability",  "deprecated",
					   "annotations", "attributes", "display_name",
					   NULL };
static const char *const k_span_v2[] = { "type",
					 "kind",
					 "name",
					 "brief",
					 "note",
					 "stability",
					 "deprecated",
					 "attributes",
					 "entity_associations",
					 "annotations",
					 "requirement_level",
					 "events",
					 NULL };
static const char *const k_metric_v2[] = { "name",
					   "brief",
					   "note",
					   "unit",
					   "instrument",
					   "stability",
					   "deprecated",
					   "attributes",
					   "entity_associations",
					   "annotations",
					   "requirement_level",
					   "metric_requirement_level",
					   NULL };
static const char *const k_event_v2[] = { "name",
					  "brief",
					  "note",
					  "stability",
					  "deprecated",
					  "attributes",
					  "entity_associations",
					  "annotations",
					  "body",
					  NULL };
static const char *const k_entity_v2[] = {
	"type",       "name",     "brief",       "note",        "stability",
	"deprecated", "identity", "description", "annotations", "entity_associations",
	NULL
};
static const char *const k_imports[] = { "entities", "events",           "metrics",
					 "spans",    "attribute_groups", NULL };

static const char *const stabilities[] = { "stable", "development",       "experimental", "alpha",
					   "beta",   "release_candidate", "deprecated",   NULL };
static const char *const req_levels[] = { "required", "recommended", "conditionally_required",
					  "opt_in", NULL };
static const char *const instruments[] = { "counter", "histogram", "gauge", "updowncounter", NULL };
static const char *const dep_reasons[] = { "renamed", "obsoleted", "uncategorized", "unspecified",
					   NULL };

struct named {
	const char *name;
	int value;
};

static const struct named group_kinds[] = { { "attribute_group", GK_ATTRIBUTE_GROUP },
					    { "span", GK_SPAN },
					    { "event", GK_EVENT },
					    { "metric", GK_METRIC },
					    { "metric_group", GK_METRIC_GROUP },
					    { "entity", GK_ENTITY },
					    { "resource", GK_RESOURCE },
					    { "scope", GK_SCOPE },
					    { NULL, 0 } };

/* OTLP SpanKind numbers */
static const struct named span_kinds[] = { { "internal", 1 }, { "server", 2 },   { "client", 3 },
					   { "producer", 4 }, { "consumer", 5 }, { NULL, 0 } };

static const struct named simple_types[] = { { "string", SC_STRING },
					     { "int", SC_INT },
					     { "double", SC_DOUBLE },
					     { "boolean", SC_BOOLEAN },
					     { "any", SC_ANY },
					     { "string[]", SC_STRING_ARRAY },
					     { "int[]", SC_INT_ARRAY },
					     { "double[]", SC_DOUBLE_ARRAY },
					     { "boolean[]", SC_BOOLEAN_ARRAY },
					     { NULL, 0 } };

/* ---- helpers ---- */

static int fail(struct rd *r, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct rd *r, const struct ynode *n, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_at(r->x->err, OTELSIM_EINPUT, r->file, n ? n->line : 0, n ? n->col : 0, "%s",
			msg);
}

static int nomem(struct rd *r)
{
	return error_set(r->x->err, OTELSIM_ENOMEM, "out of memory reading '%s'", r->file);
}

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static const char *closest(const char *s, const char *const *list)
{
	size_t n = 0;

	while (list[n])
		n++;
	return suggest(s, list, n);
}

static const char *closest_named(const char *s, const struct named *t)
{
	const char *names[16];
	size_t n = 0;

	for (; n < 15 && t[n].name; n++)
		names[n] = t[n].name;
	names[n] = NULL;
	return closest(s, names);
}

static int find_named(const struct named *t, const char *s, int *out)
{
	for (size_t i = 0; t[i].name; i++) {
		if (!strcmp(t[i].name, s)) {
			*out = t[i].value;
			return 0;
		}
	}
	return -1;
}

/* Warn about every key of `map` that is not in `known`. */
static int check_keys(struct rd *r, const struct ynode *map, const char *const *known)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;
		const char *near;
		int rc;

		if (k->type != YN_SCALAR) {
			rc = scx_warn(r->x, r->file, k->line, k->col, "ignored non-scalar key");
		} else if (in_list(k->str, known)) {
			continue;
		} else if ((near = closest(k->str, known))) {
			rc = scx_warn(r->x, r->file, k->line, k->col,
				      "unknown key '%.200s' (did you mean '%s'?)", k->str, near);
		} else {
			rc = scx_warn(r->x, r->file, k->line, k->col, "unknown key '%.200s'",
				      k->str);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static bool is_str(const struct ynode *n)
{
	return n && n->type == YN_SCALAR && !ynode_is_null(n);
}

/*
 * String value of `key` in `map` (any non-null scalar; ids like `200` are
 * text too). Missing: error "<what> has no '<key>'" when required, else
 * *out = NULL.
 */
static int get_str(struct rd *r, const struct ynode *map, const char *key, const char *what,
		   const char **out, const struct ynode **node)
{
	const struct ynode *v = ymap_get(map, key);

	*out = NULL;
	if (node)
		*node = v;
	if (!v || ynode_is_null(v)) {
		if (what)
			return fail(r, map, "%s has no '%s'", what, key);
		return 0;
	}
	if (v->type != YN_SCALAR)
		return fail(r, v, "'%s' must be a string, not %s", key, ynode_kind(v));
	*out = v->str;
	return 0;
}

static const char *dup(struct rd *r, const char *s)
{
	return s ? arena_strdup(r->x->arena, s) : NULL;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static int want_list(struct rd *r, const struct ynode *n, const char *key)
{
	if (n->type != YN_SEQ)
		return fail(r, n, "'%s' must be a list, not %s", key, ynode_kind(n));
	return 0;
}

static int want_map(struct rd *r, const struct ynode *n, const char *what)
{
	if (n->type != YN_MAP)
		return fail(r, n, "%s must be a mapping, not %s", what, ynode_kind(n));
	return 0;
}

/* ---- value checks shared by every context ---- */

static int check_stability(struct rd *r, const struct ynode *map)
{
	const struct ynode *v = ymap_get(map, "stability");
	const char *near;

	if (!v || ynode_is_null(v))
		return 0;
	if (v->type != YN_SCALAR)
		return fail(r, v, "'stability' must be a string, not %s", ynode_kind(v));
	if (in_list(v->str, stabilities))
		return 0;
	if ((near = closest(v->str, stabilities)))
		return scx_warn(r->x, r->file, v->line, v->col,
				"unknown stability '%.200s' (did you mean '%s'?)", v->str, near);
	return scx_warn(r->x, r->file, v->line, v->col, "unknown stability '%.200s'", v->str);
}

static int check_requirement(struct rd *r, const struct ynode *map)
{
	const struct ynode *v = ymap_get(map, "requirement_level");
	const struct ynode *k;

	if (!v || ynode_is_null(v))
		return 0;
	if (v->type == YN_SCALAR) {
		if (in_list(v->str, req_levels))
			return 0;
		return fail(r, v,
			    "unknown requirement level '%.200s' (expected required, recommended, "
			    "conditionally_required or opt_in)",
			    v->str);
	}
	if (v->type != YN_MAP)
		return fail(r, v, "'requirement_level' must be a string or a mapping, not %s",
			    ynode_kind(v));
	if (v->n != 1)
		return fail(r, v, "'requirement_level' must have exactly one key, not %zu", v->n);
	k = v->pairs[0].key;
	if (k->type != YN_SCALAR || !in_list(k->str, req_levels))
		return fail(r, k,
			    "unknown requirement level '%.200s' (expected required, recommended, "
			    "conditionally_required or opt_in)",
			    k->type == YN_SCALAR ? k->str : "?");
	return 0;
}

/* deprecated: a string (old files), a boolean, or {reason, renamed_to, note}. */
static int parse_deprecated(struct rd *r, const struct ynode *map, bool *dep,
			    const char **renamed_to)
{
	const struct ynode *v = ymap_get(map, "deprecated");
	const struct ynode *reason;
	const char *to;
	bool b;
	int rc;

	*dep = false;
	if (renamed_to)
		*renamed_to = NULL;
	if (!v || ynode_is_null(v))
		return 0;
	if (v->type == YN_SCALAR) {
		*dep = ynode_bool(v, &b) == 0 ? b : true;
		return 0;
	}
	if (v->type != YN_MAP)
		return fail(r, v, "'deprecated' must be a string or a mapping, not %s",
			    ynode_kind(v));
	*dep = true;
	if ((rc = check_keys(r, v, k_deprecated)))
		return rc;
	reason = ymap_get(v, "reason");
	if (reason && reason->type != YN_SCALAR)
		return fail(r, reason, "'reason' must be a string, not %s", ynode_kind(reason));
	if (reason && !in_list(reason->str, dep_reasons)) {
		if ((rc = scx_warn(r->x, r->file, reason->line, reason->col,
				   "unknown deprecation reason '%.200s'", reason->str)))
			return rc;
	}
	if ((rc = get_str(r, v, "renamed_to", NULL, &to, NULL)))
		return rc;
	if (to && renamed_to)
		*renamed_to = scx_store_id(r->x, to);
	return 0;
}

/* What the annotations we read say. */
struct ann {
	bool closed;
	bool exclude;
	bool has_allowed, has_buckets;
	const char **allowed;
	struct scx_pos *allowed_pos;
	size_t nallowed;
	const struct ynode *allowed_node, *buckets_node;
	double *buckets;
	size_t nbuckets;
};

static int parse_allowed(struct rd *r, const struct ynode *v, struct ann *a)
{
	if (v->type != YN_SEQ)
		return fail(r, v, "'allowed_values' must be a list, not %s", ynode_kind(v));
	if (!v->n)
		return fail(r, v, "'allowed_values' is empty");
	a->allowed = ARENA_NEWN(r->x->arena, const char *, v->n);
	a->allowed_pos = ARENA_NEWN(r->x->arena, struct scx_pos, v->n);
	if (!a->allowed || !a->allowed_pos)
		return nomem(r);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];

		if (!is_str(it))
			return fail(r, it, "an allowed value must be a string or a number, not %s",
				    ynode_kind(it));
		for (size_t j = 0; j < i; j++)
			if (!strcmp(a->allowed[j], it->str))
				return fail(r, it, "allowed value '%.200s' listed twice", it->str);
		if (!(a->allowed[i] = dup(r, it->str)))
			return nomem(r);
		a->allowed_pos[i] = (struct scx_pos){ r->file, it->line, it->col };
	}
	a->nallowed = v->n;
	a->has_allowed = true;
	a->allowed_node = v;
	return 0;
}

static int parse_buckets(struct rd *r, const struct ynode *v, struct ann *a)
{
	if (v->type != YN_SEQ)
		return fail(r, v, "'buckets' must be a list, not %s", ynode_kind(v));
	a->buckets = ARENA_NEWN(r->x->arena, double, v->n ? v->n : 1);
	if (!a->buckets)
		return nomem(r);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		double d;

		if (it->type != YN_SCALAR)
			return fail(r, it, "a bucket boundary must be a number, not %s",
				    ynode_kind(it));
		if (ynode_double(it, &d) || d != d || d - d != 0)
			return fail(r, it, "bucket boundary '%.200s' is not a finite number",
				    it->str);
		if (i && d <= a->buckets[i - 1]) {
			char b1[32], b2[32];

			b1[fmt_double(b1, d)] = 0;
			b2[fmt_double(b2, a->buckets[i - 1])] = 0;
			return fail(r, it, "bucket boundaries must increase (%s after %s)", b1, b2);
		}
		a->buckets[i] = d;
	}
	a->nbuckets = v->n;
	a->has_buckets = true;
	a->buckets_node = v;
	return 0;
}

/*
 * annotations: free-form upstream; we read `otelsim: {closed, allowed_values,
 * buckets}` and `dependency_resolution: {exclude}` (also accepted as a key
 * of its own next to `annotations`).
 */
static int parse_annotations(struct rd *r, const struct ynode *map, struct ann *a)
{
	const struct ynode *v = ymap_get(map, "annotations");
	const struct ynode *o, *dr, *ex;
	bool b;
	int rc;

	memset(a, 0, sizeof(*a));
	for (int pass = 0; pass < 2; pass++) {
		dr = pass ? ymap_get(map, "dependency_resolution")
			  : (v && v->type == YN_MAP ? ymap_get(v, "dependency_resolution") : NULL);
		if (dr && dr->type == YN_MAP && (ex = ymap_get(dr, "exclude")) &&
		    !ynode_bool(ex, &b))
			a->exclude = a->exclude || b;
	}
	if (!v || ynode_is_null(v))
		return 0;
	if ((rc = want_map(r, v, "'annotations'")))
		return rc;
	o = ymap_get(v, "otelsim");
	if (!o)
		return 0;
	if ((rc = want_map(r, o, "'otelsim' annotations")))
		return rc;
	if ((rc = check_keys(r, o, k_otelsim)))
		return rc;
	if ((v = ymap_get(o, "closed"))) {
		if (ynode_bool(v, &a->closed))
			return fail(r, v, "'closed' must be true or false, not %s", ynode_kind(v));
	}
	if ((v = ymap_get(o, "allowed_values")) && (rc = parse_allowed(r, v, a)))
		return rc;
	if ((v = ymap_get(o, "buckets")) && (rc = parse_buckets(r, v, a)))
		return rc;
	return 0;
}

/* ---- types and enums ---- */

static int parse_members(struct rd *r, const struct ynode *tn, struct sc_attr *a)
{
	const struct ynode *ms = ymap_get(tn, "members");
	struct sc_member *m;
	bool any_str = false, any_num = false, any_dbl = false;
	const struct ynode *first_str = NULL, *first_num = NULL;
	int rc;

	if ((rc = check_keys(r, tn, k_enum)))
		return rc;
	if (!ms || ynode_is_null(ms))
		return fail(r, tn, "enum type of '%s' has no 'members'", a->id);
	if ((rc = want_list(r, ms, "members")))
		return rc;
	m = ARENA_NEWN(r->x->arena, struct sc_member, ms->n ? ms->n : 1);
	if (!m)
		return nomem(r);
	for (size_t i = 0; i < ms->n; i++) {
		const struct ynode *mn = ms->items[i], *val;
		const char *id;
		int64_t iv;
		double dv;
		char buf[32];

		if ((rc = want_map(r, mn, "an enum member")))
			return rc;
		if ((rc = check_keys(r, mn, k_member)))
			return rc;
		if ((rc = get_str(r, mn, "id", "enum member", &id, NULL)))
			return rc;
		val = ymap_get(mn, "value");
		if (!val || ynode_is_null(val))
			return fail(r, mn, "enum member '%.200s' has no 'value'", id);
		if (val->type != YN_SCALAR)
			return fail(r, val, "'value' must be a string or a number, not %s",
				    ynode_kind(val));
		if ((rc = check_stability(r, mn)) ||
		    (rc = parse_deprecated(r, mn, &m[i].deprecated, NULL)))
			return rc;
		m[i].id = dup(r, id);
		if (val->style == YS_PLAIN && ynode_int(val, &iv) == 0) {
			buf[fmt_i64(buf, iv)] = 0;
			m[i].value = dup(r, buf);
			any_num = true;
			first_num = first_num ? first_num : val;
		} else if (val->style == YS_PLAIN && ynode_double(val, &dv) == 0) {
			buf[fmt_double(buf, dv)] = 0;
			m[i].value = dup(r, buf);
			any_num = any_dbl = true;
			first_num = first_num ? first_num : val;
		} else {
			m[i].value = dup(r, val->str);
			any_str = true;
			first_str = first_str ? first_str : val;
		}
		if (!m[i].id || !m[i].value)
			return nomem(r);
	}
	if (any_str && any_num) {
		const struct ynode *later = first_str->line > first_num->line ||
							    (first_str->line == first_num->line &&
							     first_str->col > first_num->col)
						    ? first_str
						    : first_num;

		return fail(r, later, "enum '%s' mixes string and number values", a->id);
	}
	a->type = SC_ENUM;
	a->enum_value_type = any_dbl ? SC_DOUBLE : any_num ? SC_INT : SC_STRING;
	a->members = m;
	a->nmembers = ms->n;
	return 0;
}

static int parse_type(struct rd *r, const struct ynode *map, struct sc_attr *a)
{
	const struct ynode *t = ymap_get(map, "type");
	const char *near;
	int v;

	if (!t || ynode_is_null(t))
		return fail(r, map, "attribute '%s' has no 'type'", a->id);
	if (t->type == YN_MAP)
		return parse_members(r, t, a);
	if (t->type != YN_SCALAR)
		return fail(r, t, "'type' must be a string or a mapping with 'members', not %s",
			    ynode_kind(t));
	if (!find_named(simple_types, t->str, &v)) {
		a->type = v;
		return 0;
	}
	if (has_prefix(t->str, "template[") && t->len > 10 && t->str[t->len - 1] == ']') {
		char inner[32];

		if (t->len - 10 < sizeof(inner)) {
			memcpy(inner, t->str + 9, t->len - 10);
			inner[t->len - 10] = 0;
			if (!find_named(simple_types, inner, &v)) {
				a->type = SC_TEMPLATE;
				a->template_type = v; /* its values are checked as this type */
				return 0;
			}
		}
		return fail(r, t, "unknown attribute type '%.200s' (template of what?)", t->str);
	}
	if ((near = closest_named(t->str, simple_types)))
		return fail(r, t, "unknown attribute type '%.200s' (did you mean '%s'?)", t->str,
			    near);
	return fail(r, t, "unknown attribute type '%.200s'", t->str);
}

/* ---- attributes ---- */

struct gctx {
	struct scx_group *g; /* NULL for v2 top-level attributes */
	const char *prefix;  /* old v1 groups: attribute ids are relative to it */
	bool vendor;         /* a group we own */
	bool closed;         /* group annotated otelsim.closed */
	bool exclude;        /* group annotated dependency_resolution.exclude */
	bool v2;
	size_t gi; /* 1 + index of g in x->groups (0: none) */
};

/* The entry's requirement level (default recommended) and first example. */
static void entry_level(struct rd *r, const struct ynode *an, uint8_t *level, const char **ex)
{
	const struct ynode *v = ymap_get(an, "requirement_level");
	const struct ynode *e = ymap_get(an, "examples");
	const char *name = NULL;

	*level = SC_RECOMMENDED;
	if (v && v->type == YN_SCALAR)
		name = v->str;
	else if (v && v->type == YN_MAP && v->n == 1 && v->pairs[0].key->type == YN_SCALAR)
		name = v->pairs[0].key->str;
	if (name)
		*level = !strcmp(name, "required")		  ? SC_REQUIRED
			 : !strcmp(name, "conditionally_required") ? SC_CONDITIONAL
			 : !strcmp(name, "opt_in")		  ? SC_OPT_IN
								  : SC_RECOMMENDED;
	if (e && e->type == YN_SEQ)
		e = e->n ? e->items[0] : NULL;
	*ex = e && e->type == YN_SCALAR && !ynode_is_null(e) ? dup(r, e->str) : NULL;
}

static size_t group_index(const struct rd *r, const struct scx_group *g)
{
	return g ? (size_t)(g - (const struct scx_group *)r->x->groups.items) + 1 : 0;
}

static int add_edge(struct rd *r, struct scx_group *g, const char *target, const struct ynode *n,
		    bool is_extends)
{
	struct scx_edge *e = ARENA_NEWN(r->x->arena, struct scx_edge, g->nedges + 1);

	if (!e)
		return nomem(r);
	if (g->nedges)
		memcpy(e, g->edges, sizeof(*e) * g->nedges);
	e[g->nedges].target = dup(r, target);
	e[g->nedges].pos = (struct scx_pos){ r->file, n->line, n->col };
	e[g->nedges].is_extends = is_extends;
	if (!e[g->nedges].target)
		return nomem(r);
	g->edges = e;
	g->nedges++;
	return 0;
}

static int read_ref(struct rd *r, const struct gctx *c, const struct ynode *an, const char *id,
		    const struct ynode *idn)
{
	struct scx_ref *ref;
	struct ann a;
	bool dep;
	int rc;

	if ((rc = parse_annotations(r, an, &a)) || (rc = check_requirement(r, an)) ||
	    (rc = check_stability(r, an)) || (rc = parse_deprecated(r, an, &dep, NULL)))
		return rc;
	if (!(ref = scx_push(&r->x->refs)))
		return nomem(r);
	ref->id = scx_store_id(r->x, id);
	ref->pos = (struct scx_pos){ r->file, idn->line, idn->col };
	ref->in_vendor = c->vendor;
	ref->group = c->gi;
	entry_level(r, an, &ref->level, &ref->example);
	if (a.has_allowed) {
		ref->has_allowed = true;
		ref->allowed = a.allowed;
		ref->allowed_pos = a.allowed_pos;
		ref->nallowed = a.nallowed;
		ref->list_pos = (struct scx_pos){ r->file, a.allowed_node->line,
						  a.allowed_node->col };
	}
	if (a.has_buckets &&
	    (rc = scx_warn(r->x, r->file, a.buckets_node->line, a.buckets_node->col,
			   "'buckets' only applies to a metric")))
		return rc;
	return ref->id ? 0 : nomem(r);
}

static int read_def(struct rd *r, const struct gctx *c, const struct ynode *an, const char *id,
		    const struct ynode *idn)
{
	struct scx_def *d;
	struct ann a;
	int rc;

	if (!(d = scx_push(&r->x->defs)))
		return nomem(r);
	d->order = r->x->order++;
	d->pos = (struct scx_pos){ r->file, idn->line, idn->col };
	if (!(d->a.id = scx_store_id(r->x, id)))
		return nomem(r);
	if ((rc = parse_type(r, an, &d->a)) || (rc = check_stability(r, an)) ||
	    (rc = check_requirement(r, an)) ||
	    (rc = parse_deprecated(r, an, &d->a.deprecated, &d->a.renamed_to)) ||
	    (rc = parse_annotations(r, an, &a)))
		return rc;
	{
		const struct ynode *s = ymap_get(an, "stability");

		d->a.stability = is_str(s) ? dup(r, s->str) : "";
	}
	d->excluded = a.exclude || c->exclude;
	d->group = c->gi;
	entry_level(r, an, &d->level, &d->example);
	d->a.closed = d->a.type == SC_ENUM &&
		      (c->vendor || c->closed || a.closed || scx_is_vendor_id(id));
	if (a.has_allowed) {
		d->allowed = a.allowed;
		d->allowed_pos = a.allowed_pos;
		d->nallowed = a.nallowed;
		d->a.closed = true;
	}
	if (a.has_buckets &&
	    (rc = scx_warn(r->x, r->file, a.buckets_node->line, a.buckets_node->col,
			   "'buckets' only applies to a metric")))
		return rc;
	return 0;
}

/* One item of an `attributes` list: a definition, a ref or a ref_group. */
static int read_attr(struct rd *r, const struct gctx *c, const struct ynode *an, bool defs_ok)
{
	const struct ynode *idn, *refn, *rgn;
	const char *id, *ref, *rg;
	const char *idkey = c->v2 ? "key" : "id";
	int rc;

	if ((rc = want_map(r, an, "an attribute")))
		return rc;
	if ((rc = check_keys(r, an, !c->v2 ? k_attr_v1 : defs_ok ? k_attr_v2 : k_ref_v2)))
		return rc;
	if ((rc = get_str(r, an, "ref", NULL, &ref, &refn)) ||
	    (rc = get_str(r, an, "ref_group", NULL, &rg, &rgn)) ||
	    (rc = get_str(r, an, idkey, NULL, &id, &idn)))
		return rc;
	if (c->v2 && !defs_ok)
		id = NULL; /* 'key' here was warned about */
	if ((ref != NULL) + (rg != NULL) + (id != NULL) > 1)
		return fail(r, an, "an attribute has only one of '%s', 'ref' and 'ref_group'",
			    idkey);
	if (rg) {
		if (!c->g)
			return fail(r, rgn, "'ref_group' needs a group");
		return add_edge(r, c->g, rg, rgn, false);
	}
	if (ref)
		return read_ref(r, c, an, ref, refn);
	if (!id) {
		if (defs_ok && c->v2)
			return fail(r, an, "attribute has no 'key'");
		if (defs_ok)
			return fail(r, an, "attribute has no 'id' or 'ref'");
		return fail(r, an, "attribute has no 'ref' or 'ref_group'");
	}
	if (c->prefix) {
		char *full = arena_printf(r->x->arena, "%s.%s", c->prefix, id);

		if (!full)
			return nomem(r);
		id = full;
	}
	return read_def(r, c, an, id, idn);
}

static int read_attr_list(struct rd *r, const struct gctx *c, const struct ynode *map,
			  const char *key, bool defs_ok)
{
	const struct ynode *l = ymap_get(map, key);
	int rc;

	if (!l || ynode_is_null(l))
		return 0;
	if ((rc = want_list(r, l, key)))
		return rc;
	for (size_t i = 0; i < l->n; i++)
		if ((rc = read_attr(r, c, l->items[i], defs_ok)))
			return rc;
	return 0;
}

/* ---- groups ---- */

static struct scx_group *new_group(struct rd *r, const struct ynode *n, const char *id, int kind)
{
	struct scx_group *g = scx_push(&r->x->groups);

	if (!g)
		return NULL;
	g->id = dup(r, id);
	g->kind = kind;
	g->pos = (struct scx_pos){ r->file, n->line, n->col };
	g->order = r->x->order++;
	return g->id ? g : NULL;
}

static int read_span_kind(struct rd *r, const struct ynode *v, int *kind)
{
	const char *near;

	*kind = 0;
	if (!v || ynode_is_null(v))
		return 0;
	if (v->type == YN_SEQ && v->n >= 1) /* seen in the wild: [server] */
		v = v->items[0];
	if (v->type != YN_SCALAR)
		return fail(r, v, "span kind must be a string, not %s", ynode_kind(v));
	if (!find_named(span_kinds, v->str, kind))
		return 0;
	if ((near = closest_named(v->str, span_kinds)))
		return fail(r, v, "unknown span kind '%.200s' (did you mean '%s'?)", v->str, near);
	return fail(r, v,
		    "unknown span kind '%.200s' (expected client, server, producer, consumer or "
		    "internal)",
		    v->str);
}

static int read_metric_fields(struct rd *r, struct scx_group *g, const struct ynode *gn,
			      const char *name_key, const struct ann *a)
{
	const struct ynode *inst, *unit;
	const char *name, *near;
	int rc;

	if ((rc = get_str(r, gn, name_key, "metric", &name, NULL)) ||
	    (rc = get_str(r, gn, "instrument", "metric", &g->instrument, &inst)) ||
	    (rc = get_str(r, gn, "unit", "metric", &g->unit, &unit)))
		return rc;
	if (!in_list(g->instrument, instruments)) {
		if ((near = closest(g->instrument, instruments)))
			return fail(r, inst, "unknown instrument '%.200s' (did you mean '%s'?)",
				    g->instrument, near);
		return fail(r, inst,
			    "unknown instrument '%.200s' (expected counter, histogram, gauge or "
			    "updowncounter)",
			    g->instrument);
	}
	g->metric_name = scx_store_id(r->x, name);
	g->instrument = dup(r, g->instrument);
	g->unit = dup(r, g->unit);
	if (!g->metric_name || !g->instrument || !g->unit)
		return nomem(r);
	if (a->has_buckets) {
		if (strcmp(g->instrument, "histogram"))
			return fail(r, a->buckets_node, "'buckets' needs a histogram, not a %s",
				    g->instrument);
		g->buckets = a->buckets;
		g->nbuckets = a->nbuckets;
	}
	return 0;
}

static int read_group_v1(struct rd *r, const struct ynode *gn)
{
	struct scx_group *g;
	struct gctx c = { 0 };
	struct ann a;
	const struct ynode *tn, *idn, *en;
	const char *id, *ext, *near, *name;
	int kind = GK_SPAN, rc;

	if ((rc = want_map(r, gn, "a group")))
		return rc;
	if ((rc = check_keys(r, gn, k_group_v1)))
		return rc;
	if ((rc = get_str(r, gn, "id", "group", &id, &idn)))
		return rc;
	tn = ymap_get(gn, "type");
	if (!tn || ynode_is_null(tn)) {
		if ((rc = scx_warn(r->x, r->file, gn->line, gn->col,
				   "group '%.200s' has no 'type' (taken as span)", id)))
			return rc;
	} else if (tn->type != YN_SCALAR) {
		return fail(r, tn, "'type' must be a string, not %s", ynode_kind(tn));
	} else if (find_named(group_kinds, tn->str, &kind)) {
		if ((near = closest_named(tn->str, group_kinds)))
			return fail(r, tn, "unknown group type '%.200s' (did you mean '%s'?)",
				    tn->str, near);
		return fail(r, tn, "unknown group type '%.200s'", tn->str);
	}
	if (!(g = new_group(r, gn, id, kind)))
		return nomem(r);
	g->referable = true;
	if ((rc = parse_deprecated(r, gn, &g->deprecated, NULL)) || (rc = check_stability(r, gn)) ||
	    (rc = parse_annotations(r, gn, &a)))
		return rc;
	if ((rc = get_str(r, gn, "extends", NULL, &ext, &en)))
		return rc;
	if (ext && (rc = add_edge(r, g, ext, en, true)))
		return rc;
	if ((rc = get_str(r, gn, "name", NULL, &name, NULL)))
		return rc;
	if (kind == GK_SPAN) {
		if ((rc = read_span_kind(r, ymap_get(gn, "span_kind"), &g->span_kind)))
			return rc;
		g->span_type = scx_store_id(r->x, has_prefix(id, "span.") ? id + 5 : id);
		if (name)
			g->span_name = scx_store_id(r->x, name);
		if (!g->span_type || (name && !g->span_name))
			return nomem(r);
	}
	if (kind == GK_METRIC) {
		if ((rc = read_metric_fields(r, g, gn, "metric_name", &a)))
			return rc;
	} else if (a.has_buckets) {
		if ((rc = scx_warn(r->x, r->file, a.buckets_node->line, a.buckets_node->col,
				   "'buckets' only applies to a metric")))
			return rc;
	}
	if (a.has_allowed &&
	    (rc = scx_warn(r->x, r->file, a.allowed_node->line, a.allowed_node->col,
			   "'allowed_values' applies to an attribute, not a group")))
		return rc;
	c.g = g;
	c.gi = group_index(r, g);
	c.vendor = scx_is_vendor_id(id);
	c.closed = a.closed;
	c.exclude = a.exclude;
	if ((rc = get_str(r, gn, "prefix", NULL, &c.prefix, NULL)))
		return rc;
	if (c.prefix && !*c.prefix)
		c.prefix = NULL;
	return read_attr_list(r, &c, gn, "attributes", true);
}

/* ---- definition/2 ---- */

static int read_v2_attribute(struct rd *r, const struct ynode *an)
{
	struct gctx c = { .v2 = true };

	return read_attr(r, &c, an, true);
}

static int read_v2_signal(struct rd *r, const struct ynode *sn, const char *section)
{
	struct scx_group *g;
	struct gctx c = { .v2 = true };
	struct ann a;
	const struct ynode *idn, *vis;
	const char *id, *name;
	int kind, rc;
	const char *const *keys;
	const char *idkey;

	if (!strcmp(section, "attribute_groups")) {
		kind = GK_ATTRIBUTE_GROUP, keys = k_agroup_v2, idkey = "id";
	} else if (!strcmp(section, "spans")) {
		kind = GK_SPAN, keys = k_span_v2, idkey = "type";
	} else if (!strcmp(section, "metrics")) {
		kind = GK_METRIC, keys = k_metric_v2, idkey = "name";
	} else if (!strcmp(section, "events")) {
		kind = GK_EVENT, keys = k_event_v2, idkey = "name";
	} else {
		kind = GK_ENTITY, keys = k_entity_v2, idkey = "type";
	}
	if ((rc = want_map(r, sn,
			   "an entry of 'attribute_groups', 'spans', 'metrics', "
			   "'events' or 'entities'")))
		return rc;
	if ((rc = check_keys(r, sn, keys)))
		return rc;
	{
		char what[64];

		snprintf(what, sizeof(what), "an entry of '%s'", section);
		if ((rc = get_str(r, sn, idkey, what, &id, &idn)))
			return rc;
	}
	if (!(g = new_group(r, sn, id, kind)))
		return nomem(r);
	g->referable = kind == GK_ATTRIBUTE_GROUP;
	if ((rc = parse_deprecated(r, sn, &g->deprecated, NULL)) || (rc = check_stability(r, sn)) ||
	    (rc = parse_annotations(r, sn, &a)))
		return rc;
	if (kind == GK_ATTRIBUTE_GROUP && (vis = ymap_get(sn, "visibility")) &&
	    !ynode_is_null(vis)) {
		if (vis->type != YN_SCALAR)
			return fail(r, vis, "'visibility' must be a string, not %s",
				    ynode_kind(vis));
		if (strcmp(vis->str, "public") && strcmp(vis->str, "internal") &&
		    (rc = scx_warn(r->x, r->file, vis->line, vis->col,
				   "unknown visibility '%.200s' (expected public or internal)",
				   vis->str)))
			return rc;
	}
	if (kind == GK_SPAN) {
		const struct ynode *nn = ymap_get(sn, "name");

		if ((rc = read_span_kind(r, ymap_get(sn, "kind"), &g->span_kind)))
			return rc;
		g->span_type = scx_store_id(r->x, id);
		name = nn && nn->type == YN_SCALAR && !ynode_is_null(nn) ? nn->str : NULL;
		if (name)
			g->span_name = scx_store_id(r->x, name);
		if (!g->span_type || (name && !g->span_name))
			return nomem(r);
	}
	if (kind == GK_METRIC) {
		if ((rc = read_metric_fields(r, g, sn, "name", &a)))
			return rc;
	} else if (a.has_buckets &&
		   (rc = scx_warn(r->x, r->file, a.buckets_node->line, a.buckets_node->col,
				  "'buckets' only applies to a metric"))) {
		return rc;
	}
	c.g = g;
	c.gi = group_index(r, g);
	c.vendor = scx_is_vendor_id(id);
	c.closed = a.closed;
	if (kind == GK_ENTITY) {
		if ((rc = read_attr_list(r, &c, sn, "identity", false)))
			return rc;
		return read_attr_list(r, &c, sn, "description", false);
	}
	return read_attr_list(r, &c, sn, "attributes", false);
}

static int read_imports(struct rd *r, const struct ynode *v)
{
	int rc;

	if (!v || ynode_is_null(v))
		return 0;
	if ((rc = want_map(r, v, "'imports'")) || (rc = check_keys(r, v, k_imports)))
		return rc;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *l = v->pairs[i].value;

		if (!ynode_is_null(l) && l->type != YN_SEQ)
			return fail(r, l, "'%s' must be a list, not %s",
				    v->pairs[i].key->type == YN_SCALAR ? v->pairs[i].key->str : "?",
				    ynode_kind(l));
	}
	return 0;
}

/*
 * span_refinements, metric_refinements, event_refinements,
 * entity_refinements: each a mapping with `id` and the `ref` of the
 * signal it narrows (same fields as that signal). They define no new
 * attribute, span type or metric, so they are checked and not kept.
 */
static int read_refinements(struct rd *r, const struct ynode *root)
{
	static const char *const sections[] = { "span_refinements", "metric_refinements",
						"event_refinements", "entity_refinements", NULL };
	int rc;

	for (size_t s = 0; sections[s]; s++) {
		const struct ynode *l = ymap_get(root, sections[s]);

		if (!l || ynode_is_null(l))
			continue;
		if ((rc = want_list(r, l, sections[s])))
			return rc;
		for (size_t i = 0; i < l->n; i++) {
			const struct ynode *e = l->items[i], *id, *ref;

			if ((rc = want_map(r, e, "a refinement")) ||
			    (rc = check_keys(r, e, k_refinement)))
				return rc;
			id = ymap_get(e, "id");
			ref = ymap_get(e, "ref");
			if (!id || id->type != YN_SCALAR || !ref || ref->type != YN_SCALAR)
				return fail(r, e, "a refinement in '%s' needs 'id' and 'ref'",
					    sections[s]);
		}
	}
	return 0;
}

static int read_v2(struct rd *r, const struct ynode *root)
{
	static const char *const sections[] = { "attribute_groups", "spans",    "metrics",
						"events",           "entities", NULL };
	const struct ynode *ff = ymap_get(root, "file_format");
	const struct ynode *l;
	int rc;

	if (!ff)
		ff = ymap_get(root, "version");
	if (ff && !(ff->type == YN_SCALAR &&
		    (!strcmp(ff->str, "definition/2") || !strcmp(ff->str, "2.0.0/definition") ||
		     !strcmp(ff->str, "2") || !strcmp(ff->str, "2.0.0"))))
		return fail(r, ff, "unsupported file_format '%.200s' (expected definition/2)",
			    ff->type == YN_SCALAR ? ff->str : ynode_kind(ff));
	if ((rc = check_keys(r, root, k_v2_top)))
		return rc;
	if ((l = ymap_get(root, "attributes")) && !ynode_is_null(l)) {
		if ((rc = want_list(r, l, "attributes")))
			return rc;
		for (size_t i = 0; i < l->n; i++)
			if ((rc = read_v2_attribute(r, l->items[i])))
				return rc;
	}
	for (size_t s = 0; sections[s]; s++) {
		if (!(l = ymap_get(root, sections[s])) || ynode_is_null(l))
			continue;
		if ((rc = want_list(r, l, sections[s])))
			return rc;
		for (size_t i = 0; i < l->n; i++)
			if ((rc = read_v2_signal(r, l->items[i], sections[s])))
				return rc;
	}
	if ((rc = read_refinements(r, root)))
		return rc;
	return read_imports(r, ymap_get(root, "imports"));
}

static int read_v1(struct rd *r, const struct ynode *root)
{
	const struct ynode *gl = ymap_get(root, "groups");
	int rc;

	if ((rc = check_keys(r, root, k_v1_top)))
		return rc;
	if ((rc = read_imports(r, ymap_get(root, "imports"))))
		return rc;
	if (!gl || ynode_is_null(gl))
		return 0;
	if ((rc = want_list(r, gl, "groups")))
		return rc;
	for (size_t i = 0; i < gl->n; i++)
		if ((rc = read_group_v1(r, gl->items[i])))
			return rc;
	return 0;
}

static int read_manifest(struct rd *r, const struct ynode *root)
{
	const struct ynode *su, *deps;
	int rc;

	if ((rc = check_keys(r, root, k_manifest)))
		return rc;
	su = ymap_get(root, "schema_url");
	if (su && su->type == YN_MAP) /* {url: ...} in the v2 manifest schema */
		su = ymap_get(su, "url");
	if (su && !ynode_is_null(su)) {
		if (su->type != YN_SCALAR)
			return fail(r, su, "'schema_url' must be a string, not %s", ynode_kind(su));
		if (!r->x->schema_url && !(r->x->schema_url = dup(r, su->str)))
			return nomem(r);
	}
	deps = ymap_get(root, "dependencies");
	if (deps && !ynode_is_null(deps)) {
		if ((rc = want_list(r, deps, "dependencies")))
			return rc;
		for (size_t i = 0; i < deps->n; i++) {
			if ((rc = want_map(r, deps->items[i], "a dependency")) ||
			    (rc = check_keys(r, deps->items[i], k_dependency)))
				return rc;
		}
	}
	return 0;
}

/* ---- seed 000's conventions format ----
 *
 * schema_version: "1.0.0"          (optional)
 * resource_attributes: {<attribute>: <spec>}
 * span_types:
 *   <span type>: {span_kind, description, attributes: {<attribute>: <spec>}}
 * <spec>: {type, requirement_level | required, allowed_values, examples,
 *          deprecated, description, note, category}
 * Each attribute is a definition (a later file's replaces an earlier one of
 * the same id); allowed_values make it a closed enum of exactly those
 * values. Other top-level sections of seed 000's file are warned about.
 */

static const char *const k_seed_top[] = { "schema_version", "resource_attributes", "span_types",
					  NULL };
static const char *const k_seed_span[] = { "span_kind", "description", "note", "attributes",
					   "is_root", "parent", NULL };
static const char *const k_seed_attr[] = { "type",     "requirement_level", "required",
					   "allowed_values", "examples",   "deprecated",
					   "description",    "note",       "category",
					   NULL };

static int seed_type(struct rd *r, const struct ynode *spec, struct sc_attr *a)
{
	static const struct named aliases[] = { { "integer", SC_INT }, { "float", SC_DOUBLE },
						{ "number", SC_DOUBLE }, { "bool", SC_BOOLEAN },
						{ NULL, 0 } };
	const struct ynode *t = ymap_get(spec, "type");
	int v;

	a->type = SC_STRING;
	if (!t || ynode_is_null(t))
		return 0;
	if (t->type != YN_SCALAR)
		return fail(r, t, "'type' must be a string, not %s", ynode_kind(t));
	if (!find_named(simple_types, t->str, &v) || !find_named(aliases, t->str, &v)) {
		a->type = v;
		return 0;
	}
	return fail(r, t, "unknown attribute type '%.200s' (expected string, int, double or boolean)",
		    t->str);
}

static int seed_allowed(struct rd *r, const struct ynode *al, struct sc_attr *a)
{
	struct sc_member *m;
	char buf[32];

	if (!al || ynode_is_null(al))
		return 0;
	if (al->type != YN_SEQ || !al->n)
		return fail(r, al, "'allowed_values' must be a non-empty list");
	if (a->type != SC_STRING && a->type != SC_INT && a->type != SC_DOUBLE)
		return fail(r, al, "'allowed_values' needs a string, int or double attribute");
	m = ARENA_NEWN(r->x->arena, struct sc_member, al->n);
	if (!m)
		return nomem(r);
	for (size_t i = 0; i < al->n; i++) {
		const struct ynode *v = al->items[i];
		int64_t iv;
		double dv;

		if (v->type != YN_SCALAR || ynode_is_null(v))
			return fail(r, v, "an allowed value must be a scalar, not %s", ynode_kind(v));
		if (a->type == SC_INT && ynode_int(v, &iv))
			return fail(r, v, "allowed value '%.200s' of int attribute '%s' is not an "
				    "integer", v->str, a->id);
		if (a->type == SC_DOUBLE && ynode_double(v, &dv))
			return fail(r, v, "allowed value '%.200s' of double attribute '%s' is not a "
				    "number", v->str, a->id);
		if (a->type == SC_INT)
			buf[fmt_i64(buf, iv)] = 0;
		else if (a->type == SC_DOUBLE)
			buf[fmt_double(buf, dv)] = 0;
		m[i].value = dup(r, a->type == SC_STRING ? v->str : buf);
		m[i].id = m[i].value;
		if (!m[i].value)
			return nomem(r);
	}
	a->enum_value_type = a->type;
	a->type = SC_ENUM;
	a->members = m;
	a->nmembers = al->n;
	a->closed = true;
	return 0;
}

static int seed_requirement(struct rd *r, const struct ynode *spec)
{
	static const char *const levels[] = { "required", "recommended", "opt_in",
					      "conditionally_required", NULL };
	const struct ynode *lv = ymap_get(spec, "requirement_level");
	const struct ynode *rq = ymap_get(spec, "required");
	bool b;

	if (rq && (rq->type != YN_SCALAR || ynode_bool(rq, &b)))
		return fail(r, rq, "'required' must be true or false");
	if (lv && lv->type == YN_MAP && lv->n == 1 && lv->pairs[0].key->type == YN_SCALAR &&
	    in_list(lv->pairs[0].key->str, levels))
		return 0; /* {conditionally_required: when...} */
	if (lv && (lv->type != YN_SCALAR || !in_list(lv->str, levels)))
		return fail(r, lv,
			    "'requirement_level' must be required, recommended, opt_in or "
			    "conditionally_required");
	return 0;
}

static int seed_attr(struct rd *r, const struct ynode *key, const struct ynode *spec,
		     size_t gi)
{
	struct scx_def *d;
	const struct ynode *dep, *ex;
	int rc;

	if (key->type != YN_SCALAR || !key->len)
		return fail(r, key, "an attribute name must be a non-empty string");
	if ((rc = want_map(r, spec, "an attribute")) || (rc = check_keys(r, spec, k_seed_attr)))
		return rc;
	if (!(d = scx_push(&r->x->defs)))
		return nomem(r);
	d->order = r->x->order++;
	d->pos = (struct scx_pos){ r->file, key->line, key->col };
	d->a.stability = "";
	if (!(d->a.id = scx_store_id(r->x, key->str)))
		return nomem(r);
	if ((rc = seed_type(r, spec, &d->a)) ||
	    (rc = seed_allowed(r, ymap_get(spec, "allowed_values"), &d->a)) ||
	    (rc = seed_requirement(r, spec)))
		return rc;
	d->group = gi;
	entry_level(r, spec, &d->level, &d->example);
	{
		const struct ynode *rq = ymap_get(spec, "required");
		bool b = false;

		if (rq && !ynode_bool(rq, &b) && b)
			d->level = SC_REQUIRED;
	}
	dep = ymap_get(spec, "deprecated");
	if (dep && !ynode_is_null(dep) && dep->type == YN_SCALAR && ynode_bool(dep, &d->a.deprecated))
		d->a.deprecated = true; /* a reason given as text */
	ex = ymap_get(spec, "examples");
	if (ex && ex->type == YN_MAP)
		return fail(r, ex, "'examples' must be a value or a list, not a mapping");
	return 0;
}

static int seed_attrs(struct rd *r, const struct ynode *map, const char *what, size_t gi)
{
	int rc;

	if (!map || ynode_is_null(map))
		return 0;
	if ((rc = want_map(r, map, what)))
		return rc;
	for (size_t i = 0; i < map->n; i++)
		if ((rc = seed_attr(r, map->pairs[i].key, map->pairs[i].value, gi)))
			return rc;
	return 0;
}

static int seed_span(struct rd *r, const struct ynode *key, const struct ynode *spec)
{
	struct scx_group *g;
	const struct ynode *kn;
	int rc;

	if (key->type != YN_SCALAR || !key->len)
		return fail(r, key, "a span type must be a non-empty string");
	if ((rc = want_map(r, spec, "a span type")) || (rc = check_keys(r, spec, k_seed_span)))
		return rc;
	if (!(g = new_group(r, key, key->str, GK_SPAN)))
		return nomem(r);
	g->referable = true;
	g->span_type = scx_store_id(r->x, key->str);
	if (!g->span_type)
		return nomem(r);
	kn = ymap_get(spec, "span_kind");
	if (kn && kn->type == YN_SCALAR) {
		char low[16];
		size_t n = kn->len < sizeof(low) - 1 ? kn->len : sizeof(low) - 1;
		struct ynode lower = *kn;

		for (size_t i = 0; i < n; i++)
			low[i] = (char)(kn->str[i] >= 'A' && kn->str[i] <= 'Z' ? kn->str[i] + 32
									 : kn->str[i]);
		low[n] = 0;
		lower.str = low;
		lower.len = n;
		kn = &lower;
		if ((rc = read_span_kind(r, kn, &g->span_kind)))
			return rc;
	} else if ((rc = read_span_kind(r, kn, &g->span_kind))) {
		return rc;
	}
	return seed_attrs(r, ymap_get(spec, "attributes"), "'attributes'", group_index(r, g));
}

static int read_seed(struct rd *r, const struct ynode *root)
{
	const struct ynode *st = ymap_get(root, "span_types");
	int rc;

	if ((rc = check_keys(r, root, k_seed_top)) ||
	    (rc = seed_attrs(r, ymap_get(root, "resource_attributes"), "'resource_attributes'", 0)))
		return rc;
	if (!st || ynode_is_null(st))
		return 0;
	if ((rc = want_map(r, st, "'span_types'")))
		return rc;
	for (size_t i = 0; i < st->n; i++)
		if ((rc = seed_span(r, st->pairs[i].key, st->pairs[i].value)))
			return rc;
	return 0;
}

static bool is_manifest_name(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	return !strcmp(b, "manifest.yaml") || !strcmp(b, "manifest.yml") ||
	       !strcmp(b, "registry_manifest.yaml") || !strcmp(b, "registry_manifest.yml");
}

int scx_read_file(struct scx *x, const char *path)
{
	struct ydoc doc;
	struct rd r = { x, NULL };
	const struct ynode *root;
	int rc;

	const char **slot;

	if (!(r.file = arena_strdup(x->arena, path)) || !(slot = scx_push(&x->filenames)))
		return error_set(x->err, OTELSIM_ENOMEM, "out of memory");
	*slot = r.file;
	if ((rc = yaml_load_file(path, NULL, &doc, x->err))) {
		ydoc_release(&doc); /* a failed load keeps its arena */
		return rc;
	}
	x->files++;
	root = doc.root;
	if (!root || ynode_is_null(root)) {
		rc = 0;
	} else if (root->type != YN_MAP) {
		rc = fail(&r, root, "a registry file must be a mapping, not %s", ynode_kind(root));
	} else if (is_manifest_name(path)) {
		rc = read_manifest(&r, root);
	} else if (ymap_get(root, "span_types") || ymap_get(root, "resource_attributes") ||
		   ymap_get(root, "schema_version")) {
		rc = read_seed(&r, root);
	} else if (ymap_get(root, "file_format") || ymap_get(root, "version") ||
		   (!ymap_get(root, "groups") &&
		    (ymap_get(root, "attributes") || ymap_get(root, "attribute_groups") ||
		     ymap_get(root, "spans") || ymap_get(root, "metrics")))) {
		rc = read_v2(&r, root);
	} else {
		rc = read_v1(&r, root);
	}
	ydoc_release(&doc);
	return rc;
}
