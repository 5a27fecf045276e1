/*
 * load/semconv.c - loading a registry and answering questions about it.
 *
 * Files are read in a fixed order (a folder: every .yaml/.yml below it,
 * sorted by path; several paths: in the order given), so "later wins" is
 * deterministic. Resolution, after every file is read:
 *   1. one definition per attribute id: a definition that is not excluded
 *      (dependency_resolution) beats one that is; then a non-deprecated one
 *      beats a deprecated one; then the later one wins;
 *   2. every `ref` must name a definition somewhere in the loaded set; a ref
 *      in a vendor group carrying `annotations.otelsim.allowed_values`
 *      narrows the attribute to a closed enum of exactly those values;
 *   3. every `extends` / `ref_group` must name a group, without cycles;
 *   4. one metric per name and one span per type (non-deprecated, then
 *      later, wins).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/load.h"
#include "load/semconv.h"
#include "load/semconv_int.h"
#include "util/dir.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/text.h"

#define MAX_FILES 10000

/* ---- the working set ---- */

void scx_init(struct scx *x, struct arena *arena, const char *vendor_out, struct otelsim_error *err)
{
	memset(x, 0, sizeof(*x));
	x->arena = arena;
	x->vendor_out = vendor_out;
	x->err = err;
	x->defs.size = sizeof(struct scx_def);
	x->refs.size = sizeof(struct scx_ref);
	x->groups.size = sizeof(struct scx_group);
	x->warnings.size = sizeof(struct scx_warning);
	x->filenames.size = sizeof(const char *);
}

void scx_release(struct scx *x)
{
	free(x->defs.items);
	free(x->refs.items);
	free(x->groups.items);
	free(x->warnings.items);
	free(x->filenames.items);
	memset(x, 0, sizeof(*x));
}

void *scx_push(struct scx_vec *v)
{
	char *p;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		void *n = realloc(v->items, cap * v->size);

		if (!n)
			return NULL;
		v->items = n;
		v->cap = cap;
	}
	p = (char *)v->items + v->n++ * v->size;
	memset(p, 0, v->size);
	return p;
}

