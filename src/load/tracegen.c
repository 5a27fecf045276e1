/*
 * The trace-generator dialect (seed 002): its scenario files read as they
 * are, lowered to model/model.h.
 *
 * A file holds one scenario (a mapping), several (a list of them, or
 * several YAML documents), or is a folder's shared `_base.yaml`
 * (`schema_version`, `services`: every span's service must be one of them).
 * The shared file is looked for beside the scenario file, then in each
 * folder above it up to the scenarios folder, read once per folder.
 *
 * A scenario's name (for --name and the dataset folder) is its file's stem,
 * "<stem>.<n>" (n from 1) when the file holds several; `scenario_name` is
 * its display name. Its spans (`root_span` with nested `calls`, or `steps`,
 * each a child of the one before) lower with the dialect's semantics:
 *   - `delay_ms: [min, max]`: the span's own latency, uniform, which runs
 *     before its calls; calls follow one another without gaps, so a span
 *     lasts its delay plus its calls (span_spec.latency_first);
 *   - attributes are made before the operation name (attrs_first), and a
 *     bare {{name}} is a var, else an attribute of the span itself (in the
 *     operation and error messages) or of the nearest ancestor that has it;
 *   - `error_conditions`, percent probabilities checked in order against
 *     one draw (their sum at most 100), fail the span like an exception
 *     (ERR_RAISE): ERROR status, error.type, its exception recorded
 *     (scenario `exceptions`, default both), its calls not made, and every
 *     caller failing the same way;
 *   - `export_context: NAME` / `import_context: NAME` join an async
 *     producer and consumer: the importing span links to the span the
 *     latest earlier trace of the run exported under NAME.
 * Kinds default to INTERNAL, as the OpenTelemetry SDKs do.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "load/loader.h"
#include "load/tree.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/text.h"

#define MAX_BASE_SERVICES 10000

/* A folder's shared _base.yaml, once read (path NULL: the folder has none). */
struct tg_base {
	char *dir; /* malloc'd */
	const char *path;
	const char **services; /* model arena; NULL: no `services` list */
	size_t nservices;
};

struct tg_state {
	struct tg_base *bases; /* malloc'd */
	size_t n, cap;
};

/* One scenario being lowered. */
struct tracegen {
	struct load_state *ls;
	struct scenario *sc;
	const struct tg_base *base;
	struct gen_env env;
	struct tree_refs tree;
	struct span_spec *stack[LOAD_MAX_SPAN_DEPTH + 1]; /* [depth]: the span being filled */
	int depth;
	bool in_operation;             /* templates may name the span's own attributes */
	const struct ynode *attrs_map; /* the `attributes:` being made, or NULL */
	const struct ynode *map;
};

static struct tracegen *st(struct schema_ctx *c)
{
	return c->state;
}

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

/* ---- the shared _base.yaml ---------------------------------------------------- */

static int fill_base_services(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			      void *obj)
{
	struct tg_base *b = obj;

	(void)k;
	if (v->n > MAX_BASE_SERVICES)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d services",
				    MAX_BASE_SERVICES);
	b->services = ARENA_NEWN(&c->m->arena, const char *, v->n ? v->n : 1);
	if (!b->services)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];

		if (it->type != YN_SCALAR || !ynode_is_string(it) || !it->len)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "a service must be a non-empty name, not %s",
					    ynode_kind(it));
		if (it->len > LOAD_MAX_KEY)
			return schema_error(c, OTELSIM_ELIMIT, it,
					    "service name longer than %d bytes", LOAD_MAX_KEY);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(b->services[j], it->str))
				return schema_error(c, OTELSIM_EINPUT, it,
						    "service '%s' is listed twice", it->str);
		if (value_string(c, it, &b->services[i]))
			return c->err->code;
	}
	b->nservices = v->n;
	return 0;
}

static const struct key_def base_keys[] = {
	{ "schema_version", KT_SCALAR, 0, NULL, NULL, NULL, SCHEMA_NOFILL,
	  "the version of the scenario files' format (informative)" },
	{ "services", KT_LIST, 0, NULL, NULL, fill_base_services, SCHEMA_NOFILL,
	  "every service the folder's scenarios may name" },
};

