/*
 * load/tree.c - the checks every dialect's span tree needs once it is
 * built (see tree.h): links, parent references, worst-case size, services.
 */
#include "load/tree.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/text.h"

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	void *q;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	q = realloc(*p, nc * size);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

int tree_note_service(struct schema_ctx *c, struct tree_refs *r, struct span_spec *span,
		      const char *service)
{
	if (grow((void **)&r->svcs, &r->svcs_cap, r->nsvcs, sizeof(*r->svcs)))
		return oom(c);
	r->svcs[r->nsvcs].span = span;
	r->svcs[r->nsvcs].service = service;
	r->nsvcs++;
	return 0;
}

int tree_note_link(struct schema_ctx *c, struct tree_refs *r, const char *span_name,
		   const struct ynode *n)
{
	if (grow((void **)&r->links, &r->links_cap, r->nlinks, sizeof(*r->links)))
		return oom(c);
	r->links[r->nlinks].name = span_name;
	r->links[r->nlinks].node = n;
	r->nlinks++;
	return 0;
}

int tree_note_span(struct schema_ctx *c, struct tree_refs *r, const struct span_spec *span,
		   const struct ynode *at)
{
	if (grow((void **)&r->spans, &r->spans_cap, r->nspans, sizeof(*r->spans)))
		return oom(c);
	r->spans[r->nspans].span = span;
	r->spans[r->nspans].at = at;
	r->nspans++;
	return 0;
}

/* gen_env.note: remember templates that read the parent's attributes */
int tree_note_tmpl(struct schema_ctx *c, void *arg, const struct ynode *n, const struct tmpl *t)
{
	struct tree_refs *r = arg;
	const char *key;
	size_t len, off;
	struct tree_pref *p;

	if (!tmpl_parent_ref(t, 0, &key, &len, &off))
		return 0;
	if (grow((void **)&r->prefs, &r->prefs_cap, r->nprefs, sizeof(*r->prefs)))
		return oom(c);
	p = &r->prefs[r->nprefs++];
	p->span = r->in_vars ? NULL : r->cur_span;
	p->parent = r->cur_parent;
	p->self = r->in_self;
	p->node = n;
	p->tmpl = t;
	return 0;
}

/* ---- vars ---- */

int value_vars(struct schema_ctx *c, const struct ynode *v, struct tree_refs *tree,
	       struct scenario *sc, struct gen_env *out)
{
	const char **names;
	uint8_t *types;
	int rc;

	sc->vars = ARENA_NEWN(&c->m->arena, struct var_spec, v->n ? v->n : 1);
	names = ARENA_NEWN(&c->m->arena, const char *, v->n ? v->n : 1);
	types = ARENA_NEWN(&c->m->arena, uint8_t, v->n ? v->n : 1);
	if (!sc->vars || !names || !types)
		return oom(c);
	/* the later names, for "defined after this var" (replaced as they load) */
	for (size_t i = 0; i < v->n; i++)
		names[i] = v->pairs[i].key->type == YN_SCALAR ? v->pairs[i].key->str : "";
	tree->in_vars = true;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key;
		struct var_spec *var = &sc->vars[i];
		struct gen_env env;