int scx_warn(struct scx *x, const char *file, int line, int col, const char *fmt, ...)
{
	char msg[1024];
	struct scx_warning *w;
	const char *const *names = x->filenames.items;
	size_t fileno = x->filenames.n;
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	while (fileno && names[fileno - 1] != file) /* usually the file being read */
		fileno--;
	if (!(w = scx_push(&x->warnings)))
		return error_set(x->err, OTELSIM_ENOMEM, "out of memory");
	w->fileno = fileno;
	w->line = line;
	w->col = col;
	w->seq = x->warnings.n;
	w->text = line > 0 ? arena_printf(x->arena, "%s:%d:%d: %s", file, line, col, msg)
			   : arena_printf(x->arena, "%s: %s", file, msg); /* a whole file */
	if (!w->text)
		return error_set(x->err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

static int cmp_warning(const void *a, const void *b)
{
	const struct scx_warning *x = a, *y = b;

	if (x->fileno != y->fileno)
		return x->fileno < y->fileno ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

bool scx_is_vendor_id(const char *id)
{
	return !strncmp(id, SC_VENDOR_WRITTEN ".", sizeof(SC_VENDOR_WRITTEN));
}

const char *scx_store_id(struct scx *x, const char *id)
{
	if (scx_is_vendor_id(id) && strcmp(x->vendor_out, SC_VENDOR_WRITTEN))
		return arena_printf(x->arena, "%s%s", x->vendor_out,
				    id + sizeof(SC_VENDOR_WRITTEN) - 1);
	return arena_strdup(x->arena, id);
}

/* ---- finding files ---- */

static bool is_yaml_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml"));
}

static bool registry_name(void *ctx, const char *name, bool is_dir)
{
	(void)ctx;
	return is_dir || is_yaml_name(name);
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_path(struct scx *x, const char *path)
{
	static const struct dir_walk w = { "the conventions folder", registry_name, NULL };
	struct dir_list pl = { 0 }, skipped = { 0 };
	struct stat st;
	int rc = 0;

	if (stat(path, &st))
		return error_at(x->err, OTELSIM_EINPUT, path, 0, 0, "cannot read: %s",
				strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return scx_read_file(x, path);
	if ((rc = dir_walk(path, &w, &pl, &skipped, x->err)))
		goto cleanup;
	for (size_t i = 0; i < skipped.n && !rc; i++)
		rc = scx_warn(x, skipped.v[i], 0, 0,
			      "skipped: not a regular file (a FIFO, socket or device)");
	if (rc)
		goto cleanup;
	if (pl.n > MAX_FILES) {
		rc = error_at(x->err, OTELSIM_ELIMIT, path, 0, 0, "more than %d registry files",
			      MAX_FILES);
		goto cleanup;
	}
	if (!pl.n) {
		rc = error_at(x->err, OTELSIM_EINPUT, path, 0, 0,
			      "no .yaml or .yml files in this folder");
		goto cleanup;
	}
	/* read in the byte order of the full paths */
	qsort(pl.v, pl.n, sizeof(*pl.v), cmp_paths);
	for (size_t i = 0; i < pl.n && !rc; i++)
		rc = scx_read_file(x, pl.v[i]);
cleanup:
	dir_list_release(&pl);
	dir_list_release(&skipped);
	return rc;
}

/* ---- sorted tables (model/semconv.h: semconv_find_sorted) ---- */

/* The "did you mean" key (util/text.h suggest), or NULL. */
static const char *near_key(const void *base, size_t n, size_t stride, const char *key)
{
	struct suggest sg;

	suggest_init(&sg, key);
	for (size_t i = 0; i < n; i++)
		suggest_add(&sg, *(const char *const *)((const char *)base + i * stride));
	return suggest_best(&sg);
}

/* ---- resolution ---- */

static int cmp_def(const void *a, const void *b)
{
	const struct scx_def *x = *(const struct scx_def *const *)a;
	const struct scx_def *y = *(const struct scx_def *const *)b;
	int c = strcmp(x->a.id, y->a.id);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int def_rank(const struct scx_def *d)
{
	return (d->excluded ? 0 : 2) + (d->a.deprecated ? 0 : 1);
}

static bool is_int_text(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool is_num_text(const char *s)
{
	bool digit = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (!strchr("+-.eE", *s))
			return false;
	}
	return digit;
}

/* Make `a` a closed enum of exactly `vals` (our narrowing). */
static int narrow(struct scx *x, struct sc_attr *a, const char *const *vals,
		  const struct scx_pos *pos, size_t n)
{
	int vt;
	struct sc_member *m;
	struct sc_attr *open = NULL;

	if (!a->closed) { /* kept for the spans outside vendor groups */
		if (!(open = ARENA_NEW(x->arena, struct sc_attr)))
			return error_set(x->err, OTELSIM_ENOMEM, "out of memory");
		*open = *a;
	}
	if (a->type == SC_ENUM)
		vt = a->enum_value_type;
	else if (a->type == SC_STRING || a->type == SC_INT || a->type == SC_DOUBLE)
		vt = a->type;
	else
		return error_at(x->err, OTELSIM_EINPUT, pos[0].file, pos[0].line, pos[0].col,
				"'allowed_values' needs a string, int, double or enum attribute, "
				"and '%s' is none of those",
				a->id);
	if (!(m = ARENA_NEWN(x->arena, struct sc_member, n)))
		return error_set(x->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if ((vt == SC_INT && !is_int_text(vals[i])) ||
		    (vt == SC_DOUBLE && !is_num_text(vals[i])))
			return error_at(x->err, OTELSIM_EINPUT, pos[i].file, pos[i].line,
					pos[i].col, "allowed value '%s' of '%s' is not %s", vals[i],
					a->id, vt == SC_INT ? "an integer" : "a number");
		m[i].id = vals[i];
		m[i].value = vals[i];
		for (size_t j = 0; a->type == SC_ENUM && j < a->nmembers; j++) {
			if (!strcmp(a->members[j].value, vals[i])) {
				m[i] = a->members[j];
				break;
			}
		}
	}
	a->type = SC_ENUM;
	a->enum_value_type = vt;
	a->members = m;
	a->nmembers = n;
	a->closed = true;
	a->open = open;
	return 0;
}

static int resolve_attrs(struct scx *x, struct semconv *sc)
{
	size_t n = x->defs.n, k = 0;
	struct scx_def **v = NULL;
	const struct scx_def **win = NULL;
	int rc = 0;

	if (!n)
		return 0;
	v = malloc(n * sizeof(struct scx_def *));
	win = malloc(n * sizeof(const struct scx_def *));
	sc->attrs = ARENA_NEWN(&sc->arena, struct sc_attr, n);
	if (!v || !win || !sc->attrs) {
		rc = error_set(x->err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct scx_def *)x->defs.items + i;
	qsort(v, n, sizeof(struct scx_def *), cmp_def);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		const struct scx_def *best = v[i];

		while (j < n && !strcmp(v[j]->a.id, v[i]->a.id)) {
			if (def_rank(v[j]) >= def_rank(best))
				best = v[j]; /* sorted by order: equal rank, later wins */
			j++;
		}
		win[k] = best;
		sc->attrs[k] = best->a;
		sc->attrs[k++].example = best->example;
		i = j;
	}
	sc->nattrs = k;
	for (size_t i = 0; i < k; i++) {
		if (win[i]->nallowed && (rc = narrow(x, &sc->attrs[i], win[i]->allowed,
						     win[i]->allowed_pos, win[i]->nallowed)))
			goto cleanup;
	}
cleanup:
	free(v);
	free(win);
	return rc;
}

static int resolve_refs(struct scx *x, struct semconv *sc)
{
	for (size_t i = 0; i < x->refs.n; i++) {
		const struct scx_ref *r = (const struct scx_ref *)x->refs.items + i;
		struct sc_attr *a = (struct sc_attr *)semconv_find_sorted(
			sc->attrs, sc->nattrs, sizeof(*a), r->id, strlen(r->id));
		int rc;

		if (!a) {
			const char *near = near_key(sc->attrs, sc->nattrs, sizeof(*sc->attrs),
						    r->id);

			if (near)
				return error_at(
					x->err, OTELSIM_EINPUT, r->pos.file, r->pos.line,
					r->pos.col,
					"ref to unknown attribute '%s' (did you mean '%s'?)", r->id,
					near);
			return error_at(x->err, OTELSIM_EINPUT, r->pos.file, r->pos.line,
					r->pos.col, "ref to unknown attribute '%s'", r->id);
		}
		if (!r->has_allowed)
			continue;
		if (!r->in_vendor) {
			if ((rc = scx_warn(x, r->list_pos.file, r->list_pos.line, r->list_pos.col,
					   "'allowed_values' only narrows '%s' in a vendor group "
					   "(ignored)",
					   r->id)))
				return rc;
			continue;
		}
		if ((rc = narrow(x, a, (const char *const *)r->allowed, r->allowed_pos,
				 r->nallowed)))
			return rc;
	}
	return 0;
}

struct gidx {
	const char *id;
	struct scx_group *g;
};

static int cmp_gidx(const void *a, const void *b)
{
	const struct gidx *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->g->order > y->g->order) - (x->g->order < y->g->order);
}

static struct scx_group *find_group(const struct gidx *ix, size_t n, const char *id)
{
	const struct gidx *p = semconv_find_sorted(ix, n, sizeof(*ix), id, strlen(id));

	if (!p)
		return NULL;
	while (p + 1 < ix + n && !strcmp(p[1].id, id)) /* the last definition wins */
		p++;
	return p->g;
}

static int cycle_error(struct scx *x, struct scx_group **stack, const size_t *edge, size_t depth,
		       size_t from, const struct scx_group *t)
{
	struct strbuf sb = STRBUF_INIT;
	bool ext = false, rg = false;
	const struct scx_edge *first = &stack[from]->edges[edge[from] - 1];
	int rc;

	strbuf_init(&sb, 700);
	for (size_t i = from; i < depth; i++) {
		const struct scx_edge *e = &stack[i]->edges[edge[i] - 1];

		ext = ext || e->is_extends;
		rg = rg || !e->is_extends;
		if (strbuf_addf(&sb, "'%s' -> ", stack[i]->id))
			break;
	}
	if (strbuf_addf(&sb, "'%s'", t->id))
		strbuf_addstr(&sb, "...");
	rc = error_at(x->err, OTELSIM_EINPUT, first->pos.file, first->pos.line, first->pos.col,
		      "%s cycle: %s",
		      ext && rg ? "extends/ref_group"
		      : ext     ? "extends"
				: "ref_group",
		      sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	return rc;
}

static int resolve_groups(struct scx *x)
{
	size_t n = x->groups.n, ni = 0;
	struct scx_group *gs = x->groups.items;
	struct gidx *ix = NULL;
	struct scx_group **stack = NULL;
	size_t *edge = NULL;
	int rc = 0;

	if (!n)
		return 0;
	ix = malloc(n * sizeof(*ix));
	stack = malloc(n * sizeof(struct scx_group *));
	edge = malloc(n * sizeof(*edge));
	if (!ix || !stack || !edge) {
		rc = error_set(x->err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		if (gs[i].referable)
			ix[ni++] = (struct gidx){ gs[i].id, &gs[i] };
	qsort(ix, ni, sizeof(*ix), cmp_gidx);
	/* every target exists */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < gs[i].nedges; j++) {
			const struct scx_edge *e = &gs[i].edges[j];
			const char *near;

			if (find_group(ix, ni, e->target))
				continue;
			near = near_key(ix, ni, sizeof(*ix), e->target);
			rc = error_at(x->err, OTELSIM_EINPUT, e->pos.file, e->pos.line, e->pos.col,
				      "%s unknown group '%s'%s%s%s",
				      e->is_extends ? "extends" : "ref_group names", e->target,
				      near ? " (did you mean '" : "", near ? near : "",
				      near ? "'?)" : "");
			goto cleanup;
		}
	}
	/* no cycles: iterative depth-first walk */
	for (size_t i = 0; i < n; i++) {
		size_t depth = 0;

		if (gs[i].state)
			continue;
		gs[i].state = 1;
		stack[depth] = &gs[i];
		edge[depth++] = 0;
		while (depth) {
			struct scx_group *g = stack[depth - 1];
			struct scx_group *t;

			if (edge[depth - 1] == g->nedges) {
				g->state = 2;
				depth--;
				continue;
			}
			t = find_group(ix, ni, g->edges[edge[depth - 1]++].target);
			if (!t) /* cannot happen: every target was checked above */
				continue;
			if (t->state == 1) { /* t is on the stack: the cycle starts there */
				size_t from = 0;

				while (from + 1 < depth && stack[from] != t)
					from++;
				rc = cycle_error(x, stack, edge, depth, from, t);
				goto cleanup;
			}
			if (t->state == 0) {
				t->state = 1;
				stack[depth] = t;
				edge[depth++] = 0;
			}
		}
	}
cleanup:
	free(ix);
	free(stack);
	free(edge);
	return rc;
}

static int cmp_group_by(const void *a, const void *b, bool metric)
{
	const struct scx_group *x = *(const struct scx_group *const *)a;
	const struct scx_group *y = *(const struct scx_group *const *)b;
	int c = metric ? strcmp(x->metric_name, y->metric_name)
		       : strcmp(x->span_type, y->span_type);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static int cmp_metric_group(const void *a, const void *b)
{
	return cmp_group_by(a, b, true);
}

static int cmp_span_group(const void *a, const void *b)
{
	return cmp_group_by(a, b, false);
}

static int cmp_alias(const void *a, const void *b)
{
	const struct sc_alias *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* ---- what each span type lists: its own entries, then its extends' ---- */

struct req_list {
	struct sc_req *v;
	size_t n, cap;
};

static bool req_has(const struct req_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, id))
			return true;
	return false;
}

static int req_add(struct req_list *l, const char *id, uint8_t level, const char *ex)
{
	if (req_has(l, id))
		return 0;
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		struct sc_req *p = realloc(l->v, nc * sizeof(*p));

		if (!p)
			return -1;
		l->v = p;
		l->cap = nc;
	}
	l->v[l->n++] = (struct sc_req){ id, level, ex };
	return 0;
}

/* The last referable group named id, or NULL. */
static const struct scx_group *group_named(const struct scx *x, const char *id)
{
	const struct scx_group *gs = x->groups.items, *found = NULL;

	for (size_t i = 0; i < x->groups.n; i++)
		if (gs[i].referable && !strcmp(gs[i].id, id))
			found = &gs[i];
	return found;
}

/* Group gi's entries (1-based), then its extends' and ref_groups' (depth < 16). */
static int collect_reqs(const struct scx *x, size_t gi, struct req_list *l, int depth)
{
	const struct scx_group *g = (const struct scx_group *)x->groups.items + gi - 1;
	const struct scx_ref *refs = x->refs.items;
	const struct scx_def *defs = x->defs.items;

	for (size_t i = 0; i < x->defs.n; i++)
		if (defs[i].group == gi && req_add(l, defs[i].a.id, defs[i].level, defs[i].example))
			return -1;
	for (size_t i = 0; i < x->refs.n; i++)
		if (refs[i].group == gi && req_add(l, refs[i].id, refs[i].level, refs[i].example))
			return -1;
	for (size_t j = 0; j < g->nedges && depth < 16; j++) {
		const struct scx_group *t = group_named(x, g->edges[j].target);

		if (t && collect_reqs(x, (size_t)(t - (const struct scx_group *)x->groups.items) + 1,
				      l, depth + 1))
			return -1;
	}
	return 0;
}

/* sp's entries, in the registry's arena; an entry without example takes its attribute's. */
static int span_reqs(const struct scx *x, struct semconv *sc, const struct scx_group *g,
		     struct sc_span *sp)
{
	struct req_list l = { NULL, 0, 0 };
	size_t gi = (size_t)(g - (const struct scx_group *)x->groups.items) + 1;
	int rc = collect_reqs(x, gi, &l, 0);

	if (!rc && l.n && !(sp->reqs = ARENA_NEWN(&sc->arena, struct sc_req, l.n)))
		rc = -1;
	for (size_t i = 0; !rc && i < l.n; i++) {
		const struct sc_attr *a = semconv_attr(sc, l.v[i].id);

		((struct sc_req *)sp->reqs)[i] = l.v[i];
		if (!l.v[i].example && a)
			((struct sc_req *)sp->reqs)[i].example = a->example;
	}
	sp->nreqs = rc ? 0 : l.n;
	free(l.v);
	return rc;
}

/* The winners among groups of one kind, sorted by name (metric) or type (span). */
static size_t pick_signals(struct scx *x, int kind, struct scx_group **v)
{
	struct scx_group *gs = x->groups.items;
	size_t n = 0, k = 0;
	bool metric = kind == GK_METRIC;

	for (size_t i = 0; i < x->groups.n; i++)
		if (gs[i].kind == kind && (metric ? gs[i].metric_name : gs[i].span_type))
			v[n++] = &gs[i];
	qsort(v, n, sizeof(struct scx_group *), metric ? cmp_metric_group : cmp_span_group);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct scx_group *best = v[i];
		const char *key = metric ? v[i]->metric_name : v[i]->span_type;

		for (; j < n && !strcmp(metric ? v[j]->metric_name : v[j]->span_type, key); j++)
			if (!v[j]->deprecated || best->deprecated)
				best = v[j];
		v[k++] = best;
		i = j;
	}
	return k;
}

static int resolve_signals(struct scx *x, struct semconv *sc)
{
	struct scx_group **v = NULL;
	size_t n;
	int rc = 0;

	if (!x->groups.n)
		return 0;
	if (!(v = malloc(x->groups.n * sizeof(struct scx_group *))))
		return error_set(x->err, OTELSIM_ENOMEM, "out of memory");
	n = pick_signals(x, GK_METRIC, v);
	if (n && !(sc->metrics = ARENA_NEWN(&sc->arena, struct sc_metric, n)))
		goto nomem;
	for (size_t i = 0; i < n; i++)
		sc->metrics[i] = (struct sc_metric){ v[i]->metric_name, v[i]->instrument,
						     v[i]->unit, v[i]->buckets, v[i]->nbuckets };
	sc->nmetrics = n;
	n = pick_signals(x, GK_SPAN, v);
	if (n && (!(sc->spans = ARENA_NEWN(&sc->arena, struct sc_span, n)) ||
		  !(sc->aliases = ARENA_NEWN(&sc->arena, struct sc_alias, n))))
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const char *gid = v[i]->id;

		if (!strncmp(gid, "span:", 5) || !strncmp(gid, "span.", 5))
			gid += 5;
		sc->spans[i] = (struct sc_span){ v[i]->span_type, v[i]->span_kind,
						 scx_is_vendor_id(gid), NULL, 0 };
		if (span_reqs(x, sc, v[i], &sc->spans[i]))
			goto nomem;
		if (v[i]->span_name && strcmp(v[i]->span_name, v[i]->span_type))
			sc->aliases[sc->naliases++] = (struct sc_alias){ v[i]->span_name, i,
									 v[i]->order };
	}
	sc->nspans = n;
	if (sc->naliases)
		qsort(sc->aliases, sc->naliases, sizeof(*sc->aliases), cmp_alias);
	goto cleanup;
nomem:
	rc = error_set(x->err, OTELSIM_ENOMEM, "out of memory");
cleanup:
	free(v);
	return rc;
}

static void count(const struct scx *x, struct semconv *sc)
{
	struct sc_counts *c = &sc->counts;
	const struct scx_group *gs = x->groups.items;

	memset(c, 0, sizeof(*c));
	c->files = x->files;
	c->groups = x->groups.n;
	c->attributes = sc->nattrs;
	c->metrics = sc->nmetrics;
	c->spans = sc->nspans;
	c->refs = x->refs.n;
	c->warnings = x->warnings.n;
	for (size_t i = 0; i < x->groups.n; i++)
		c->events += gs[i].kind == GK_EVENT;
	for (size_t i = 0; i < sc->nattrs; i++) {
		const struct sc_attr *a = &sc->attrs[i];

		c->deprecated += a->deprecated;
		if (a->type != SC_ENUM)
			continue;
		c->enums++;
		c->members += a->nmembers;
		for (size_t j = 0; j < a->nmembers; j++)
			c->deprecated += a->members[j].deprecated;
	}
}

int semconv_load_many(const char *const *paths, size_t n, const char *vendor_out,
		      struct semconv **out, struct otelsim_error *err)
{
	struct semconv *sc;
	struct scx x;
	int rc = 0;

	*out = NULL;
	if (!vendor_out || !*vendor_out)
		vendor_out = SC_VENDOR_WRITTEN;
	if ((rc = load_check_vendor(vendor_out, err)))
		return rc;
	if (!(sc = calloc(1, sizeof(*sc))))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	arena_init(&sc->arena, 256 * 1024);
	scx_init(&x, &sc->arena, vendor_out, err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = load_path(&x, paths[i]);
	if (rc || (rc = resolve_attrs(&x, sc)) || (rc = resolve_refs(&x, sc)) ||
	    (rc = resolve_groups(&x)) || (rc = resolve_signals(&x, sc)))
		goto cleanup;
	count(&x, sc);
	sc->schema_url = x.schema_url ? x.schema_url : "";
	sc->nwarnings = x.warnings.n;
	if (sc->nwarnings) {
		const struct scx_warning *w = x.warnings.items;

		if (!(sc->warnings = ARENA_NEWN(&sc->arena, const char *, sc->nwarnings))) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		qsort(x.warnings.items, sc->nwarnings, sizeof(*w), cmp_warning);
		for (size_t i = 0; i < sc->nwarnings; i++)
			sc->warnings[i] = w[i].text;
	}
	*out = sc;
	sc = NULL;
cleanup:
	scx_release(&x);
	semconv_free(sc);
	return rc;
}

int semconv_load(const char *path, const char *vendor_out, struct semconv **out,
		 struct otelsim_error *err)
{
	return semconv_load_many(&path, 1, vendor_out, out, err);
}