SCHEMA_TABLE(base_table, "tracegen.base",
	     "a trace-generator folder's shared _base.yaml (every scenario file beside it, and "
	     "below it, sees it)",
	     base_keys);

static int read_base(struct load_state *ls, const struct ydoc *doc, const char *path,
		     struct tg_base *b)
{
	struct schema_ctx c;

	memset(&c, 0, sizeof(c));
	c.m = ls->m;
	c.doc = doc;
	c.err = ls->err;
	c.file = b->path = arena_strdup(&ls->m->arena, path);
	if (!b->path)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	if (doc->ndocs > 1)
		return error_at(
			ls->err, OTELSIM_EINPUT, doc->file, doc->starts[1].line, doc->starts[1].col,
			"more than one YAML document in the file (remove the second '---')");
	if (!doc->root || ynode_is_null(doc->root))
		return 0;
	return schema_walk(&c, &base_table, doc->root, b);
}

static bool is_base_doc(const struct ynode *r)
{
	return r && r->type == YN_MAP && !ymap_get(r, "scenario_name") &&
	       !ymap_get(r, "root_span") && !ymap_get(r, "steps") &&
	       (ymap_get(r, "schema_version") || ymap_get(r, "services"));
}

/* The _base.yaml of folder `dir` (read the first time it is asked for). */
static int base_of_dir(struct load_state *ls, const char *dir, const struct tg_base **out)
{
	struct tg_state *s = ls->dialect_state[DIALECT_TRACEGEN];
	struct tg_base *b;
	char path[4096];
	struct ydoc doc;
	struct stat sb;
	int rc = 0;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
		ls->dialect_state[DIALECT_TRACEGEN] = s;
	}
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->bases[i].dir, dir)) {
			*out = &s->bases[i];
			return 0;
		}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		struct tg_base *p = realloc(s->bases, nc * sizeof(*p));

		if (!p)
			return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
		s->bases = p;
		s->cap = nc;
	}
	b = &s->bases[s->n];
	memset(b, 0, sizeof(*b));
	if (!(b->dir = strdup(dir)))
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	s->n++;
	*out = b;
	for (int k = 0; k < 2; k++) {
		int w = snprintf(path, sizeof(path), "%s/_base.%s", dir, k ? "yml" : "yaml");

		if (w < 0 || (size_t)w >= sizeof(path) || stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		rc = yaml_load_file(path, NULL, &doc, ls->err);
		if (!rc)
			rc = read_base(ls, &doc, path, b);
		ydoc_release(&doc);
		return rc;
	}
	return 0;
}

/*
 * The base a file sees: its folder's, else the nearest folder above it
 * that has one, up to the scenarios folder (NULL: none).
 */
static int find_base(struct load_state *ls, const struct load_file *f, const struct tg_base **out)
{
	char dir[4096];
	size_t rl = f->root ? strlen(f->root) : 0;
	bool under = f->root && !strncmp(f->path, f->root, rl) && f->path[rl] == '/';
	int rc;

	*out = NULL;
	snprintf(dir, sizeof(dir), "%s", f->path);
	for (;;) {
		char *slash = strrchr(dir, '/');
		const struct tg_base *b = NULL;

		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
		rc = base_of_dir(ls, dir[0] ? dir : "/", &b);
		if (rc)
			return rc;
		if (b->path) {
			*out = b;
			return 0;
		}
		/* up to the scenarios folder, not past it (and not above a file outside it) */
		if (!under || !slash || strlen(dir) <= rl)
			return 0;
	}
}

void tracegen_release(struct load_state *ls)
{
	struct tg_state *s = ls->dialect_state[DIALECT_TRACEGEN];

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->bases[i].dir);
	free(s->bases);
	free(s);
	ls->dialect_state[DIALECT_TRACEGEN] = NULL;
}

/* ---- attribute references: {{name}} for an attribute ---------------------------- */

static const struct attr_spec *attr_in(const struct span_spec *s, const char *key)
{
	for (uint32_t i = 0; s && i < s->nattrs; i++)
		if (!strcmp(s->attrs[i].key, key))
			return &s->attrs[i];
	return NULL;
}