		if (key->type != YN_SCALAR || !key->len)
			return schema_error(c, OTELSIM_EINPUT, key, "var names must be non-empty");
		if (key->len > 64)
			return schema_error(c, OTELSIM_ELIMIT, key,
					    "var name longer than 64 bytes");
		for (size_t j = 0; j < key->len; j++) {
			char ch = key->str[j];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
			      (j && ch >= '0' && ch <= '9')))
				return schema_error(c, OTELSIM_EINPUT, key,
						    "var name '%.64s' may only hold letters, "
						    "digits and '_' (not first)",
						    key->str);
		}
		/* a var may use the vars before it */
		env = *out;
		env.tenv.vars = names;
		env.tenv.nvars = i;
		env.tenv.nall = v->n;
		env.tenv.attr_ref = NULL;
		env.var_types = types;
		env.vars = sc->vars;
		env.note = tree_note_tmpl;
		env.note_arg = tree;
		var->name = arena_strndup(&c->m->arena, key->str, key->len);
		if (!var->name)
			return oom(c);
		var->pos.file = c->file;
		var->pos.line = key->line;
		var->pos.col = key->col;
		rc = value_gen(c, NULL, v->pairs[i].value, &env, &var->gen);
		if (rc)
			return rc;
		names[i] = var->name;
		types[i] = var->gen.type;
	}
	sc->nvars = (uint32_t)v->n;
	tree->in_vars = false;
	out->tenv.vars = names;
	out->tenv.nvars = v->n;
	out->var_types = types;
	out->vars = sc->vars;
	return 0;
}

/* ---- after the walk ---- */

static bool span_named(const struct span_spec *s, const char *name)
{
	if (!strcmp(s->name, name))
		return true;
	for (uint32_t i = 0; i < s->nchildren; i++)
		if (span_named(&s->children[i], name))
			return true;
	return false;
}

static void collect_names(const struct span_spec *s, const char **out, size_t *n, size_t cap)
{
	if (*n < cap)
		out[(*n)++] = s->name;
	for (uint32_t i = 0; i < s->nchildren; i++)
		collect_names(&s->children[i], out, n, cap);
}

static int check_links(struct schema_ctx *c, const struct tree_refs *r, const struct scenario *sc)
{
	for (size_t i = 0; i < r->nlinks; i++) {
		const char *names[256];
		size_t n = 0;
		const char *s;

		if (span_named(sc->root, r->links[i].name))
			continue;
		collect_names(sc->root, names, &n, 256);
		s = suggest(r->links[i].name, names, n);
		if (s)
			return schema_error(c, OTELSIM_EINPUT, r->links[i].node,
					    "link to unknown span '%s' (no span of that type in "
					    "the scenario; did you mean '%s'?)",
					    r->links[i].name, s);
		return schema_error(
			c, OTELSIM_EINPUT, r->links[i].node,
			"link to unknown span '%s' (no span of that type in the scenario)",
			r->links[i].name);
	}
	return 0;
}

/* The attribute whose value is template t, in span s (its own, its events', its links'). */
static const struct attr_spec *attr_of_tmpl(const struct span_spec *s, const struct tmpl *t)
{
	for (uint32_t i = 0; i < s->nattrs; i++)
		if (s->attrs[i].gen.tmpl == t)
			return &s->attrs[i];
	for (uint32_t e = 0; e < s->nevents; e++)
		for (uint32_t i = 0; i < s->events[e].nattrs; i++)
			if (s->events[e].attrs[i].gen.tmpl == t)
				return &s->events[e].attrs[i];
	for (uint32_t l = 0; l < s->nlinks; l++)
		for (uint32_t i = 0; i < s->links[l].nattrs; i++)
			if (s->links[l].attrs[i].gen.tmpl == t)
				return &s->links[l].attrs[i];
	return NULL;
}

/* A lone {{parent.attributes.x}} copy fits its attribute's type and closed enum. */
static int check_copy(struct schema_ctx *c, const struct tree_pref *r, const char *what,
		      const char *pkey, const struct attr_spec *pa)
{
	const struct attr_spec *a = r->span ? attr_of_tmpl(r->span, r->tmpl) : NULL;

	return a ? value_check_copy(c, r->node, a->key, &a->gen, what, pkey, pa) : 0;
}

/*
 * Every {{parent.attributes.x}} names an attribute the parent will have:
 * its own attributes (a retried span's children hang under its attempt
 * spans, which carry retry.attempt), and error.type, which a failure may add.
 * In an event or a link, "parent" is the span itself.
 */
static int check_parent_refs(struct schema_ctx *c, const struct tree_refs *refs)
{
	static const char *const attempt_keys[] = { "retry.attempt" };

	for (size_t i = 0; i < refs->nprefs; i++) {
		const struct tree_pref *r = &refs->prefs[i];
		const struct span_spec *p = r->self ? r->span : r->parent;
		const char *key, *names[256];
		size_t len, off, n = 0;
		int rc;

		for (size_t j = 0; tmpl_parent_ref(r->tmpl, j, &key, &len, &off); j++) {
			bool retried = p && !r->self && p->retry.enabled, found = false;
			const char *s, *what = r->self ? "the span" : "the parent span";
			char list[400];
			size_t used = 0;

			if (!r->span)
				return value_tmpl_error(
					c, r->node, off,
					"a var has no parent span (vars are drawn once "
					"when the trace starts)");
			if (!p)
				return value_tmpl_error(c, r->node, off,
							"the root span has no parent");
			n = 0;
			if (retried) {
				names[n++] = attempt_keys[0];
			} else {
				for (uint32_t a = 0; a < p->nattrs && n < 256; a++)
					names[n++] = p->attrs[a].key;
			}
			if (!strcmp(key, "error.type")) {
				rc = check_copy(c, r, what, key, NULL);
				if (rc)
					return rc;
				continue;
			}
			for (size_t a = 0; a < n && !found; a++)
				found = !strcmp(names[a], key);
			if (found) {
				const struct attr_spec *pa = NULL;

				for (uint32_t a = 0; !retried && a < p->nattrs && !pa; a++)
					if (!strcmp(p->attrs[a].key, key))
						pa = &p->attrs[a];
				rc = check_copy(c, r, what, key, pa);
				if (rc)
					return rc;
				continue;
			}
			s = suggest(key, names, n);
			if (s)
				return value_tmpl_error(
					c, r->node, off,
					"%s ('%s%s') has no attribute '%s' (did you "
					"mean '%s'?)",
					what, p->name, retried ? ".attempt" : "", key, s);
			list[0] = '\0';
			for (size_t a = 0; a < n; a++) {
				size_t kl = strlen(names[a]);

				if (used + kl + 2 + 6 > sizeof(list)) {
					memcpy(list + used, ", ...", 6);
					break;
				}
				if (a) {
					memcpy(list + used, ", ", 2);
					used += 2;
				}
				memcpy(list + used, names[a], kl + 1);
				used += kl;
			}
			return value_tmpl_error(
				c, r->node, off, "%s ('%s%s') has no attribute '%s' (%s%s%s)", what,
				p->name, retried ? ".attempt" : "", key,
				n ? "it has: " : "it has no attributes", list,
				retried ? "; children of a retried span are children "
					  "of its attempt spans"
					: "");
		}
	}
	return 0;
}

static bool has_service(const struct tree_refs *r, const struct span_spec *s)
{
	for (size_t i = 0; i < r->nsvcs; i++)
		if (r->svcs[i].span == s)
			return true;
	return false;
}

static int assign_services(const struct tree_refs *r, struct load_state *ls, struct scenario *sc)
{
	int rc;

	for (size_t i = 0; i < r->nsvcs; i++) {
		rc = load_service(ls, r->svcs[i].service, r->res_attrs, r->nres_attrs,
				  r->res_replace, &r->svcs[i].span->service);
		if (rc)
			return rc;
	}
	for (uint32_t k = 0; k < scenario_nroots(sc); k++)
		if (!has_service(r, &sc->root[k]) &&
		    (rc = load_service(ls, load_default_service(ls), r->res_attrs, r->nres_attrs,
				       r->res_replace, &sc->root[k].service)))
			return rc;
	return 0;
}

/* ---- worst-case spans per trace (saturating) ---- */

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	if (a && b > UINT64_MAX / a)
		return UINT64_MAX;
	return a * b;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * A span's worst case: its largest count, times (max_attempts + 1) when it
 * retries, times itself plus its children's worst cases.
 */