/* tmpl_env.attr_ref: the span itself (operation, messages), then its ancestors */
static int attr_ref(void *arg, const char *name, uint32_t *up, const char **near)
{
	struct tracegen *tg = arg;
	const char *names[256];
	size_t n = 0;

	for (int level = tg->in_operation ? 0 : 1; level <= tg->depth; level++) {
		const struct span_spec *s = tg->stack[tg->depth - level];

		if (attr_in(s, name)) {
			*up = (uint32_t)level;
			return 1;
		}
		for (uint32_t i = 0; i < s->nattrs && n < 256; i++)
			names[n++] = s->attrs[i].key;
	}
	if (tg->attrs_map && ymap_get(tg->attrs_map, name))
		return 2; /* the span's own attribute, made in the same pass */
	*near = suggest(name, names, n);
	return 0;
}

/* gen_env.attr_type: the type of what a lone reference copies */
static int attr_type(void *arg, const char *key, uint32_t up)
{
	struct tracegen *tg = arg;
	const struct attr_spec *a;

	if ((int)up > tg->depth)
		return VAL_NONE;
	a = attr_in(tg->stack[tg->depth - (int)up], key);
	if (!a)
		return VAL_NONE;
	return a->gen.kind == GEN_CONST ? a->gen.constant.type : a->gen.type;
}

/* ---- a span ---------------------------------------------------------------- */

static const char *const kind_members[] = { "INTERNAL", "SERVER",   "CLIENT",
					    "PRODUCER", "CONSUMER", NULL };

static int fill_kind(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	const char *s = v->str;

	(void)k;
	if (!strncasecmp(s, "SPAN_KIND_", 10))
		s += 10;
	for (int i = 0; kind_members[i]; i++) {
		if (!strcasecmp(s, kind_members[i])) {
			((struct span_spec *)obj)->kind = (uint8_t)(i + 1); /* OTLP: INTERNAL = 1 */
			return 0;
		}
	}
	return schema_enum_error(c, v, "kind", v->str, kind_members, 5);
}

static int fill_service(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct tracegen *tg = st(c);
	const struct tg_base *b = tg->base;
	const char *name;
	char list[400];
	size_t used = 0;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'service' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "service name longer than %d bytes",
				    LOAD_MAX_KEY);
	if (tmpl_has_expr(v->str, v->len))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'service' is a fixed name (each service is a resource made "
				    "when the file loads): templates are not allowed here");
	if (b && b->services) {
		bool known = false;
		const char *s;

		for (size_t i = 0; i < b->nservices && !known; i++)
			known = !strcmp(b->services[i], v->str);
		if (!known) {
			s = suggest(v->str, b->services, b->nservices);
			if (s)
				return schema_error(c, OTELSIM_EINPUT, v,
						    "unknown service '%s' (not in the services of "
						    "%s; did you mean '%s'?)",
						    v->str, b->path, s);
			list[0] = '\0';
			for (size_t i = 0; i < b->nservices; i++) {
				size_t need = strlen(b->services[i]) + (i ? 2 : 0);

				if (used + need + 6 > sizeof(list)) {
					memcpy(list + used, ", ...", 6);
					break;
				}
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 i ? ", " : "", b->services[i]);
			}
			return schema_error(
				c, OTELSIM_EINPUT, v,
				"unknown service '%s' (add it to the services of %s%s%s)", v->str,
				b->path, b->nservices ? ": " : "", list);
		}
	}
	if (value_string(c, v, &name))
		return c->err->code;
	return tree_note_service(c, &tg->tree, obj, name);
}

static int fill_delay(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct dist *d = &((struct span_spec *)obj)->latency;
	double ms[2];
	char a[32], b[32];

	(void)k;
	if (v->type != YN_SEQ || v->n != 2)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'delay_ms' must be [min, max]: two numbers of milliseconds");
	for (int i = 0; i < 2; i++) {
		const struct ynode *it = v->items[i];

		if (ynode_double(it, &ms[i]) || !(ms[i] == ms[i]) || ms[i] > 1e300 ||
		    ms[i] < -1e300)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "'delay_ms' must be [min, max]: two numbers of "
					    "milliseconds (not %s)",
					    ynode_kind(it));
		if (ms[i] < 0)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "'delay_ms' must not be negative");
		if (ms[i] > LOAD_MAX_MS)
			return schema_error(c, OTELSIM_ELIMIT, it,
					    "'delay_ms' is too large (at most 31536000000 ms, one "
					    "year)");
	}
	if (ms[0] > ms[1])
		return schema_error(c, OTELSIM_EINPUT, v->items[0],
				    "'delay_ms' min (%s) is greater than max (%s)",
				    (a[fmt_double(a, ms[0])] = '\0', a),
				    (b[fmt_double(b, ms[1])] = '\0', b));
	memset(d, 0, sizeof(*d));
	d->kind = DIST_UNIFORM;
	d->p1 = ms[0];
	d->p2 = ms[1];
	return 0;
}

static int fill_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct span_spec *s = obj;
	int rc;

	(void)k;
	st(c)->attrs_map = v;
	rc = value_attrs(c, v, &st(c)->env, &s->attrs, &s->nattrs);
	st(c)->attrs_map = NULL;
	return rc;
}

static int fill_operation(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct span_spec *s = obj;
	struct tracegen *tg = st(c);
	uint32_t len;
	int rc;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'operation' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "operation longer than %d bytes",
				    LOAD_MAX_KEY);
	tg->in_operation = true;
	rc = value_name(c, v, &tg->env, &s->name, &len, &s->name_tmpl);
	tg->in_operation = false;
	return rc;
}

/* ---- error conditions ---- */

struct tg_error {
	struct error_spec *e;
	const struct ynode *probability;
};

static int fill_percent(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct tg_error *te = obj;
	double p;
	char buf[32];

	(void)k;
	ynode_double(v, &p);
	if (!(p >= 0) || p > 100) {
		buf[fmt_double(buf, p)] = '\0';
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'probability' is a percent: 0 to 100 (got %s)", buf);
	}
	te->e->rate = p / 100;
	te->probability = v;
	return 0;
}

static int fill_error_type(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	struct tg_error *te = obj;

	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'type' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "error type longer than %d bytes",
				    LOAD_MAX_KEY);
	if (tmpl_has_expr(v->str, v->len))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "the error type is fixed when the file loads: templates are "
				    "not allowed here");
	return value_string(c, v, &te->e->type);
}

static int fill_error_message(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			      void *obj)
{
	struct tg_error *te = obj;
	struct tracegen *tg = st(c);
	struct gen g;
	int rc;

	(void)k;
	if (!tmpl_has_expr(v->str, v->len))
		return value_string(c, v, &te->e->message);
	tg->in_operation = true; /* made after the span's attributes */
	rc = value_gen(c, NULL, v, &tg->env, &g);
	tg->in_operation = false;
	if (rc)
		return rc;
	te->e->message_tmpl = g.tmpl;
	return value_string(c, v, &te->e->message);
}

static const struct key_def error_keys[] = {
	{ "probability", KT_NUMBER, KF_REQUIRED, NULL, NULL, fill_percent, SCHEMA_NOFILL,
	  "percent chance (0..100) that the condition fires; a span's conditions are checked "
	  "in order against one draw, so they add up (at most 100)" },
	{ "type", KT_STRING, KF_REQUIRED, NULL, NULL, fill_error_type, SCHEMA_NOFILL,
	  "the failure's error.type and exception.type (any name: RateLimitExceeded...)" },
	{ "message", KT_STRING, 0, NULL, NULL, fill_error_message, SCHEMA_NOFILL,
	  "the status message and exception.message (may hold {{...}}; default: the type)" },
};

SCHEMA_TABLE(error_table, "tracegen.error_condition",
	     "a way a trace-generator span fails (like an exception: its calls are not made and "
	     "its callers fail with it)",
	     error_keys);