static uint64_t span_worst_case(const struct span_spec *s, uint64_t children_w)
{
	uint64_t w = (uint64_t)(s->count.kind == COUNT_FIXED ? s->count.n : s->count.max);

	if (s->retry.enabled)
		w = sat_mul(w, (uint64_t)s->retry.max_attempts + 1);
	return sat_mul(w, sat_add(1, children_w));
}

/* The node a span's limit error is reported at (its own when not noted). */
static const struct ynode *span_at(const struct tree_refs *r, const struct span_spec *s)
{
	for (size_t i = 0; i < r->nspans; i++)
		if (r->spans[i].span == s)
			return r->spans[i].at;
	return NULL;
}

/*
 * *w = s's worst case; the first span (children before their parent, in
 * file order) whose worst case passes the limit is the error.
 */
static int check_worst(struct schema_ctx *c, const struct tree_refs *r, const struct span_spec *s,
		       uint64_t *w)
{
	uint64_t limit = c->m->max_spans_per_trace, sum = 0, cw;
	int rc;

	for (uint32_t i = 0; i < s->nchildren; i++) {
		rc = check_worst(c, r, &s->children[i], &cw);
		if (rc)
			return rc;
		sum = sat_add(sum, cw);
	}
	*w = span_worst_case(s, sum);
	if (*w > limit) {
		const struct ynode *at = span_at(r, s);

		if (at)
			return schema_error(c, OTELSIM_ELIMIT, at,
					    "worst case of %llu spans per trace is above "
					    "--max-spans-per-trace (%llu)",
					    (unsigned long long)*w, (unsigned long long)limit);
		return error_at(c->err, OTELSIM_ELIMIT, c->file, s->pos.line, s->pos.col,
				"worst case of %llu spans per trace is above "
				"--max-spans-per-trace (%llu)",
				(unsigned long long)*w, (unsigned long long)limit);
	}
	return 0;
}

int tree_check(struct schema_ctx *c, struct tree_refs *r, struct load_state *ls,
	       struct scenario *sc)
{
	int rc;

	if (!sc->root)
		return error_set(c->err, OTELSIM_EINTERNAL, "a scenario without a root span");
	if ((rc = check_links(c, r, sc)) || (rc = check_parent_refs(c, r)))
		return rc;
	sc->max_spans = 0;
	for (uint32_t k = 0; k < scenario_nroots(sc); k++) {
		uint64_t w;

		if ((rc = check_worst(c, r, &sc->root[k], &w)))
			return rc;
		if (w > sc->max_spans)
			sc->max_spans = w;
	}
	return assign_services(r, ls, sc);
}

void tree_refs_release(struct tree_refs *r)
{
	free(r->svcs);
	free(r->links);
	free(r->prefs);
	free(r->spans);
	r->svcs = NULL;
	r->links = NULL;
	r->prefs = NULL;
	r->spans = NULL;
	r->nsvcs = r->nlinks = r->nprefs = r->nspans = 0;
	r->svcs_cap = r->links_cap = r->prefs_cap = r->spans_cap = 0;
}

static int32_t find_service(const struct load_state *ls, const struct span_spec *s,
			    const char *name, int depth)
{
	if (!s || depth > LOAD_MAX_SPAN_DEPTH + 2)
		return -1;
	if (s->service >= 0 && (size_t)s->service < ls->nsvcs &&
	    !strcmp(ls->svcs[s->service].name, name))
		return s->service;
	for (uint32_t i = 0; i < s->nchildren; i++) {
		int32_t f = find_service(ls, &s->children[i], name, depth + 1);

		if (f >= 0)
			return f;
	}
	return -1;
}

int32_t tree_find_service(const struct load_state *ls, const struct span_spec *s,
			  const char *name)
{
	return find_service(ls, s, name, 0);
}