static int fill_errors(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct span_spec *s = obj;
	double sum = 0;
	char buf[32];
	int rc;

	(void)k;
	s->errors = ARENA_NEWN(&c->m->arena, struct error_spec, v->n ? v->n : 1);
	if (!s->errors)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct tg_error te = { &s->errors[i], NULL };
		const struct ynode *it = v->items[i];

		if (it->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "an error condition must be a mapping, not %s",
					    ynode_kind(it));
		te.e->propagate = ERR_RAISE;
		te.e->pos.file = c->file;
		te.e->pos.line = it->line;
		te.e->pos.col = it->col;
		rc = schema_walk(c, &error_table, it, &te);
		if (rc)
			return rc;
		sum += te.e->rate * 100;
		if (sum > 100 + 1e-9) {
			buf[fmt_double(buf, sum)] = '\0';
			return schema_error(
				c, OTELSIM_EINPUT, te.probability,
				"the error conditions' probabilities add up to %s here: "
				"more than 100 (they are exclusive, checked in order)",
				buf);
		}
	}
	s->nerrors = (uint32_t)v->n;
	return 0;
}

/* ---- contexts between traces ---- */

static int context_name(struct schema_ctx *c, const struct ynode *v, const char *key,
			const char **out)
{
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be empty", key);
	if (v->len > LOAD_MAX_NAME)
		return schema_error(c, OTELSIM_ELIMIT, v, "context name longer than %d bytes",
				    LOAD_MAX_NAME);
	if (tmpl_has_expr(v->str, v->len))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'%s' is a fixed name: templates are not allowed here", key);
	return value_string(c, v, out);
}

static int fill_export(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct span_spec *s = obj;
	struct scenario *sc = st(c)->sc;
	const char **e;
	int rc = context_name(c, v, k->key, &s->export_context);

	if (rc)
		return rc;
	for (uint32_t i = 0; i < sc->nexports; i++)
		if (!strcmp(sc->exports[i], s->export_context))
			return schema_error(c, OTELSIM_EINPUT, v,
					    "context '%s' is exported twice in this scenario",
					    s->export_context);
	e = ARENA_NEWN(&c->m->arena, const char *, sc->nexports + 1);
	if (!e)
		return oom(c);
	if (sc->nexports)
		memcpy(e, sc->exports, sc->nexports * sizeof(*e));
	e[sc->nexports++] = s->export_context;
	sc->exports = e;
	return 0;
}

static int fill_import(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	struct span_spec *s = obj;
	struct link_spec *l = ARENA_NEW(&c->m->arena, struct link_spec);

	if (!l)
		return oom(c);
	l->kind = LINK_CONTEXT;
	l->pos.file = c->file;
	l->pos.line = v->line;
	l->pos.col = v->col;
	s->links = l;
	s->nlinks = 1;
	return context_name(c, v, k->key, &l->context);
}

static int parse_span(struct schema_ctx *c, const struct ynode *v, struct span_spec *s,
		      bool in_steps);

static int fill_calls(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct span_spec *s = obj;
	struct tracegen *tg = st(c);
	int rc;

	(void)k;
	s->children = ARENA_NEWN(&c->m->arena, struct span_spec, v->n ? v->n : 1);
	if (!s->children)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		if (tg->depth + 1 >= LOAD_MAX_SPAN_DEPTH)
			return schema_error(c, OTELSIM_ELIMIT, v->items[i],
					    "calls nested deeper than %d levels",
					    LOAD_MAX_SPAN_DEPTH);
		tg->depth++;
		rc = parse_span(c, v->items[i], &s->children[i], false);
		tg->depth--;
		if (rc)
			return rc;
	}
	s->nchildren = (uint32_t)v->n;
	return 0;
}

/* Table order is fill order: attributes before the operation that may name them. */
static const struct key_def span_keys[] = {
	{ "service", KT_STRING, 0, NULL, NULL, fill_service, SCHEMA_NOFILL,
	  "service.name of the span and of its calls that name none (one of _base.yaml's "
	  "services when it lists them)" },
	{ "kind", KT_STRING, 0, NULL, NULL, fill_kind, SCHEMA_NOFILL,
	  "INTERNAL (the default), SERVER, CLIENT, PRODUCER or CONSUMER (any case)" },
	{ "delay_ms", KT_ANY, 0, NULL, NULL, fill_delay, SCHEMA_NOFILL,
	  "[min, max]: the span's own time in ms, uniform; its calls come after it (default: "
	  "the config's latency)" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_attrs, SCHEMA_NOFILL,
	  "key: value, made before the operation; {{name}} is a var, else an attribute of the "
	  "nearest ancestor that has it" },
	{ "operation", KT_STRING, KF_REQUIRED, NULL, NULL, fill_operation, SCHEMA_NOFILL,
	  "the span's name (may hold {{...}}; {{name}} may also be the span's own attribute)" },
	{ "error_conditions", KT_LIST, 0, NULL, NULL, fill_errors, SCHEMA_NOFILL,
	  "[{probability (percent), type, message}]: exclusive, checked in order" },
	{ "export_context", KT_STRING, 0, NULL, NULL, fill_export, SCHEMA_NOFILL,
	  "a name later traces' import_context links to this span by (an async producer)" },
	{ "import_context", KT_STRING, 0, NULL, NULL, fill_import, SCHEMA_NOFILL,
	  "link this span to the span the latest earlier trace exported under this name (an "
	  "async consumer)" },
	{ "calls", KT_LIST, 0, NULL, NULL, fill_calls, SCHEMA_NOFILL,
	  "the spans this one calls, one after another (same keys)" },
};

SCHEMA_TABLE(span_table, "tracegen.span",
	     "one span: the root_span, a call, or a step (a step has no calls)", span_keys);

static int parse_span(struct schema_ctx *c, const struct ynode *v, struct span_spec *s,
		      bool in_steps)
{
	struct tracegen *tg = st(c);
	const struct span_spec *span = tg->tree.cur_span, *parent = tg->tree.cur_parent;
	const struct ynode *calls;
	int rc;

	memset(s, 0, sizeof(*s));
	s->probability = 1;
	s->count.kind = COUNT_FIXED;
	s->count.n = s->count.min = s->count.max = 1;
	s->service = -1;
	s->kind = 1; /* INTERNAL, as the SDKs default */
	s->latency_first = true;
	s->attrs_first = true;
	s->pos.file = c->file;
	s->pos.line = v->line;
	s->pos.col = v->col;
	if (v->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, v, "a span must be a mapping, not %s",
				    ynode_kind(v));
	calls = ymap_get(v, "calls");
	if (in_steps && calls)
		return schema_error(c, OTELSIM_EINPUT, calls,
				    "a step has no 'calls' (each step is a call of the one before "
				    "it; use root_span for a tree)");
	tg->stack[tg->depth] = s;
	tg->tree.cur_parent = tg->depth ? tg->stack[tg->depth - 1] : NULL;
	tg->tree.cur_span = s;
	rc = schema_walk(c, &span_table, v, s);
	tg->tree.cur_span = span;
	tg->tree.cur_parent = parent;
	if (rc)
		return rc;
	return tree_note_span(c, &tg->tree, s, v);
}

/* ---- a scenario ---------------------------------------------------------- */

static int fill_title(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'scenario_name' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "scenario_name longer than %d bytes",
				    LOAD_MAX_KEY);
	return value_string(c, v, &((struct scenario *)obj)->title);
}

static int fill_weight(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	double d;

	(void)k;
	ynode_double(v, &d);
	if (d > 1e9)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'weight' is too large (at most 1000000000)");
	((struct scenario *)obj)->weight = d;
	return 0;
}

static int fill_exceptions(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	static const uint8_t modes[] = { EXCEPTIONS_SPAN_EVENT, EXCEPTIONS_LOG, EXCEPTIONS_BOTH };
	struct scenario *sc = obj;

	(void)c, (void)k;
	for (int i = 0; exceptions_members[i]; i++)
		if (!strcmp(v->str, exceptions_members[i]))
			sc->exceptions = modes[i];
	return 0;
}

static int fill_vars(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)k;
	return value_vars(c, v, &st(c)->tree, obj, &st(c)->env);
}

static int fill_root(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	struct scenario *sc = obj;

	(void)k;
	sc->root = ARENA_NEW(&c->m->arena, struct span_spec);
	if (!sc->root)
		return oom(c);
	st(c)->depth = 0;
	return parse_span(c, v, sc->root, false);
}

static int fill_steps(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct scenario *sc = obj;
	struct tracegen *tg = st(c);
	struct span_spec *spans;
	int rc;

	(void)k;
	if (!v->n)
		return schema_error(c, OTELSIM_EINPUT, v, "'steps' needs at least one step");
	if (v->n > LOAD_MAX_SPAN_DEPTH)
		return schema_error(c, OTELSIM_ELIMIT, v->items[LOAD_MAX_SPAN_DEPTH],
				    "more than %d steps (each step is a call of the one before)",
				    LOAD_MAX_SPAN_DEPTH);
	spans = ARENA_NEWN(&c->m->arena, struct span_spec, v->n);
	if (!spans)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		tg->depth = (int)i;
		rc = parse_span(c, v->items[i], &spans[i], true);
		if (rc)
			return rc;
		if (i) {
			spans[i - 1].children = &spans[i];
			spans[i - 1].nchildren = 1;
		}
	}
	tg->depth = 0;
	sc->root = &spans[0];
	return 0;
}

static const struct key_def scenario_keys[] = {
	{ "scenario_name", KT_STRING, 0, NULL, NULL, fill_title, SCHEMA_NOFILL,
	  "the display name (spaces allowed) in list and the manifest; --name takes it too" },
	{ "description", KT_STRING, 0, NULL, NULL, NULL, offsetof(struct scenario, description),
	  "what the scenario shows" },
	{ "weight", KT_NUMBER, 0, NULL, NULL, fill_weight, SCHEMA_NOFILL,
	  "relative weight in mixed runs (default 1; <= 0: only runs by name)" },
	{ "exceptions", KT_ENUM, 0, exceptions_members, NULL, fill_exceptions, SCHEMA_NOFILL,
	  "where a failure's exception is recorded: span_event, log or both (the default; log "
	  "records are not generated yet)" },
	{ "vars", KT_MAP, 0, NULL, NULL, fill_vars, SCHEMA_NOFILL,
	  "values drawn once per trace, used as {{name}} (later vars may use earlier ones)" },
	{ "emit_metrics", KT_BOOL, 0, NULL, NULL, NULL, offsetof(struct scenario, emit_metrics),
	  "also write the metrics the conventions define for this scenario's spans "
	  "(http.server.request.duration...), as a native scenario's emit_metrics (an otelsim "
	  "key; the config's metrics: rules apply as well)" },
	{ "root_span", KT_MAP, 0, NULL, NULL, fill_root, SCHEMA_NOFILL,
	  "the root span, with its nested calls" },
	{ "steps", KT_LIST, 0, NULL, NULL, fill_steps, SCHEMA_NOFILL,
	  "spans in a line: steps[0] is the root, each step a call of the one before" },
};

SCHEMA_TABLE(scenario_table, "tracegen.scenario", "a trace-generator scenario's top level",
	     scenario_keys);

const struct key_table *const tracegen_key_tables[] = { &scenario_table, &span_table, &error_table,
							&base_table, NULL };

/* The file's stem ("ecommerce_order"), checked as a scenario name. */
static int stem_of(struct load_state *ls, const struct load_file *f, char *out, size_t cap)
{
	const char *base = strrchr(f->path, '/'), *dot;
	size_t n;

	base = base ? base + 1 : f->path;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (!n || n >= cap || n > LOAD_MAX_NAME - 8 || base[0] == '.')
		return error_at(ls->err, OTELSIM_EINPUT, f->path, 1, 1,
				"the file name '%s' cannot name a scenario (1 to %d characters, "
				"not starting with '.')",
				base, LOAD_MAX_NAME - 8);
	for (size_t i = 0; i < n; i++) {
		char ch = base[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return error_at(ls->err, OTELSIM_EINPUT, f->path, 1, 1,
					"the file name '%s' cannot name a scenario: its scenarios "
					"are named after it, with letters, digits, '_', '.' and "
					"'-' only (rename the file)",
					base);
	}
	memcpy(out, base, n);
	out[n] = '\0';
	return 0;
}

static int load_one(struct load_state *ls, const struct load_file *f, const struct ynode *map,
		    const char *name, const struct tg_base *base)
{
	struct tracegen tg;
	struct schema_ctx c;
	struct scenario *sc;
	const struct ynode *rs, *steps;
	int rc;

	memset(&tg, 0, sizeof(tg));
	memset(&c, 0, sizeof(c));
	c.m = ls->m;
	c.doc = f->doc;
	c.err = ls->err;
	c.state = &tg;
	c.file = f->path;
	if (!map || map->type != YN_MAP)
		return schema_error(&c, OTELSIM_EINPUT, map, "a scenario must be a mapping, not %s",
				    ynode_kind(map));
	rc = load_scenario_new(ls, f, &sc);
	if (rc)
		return rc;
	sc->name = arena_strdup(&ls->m->arena, name);
	if (!sc->name)
		return oom(&c);
	sc->stream = rng_hash(name, strlen(name));
	sc->dialect = DIALECT_TRACEGEN;
	sc->exceptions = EXCEPTIONS_BOTH;
	sc->pos.line = map->line;
	sc->pos.col = map->col;
	tg.ls = ls;
	tg.sc = sc;
	tg.base = base;
	tg.map = map;
	tg.env.tenv.bare_vars = true;
	tg.env.tenv.attr_ref = attr_ref;
	tg.env.tenv.attr_arg = &tg;
	tg.env.attr_type = attr_type;
	tg.env.note = tree_note_tmpl;
	tg.env.note_arg = &tg.tree;
	rs = schema_get(&scenario_table, map, "root_span");
	steps = schema_get(&scenario_table, map, "steps");
	if (rs && steps) {
		/* at the key that comes second */
		const struct ynode *later = NULL;

		for (size_t i = 0; i < map->n; i++)
			if (map->pairs[i].value == rs || map->pairs[i].value == steps)
				later = map->pairs[i].key;
		rc = schema_error(&c, OTELSIM_EINPUT, later,
				  "give 'root_span' or 'steps', not both");
		goto cleanup;
	}
	rc = schema_walk(&c, &scenario_table, map, sc);
	if (!rc && !rs && !steps)
		rc = schema_error(&c, OTELSIM_EINPUT, map,
				  "missing required key 'root_span' (or 'steps')");
	if (rc)
		goto cleanup;
	rc = tree_check(&c, &tg.tree, ls, sc);
	if (!rc)
		rc = metrics_defaults(&c, sc);
	if (!rc)
		rc = load_scenario_add(ls, sc, f->doc, map,
				       schema_get(&scenario_table, map, "scenario_name"));
cleanup:
	tree_refs_release(&tg.tree);
	return rc;
}

int tracegen_load(struct load_state *ls, const struct load_file *f)
{
	const struct ydoc *doc = f->doc;
	const struct ynode *const *items;
	const struct tg_base *base;
	struct tg_base self;
	char stem[LOAD_MAX_NAME + 1], name[LOAD_MAX_NAME + 24];
	size_t n = 0;
	int rc;

	if (doc->ndocs == 1 && is_base_doc(doc->root)) {
		/* a shared _base.yaml given on its own: checked, no scenario */
		memset(&self, 0, sizeof(self));
		return read_base(ls, doc, f->path, &self);
	}
	if ((rc = stem_of(ls, f, stem, sizeof(stem))) || (rc = find_base(ls, f, &base)))
		return rc;
	items = (const struct ynode *const *)doc->docs;
	n = doc->ndocs;
	/* a trailing '---' makes an empty document: not a scenario */
	while (n > 1 && ynode_is_null(items[n - 1]))
		n--;
	if (n == 1 && items[0] && items[0]->type == YN_SEQ) {
		n = items[0]->n;
		items = (const struct ynode *const *)items[0]->items;
	}
	if (!n)
		return error_at(ls->err, OTELSIM_EINPUT, f->path, 1, 1, "no scenario in the file");
	for (size_t i = 0; i < n; i++) {
		if (n == 1)
			snprintf(name, sizeof(name), "%s", stem);
		else
			snprintf(name, sizeof(name), "%s.%zu", stem, i + 1);
		rc = load_one(ls, f, items[i], name, base);
		if (rc)
			return rc;
	}
	return 0;
}
