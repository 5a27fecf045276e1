/*
 * load_model: conventions, config, then every scenario file (recursively,
 * sorted, deterministic), each lowered by its dialect (the table below);
 * then the resources (services) every scenario uses, deduplicated, and the
 * scenarios sorted by folder and name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load/loader.h"
#include "load/semconv.h"
#include "model/agent.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/dir.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/text.h"

/*
 * Scenario files nest deeper than the YAML default (64): a span tree of
 * LOAD_MAX_SPAN_DEPTH levels takes two YAML levels per span (the span and
 * its children list), and attribute values nest below that.
 */
static const struct yaml_limits scenario_limits = { 2 * LOAD_MAX_SPAN_DEPTH + 16, 200000, 1 << 20,
						    16 << 20, LOAD_MAX_DOCS };

/* ---- the dialects ------------------------------------------------------------ */

static const char *const native_keys[] = { "root", "data_plane", "control_plane", NULL };
static const char *const tracegen_keys[] = { "scenario_name", "root_span", "steps",
					     "schema_version", NULL };
static const char *const dreamweaver_keys[] = { "templates", "services", "workload", NULL };

/*
 * In the order they are tried: the first whose signature matches the
 * file's first scenario (its root mapping, or the first item of a root
 * list) lowers the file.
 */
const struct load_dialect load_dialects[] = {
	{ "native", DIALECT_NATIVE, native_keys, NULL, "'root' (native)", native_load,
	  native_key_tables, NULL },
	{ "trace-generator", DIALECT_TRACEGEN, tracegen_keys, NULL,
	  "'root_span'/'steps' (trace-generator)", tracegen_load, tracegen_key_tables,
	  tracegen_release },
	{ "Dreamweaver", DIALECT_DREAMWEAVER, NULL, dreamweaver_keys,
	  "'templates'/'services'/'workload' (Dreamweaver)", dreamweaver_load,
	  dreamweaver_key_tables, NULL },
};
const size_t load_ndialects = sizeof(load_dialects) / sizeof(load_dialects[0]);

/* ---- services ------------------------------------------------------------- */

static uint64_t double_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

/* Equal as encoded: doubles compare by bits (-0 is not 0, a NaN equals itself). */
static bool value_equal(const struct value *a, const struct value *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case VAL_STRING:
	case VAL_BYTES:
		return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
	case VAL_BOOL:
		return !a->u.b == !b->u.b;
	case VAL_INT:
		return a->u.i == b->u.i;
	case VAL_DOUBLE:
		return double_bits(a->u.d) == double_bits(b->u.d);
	case VAL_ARRAY:
		if (a->u.arr.n != b->u.arr.n)
			return false;
		for (uint32_t i = 0; i < a->u.arr.n; i++)
			if (!value_equal(&a->u.arr.items[i], &b->u.arr.items[i]))
				return false;
		return true;
	case VAL_KVLIST:
		if (a->u.kv.n != b->u.kv.n)
			return false;
		for (uint32_t i = 0; i < a->u.kv.n; i++)
			if (strcmp(a->u.kv.items[i].key, b->u.kv.items[i].key) ||
			    !value_equal(&a->u.kv.items[i].value, &b->u.kv.items[i].value))
				return false;
		return true;
	default:
		return true;
	}
}

/* Set key to value in kv[0..*n): replace in place, else append. */
static void kv_set(struct keyval *kv, uint32_t *n, const struct keyval *add)
{
	for (uint32_t i = 0; i < *n; i++) {
		if (!strcmp(kv[i].key, add->key)) {
			kv[i].value = add->value;
			return;
		}
	}
	kv[(*n)++] = *add;
}

/* key = value unless kv[0..*n) has the key (room for it is there). */
static void kv_default(struct keyval *kv, uint32_t *n, const char *key, const char *value)
{
	for (uint32_t i = 0; i < *n; i++)
		if (!strcmp(kv[i].key, key))
			return;
	kv[*n].key = key;
	kv[*n].key_len = (uint32_t)strlen(key);
	kv[*n].value.type = VAL_STRING;
	kv[*n].value.u.s.ptr = value;
	kv[*n].value.u.s.len = (uint32_t)strlen(value);
	(*n)++;
}

/* What an SDK of `language` puts on every resource (loader.h load_sdk_version). */
static void add_sdk(struct keyval *kv, uint32_t *n, const char *language)
{
	const char *version;

	/* a language the resource gives itself (a scenario's resource:) picks the version */
	for (uint32_t i = 0; i < *n; i++)
		if (!strcmp(kv[i].key, "telemetry.sdk.language") &&
		    kv[i].value.type == VAL_STRING)
			language = kv[i].value.u.s.ptr;
	version = load_sdk_version(language);

	kv_default(kv, n, "telemetry.sdk.name", "opentelemetry");
	kv_default(kv, n, "telemetry.sdk.language", language);
	if (version)
		kv_default(kv, n, "telemetry.sdk.version", version);
}

const char *load_default_service(const struct load_state *ls)
{
	if (ls->opts->service_name && *ls->opts->service_name)
		return ls->opts->service_name;
	if (ls->m->config.service_name && *ls->m->config.service_name)
		return ls->m->config.service_name;
	return "otelsim";
}

int load_service(struct load_state *ls, const char *service, const struct keyval *attrs,
		 uint32_t nattrs, bool replace, int32_t *index)
{
	struct model *m = ls->m;
	const struct cfg_service *cs = NULL;
	struct keyval *kv;
	uint32_t cap = 1 + nattrs + 3, n = 0; /* + telemetry.sdk.* */
	int rc = 0;

	for (uint32_t i = 0; i < ls->ncfg_svcs; i++)
		if (!strcmp(ls->cfg_svcs[i].name, service))
			cs = &ls->cfg_svcs[i];
	if (!replace) {
		cap += m->config.nresource_attrs;
		if (cs)
			cap += cs->nattrs;
	}
	kv = calloc(cap, sizeof(*kv));
	if (!kv)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	kv[0].key = "service.name";
	kv[0].key_len = 12;
	kv[0].value.type = VAL_STRING;
	kv[0].value.u.s.ptr = service;
	kv[0].value.u.s.len = (uint32_t)strlen(service);
	n = 1;
	if (!replace) {
		for (uint32_t i = 0; i < m->config.nresource_attrs; i++)
			kv_set(kv, &n, &m->config.resource_attrs[i]);
		for (uint32_t i = 0; cs && i < cs->nattrs; i++)
			kv_set(kv, &n, &cs->attrs[i]);
	}
	for (uint32_t i = 0; i < nattrs; i++)
		kv_set(kv, &n, &attrs[i]);
	/* `replace: true` is the whole resource, as written (the bench's equals the JS peer's) */
	if (!replace)
		add_sdk(kv, &n, cs && cs->language ? cs->language : m->config.sdk_language);
	/* an equal resource already? */
	for (size_t i = 0; i < ls->nsvcs; i++) {
		const struct svc_draft *d = &ls->svcs[i];
		bool same = d->nattrs == n;

		for (uint32_t j = 0; same && j < n; j++)
			same = !strcmp(d->attrs[j].key, kv[j].key) &&
			       value_equal(&d->attrs[j].value, &kv[j].value);
		if (same) {
			*index = (int32_t)i;
			goto cleanup;
		}
	}
	if (ls->nsvcs == ls->svcs_cap) {
		size_t nc = ls->svcs_cap ? ls->svcs_cap * 2 : 16;
		struct svc_draft *p = realloc(ls->svcs, nc * sizeof(*p));

		if (!p) {
			rc = error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		ls->svcs = p;
		ls->svcs_cap = nc;
	}
	if (ls->nsvcs >= INT32_MAX) {
		rc = error_set(ls->err, OTELSIM_ELIMIT, "too many services");
		goto cleanup;
	}
	{
		struct svc_draft *d = &ls->svcs[ls->nsvcs];

		d->name = arena_strdup(&m->arena, service);
		d->attrs = ARENA_NEWN(&m->arena, struct keyval, n);
		if (!d->name || !d->attrs) {
			rc = error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		memcpy(d->attrs, kv, n * sizeof(*kv));
		d->attrs[0].value.u.s.ptr = d->name;
		d->nattrs = n;
		d->scope_kinds = cs ? cs->scopes : NULL;
		*index = (int32_t)ls->nsvcs++;
	}
cleanup:
	free(kv);
	return rc;
}

/* ---- the scenario files ------------------------------------------------------ */

int load_files_add(struct load_files *l, const char *path)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		char **p = realloc(l->paths, nc * sizeof(*p));

		if (!p)
			return -1;
		l->paths = p;
		l->cap = nc;
	}
	l->paths[l->n] = strdup(path);
	if (!l->paths[l->n])
		return -1;
	l->n++;
	return 0;
}

void load_files_release(struct load_files *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	dir_list_release(&l->skipped);
	memset(l, 0, sizeof(*l));
}

static bool is_yaml_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* '_' folders and files are shared includes, not scenarios */
static bool scenario_name(void *ctx, const char *name, bool is_dir)
{
	(void)ctx;
	return name[0] != '_' && (is_dir || is_yaml_name(name));
}

/* Every scenario file below dir (util/dir.h's walk: sorted by name at each level). */
int load_list_files(const char *dir, struct load_files *out, struct otelsim_error *err)
{
	static const struct dir_walk w = { "the scenarios folder", scenario_name, NULL };
	struct dir_list l = { 0 };
	int rc = dir_walk(dir, &w, &l, &out->skipped, err);

	for (size_t i = 0; i < l.n && !rc; i++)
		if (load_files_add(out, l.v[i]))
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
	dir_list_release(&l);
	return rc;
}

/* dir without trailing slashes (kept "/" alone) */
static char *strip_slashes(const char *dir)
{
	char *s = strdup(dir);
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* The folder of `path` below `root` ("" at the top or outside it). */
static const char *rel_dir_of(struct model *m, const char *root, const char *path)
{
	size_t rl = root ? strlen(root) : 0;
	const char *rest, *slash;

	if (!root || strncmp(path, root, rl) || path[rl] != '/')
		return "";
	rest = path + rl + 1;
	slash = strrchr(rest, '/');
	if (!slash)
		return "";
	return arena_strndup(&m->arena, rest, (size_t)(slash - rest));
}

static const char *category_of(struct model *m, const char *rel)
{
	const char *slash = strchr(rel, '/');

	if (!slash)
		return rel;
	return arena_strndup(&m->arena, rel, (size_t)(slash - rel));
}

static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(a, ra) && realpath(b, rb))
		return !strcmp(ra, rb);
	return !strcmp(a, b);
}

static bool is_reference(const struct load_opts *o, const char *path)
{
	char ref[PATH_MAX];
	int w;

	if (!o->bundled_dir)
		return false;
	w = snprintf(ref, sizeof(ref), "%s/example_scenario.yaml", o->bundled_dir);
	if (w < 0 || (size_t)w >= sizeof(ref))
		return false;
	return same_file(ref, path);
}

/* A file below the bundled scenarios folder. */
static bool is_bundled(const struct load_opts *o, const char *path)
{
	char dir[PATH_MAX], file[PATH_MAX];
	size_t n;

	if (!o->bundled_dir || !realpath(o->bundled_dir, dir) || !realpath(path, file))
		return false;
	n = strlen(dir);
	return !strncmp(dir, file, n) && file[n] == '/';
}

static bool has_key(const struct ynode *map, const char *key)
{
	return ymap_get(map, key) != NULL;
}

static bool signature_matches(const struct load_dialect *d, const struct ynode *r)
{
	bool all = d->all_keys && d->all_keys[0];

	for (size_t i = 0; d->any_keys && d->any_keys[i]; i++)
		if (has_key(r, d->any_keys[i]))
			return true;
	for (size_t i = 0; all && d->all_keys[i]; i++)
		all = has_key(r, d->all_keys[i]);
	return all;
}

/* A top-level key of the dialect's own table (a file missing its signature key). */
static bool table_matches(const struct load_dialect *d, const struct ynode *r)
{
	const struct key_table *t = d->tables ? d->tables[0] : NULL;

	for (size_t i = 0; t && i < r->n; i++)
		for (size_t j = 0; j < t->nkeys; j++)
			if (r->pairs[i].key->type == YN_SCALAR &&
			    !strcmp(r->pairs[i].key->str, t->keys[j].key))
				return true;
	return false;
}

/* Which dialect the file is in, from its first scenario's top-level keys. */
static int detect_dialect(struct load_state *ls, const struct ydoc *doc,
			  const struct load_dialect **out)
{
	const struct ynode *r = doc->root;
	char hints[400];
	size_t used = 0;

	if (r && r->type == YN_SEQ && r->n)
		r = r->items[0];
	if (r && r->type == YN_MAP) {
		for (size_t i = 0; i < load_ndialects; i++) {
			if (!signature_matches(&load_dialects[i], r))
				continue;
			*out = &load_dialects[i];
			if (!(*out)->load)
				return error_at(ls->err, OTELSIM_EINPUT, doc->file, 1, 1,
						"%s scenarios are not supported yet", (*out)->name);
			return 0;
		}
		/* a file without its signature key (or with a typo in it): let the walker say */
		for (size_t i = 0; i < load_ndialects; i++) {
			if (load_dialects[i].load && table_matches(&load_dialects[i], r)) {
				*out = &load_dialects[i];
				return 0;
			}
		}
	}
	hints[0] = '\0';
	for (size_t i = 0; i < load_ndialects && used < sizeof(hints); i++) {
		int w = snprintf(hints + used, sizeof(hints) - used, "%s%s",
				 !i                        ? ""
				 : i + 1 == load_ndialects ? " or "
							   : ", ",
				 load_dialects[i].hint);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return error_at(ls->err, OTELSIM_EINPUT, doc->file, 1, 1,
			"not a scenario file: expected a top-level %s", hints);
}

int load_scenario_new(struct load_state *ls, const struct load_file *f, struct scenario **out)
{
	struct scenario *sc = ARENA_NEW(&ls->m->arena, struct scenario);

	*out = sc;
	if (!sc)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	sc->path = f->path;
	sc->rel_dir = f->rel_dir;
	sc->category = f->category;
	memcpy(sc->sha256, f->sha256, sizeof(sc->sha256));
	sc->reference = f->reference;
	sc->weight = 1.0;
	sc->pos.file = f->path;
	sc->pos.line = 1;
	sc->pos.col = 1;
	return 0;
}

int load_scenario_add(struct load_state *ls, struct scenario *sc, const struct ydoc *doc,
		      const struct ynode *name_at, const struct ynode *title_at)
{
	for (size_t i = 0; i < ls->nscens; i++) {
		const struct scenario *o = ls->scens[i];

		if (!strcmp(o->name, sc->name))
			return error_at(ls->err, OTELSIM_EINPUT, doc->file,
					name_at ? name_at->line : 1, name_at ? name_at->col : 1,
					"scenario name '%s' is already used by %s", sc->name,
					o->path);
		if (sc->title && o->title && !strcmp(o->title, sc->title))
			return error_at(ls->err, OTELSIM_EINPUT, doc->file,
					title_at ? title_at->line : 1, title_at ? title_at->col : 1,
					"scenario display name '%s' is already used by %s",
					sc->title, o->path);
	}
	if (ls->nscens == ls->scens_cap) {
		size_t nc = ls->scens_cap ? ls->scens_cap * 2 : 32;
		struct scenario **p = realloc(ls->scens, nc * sizeof(*p));

		if (!p)
			return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
		ls->scens = p;
		ls->scens_cap = nc;
	}
	ls->scens[ls->nscens++] = sc;
	return 0;
}

/* One scenario file: found, read, recognised and lowered by its dialect. */
static int load_file(struct load_state *ls, const char *path, const char *root)
{
	struct model *m = ls->m;
	const struct load_dialect *d = NULL;
	struct load_file f;
	struct ydoc doc;
	uint32_t nwarn = m->nwarnings;
	int rc;

	memset(&f, 0, sizeof(f));
	rc = yaml_load_file(path, &scenario_limits, &doc, ls->err);
	if (rc)
		goto cleanup;
	rc = detect_dialect(ls, &doc, &d);
	if (rc)
		goto cleanup;
	f.path = arena_strdup(&m->arena, path);
	f.root = root;
	f.rel_dir = f.path ? rel_dir_of(m, root, path) : NULL;
	f.category = f.rel_dir ? category_of(m, f.rel_dir) : NULL;
	if (!f.category) {
		rc = error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	f.doc = &doc;
	sha256_hex(doc.src, doc.src_len, f.sha256);
	f.reference = is_reference(ls->opts, path);
	m->quiet_deprecated = is_bundled(ls->opts, path);
	rc = d->load(ls, &f);
	m->quiet_deprecated = false;
	/* the bundled reference shows every key on purpose: no warnings */
	while (!rc && f.reference && m->nwarnings > nwarn)
		free(m->warnings[--m->nwarnings]);
cleanup:
	ydoc_release(&doc);
	return rc;
}

/* ---- control_plane.request_scenarios: scenarios without a file ---- */

/* The scenario file text a request scenario stands for (JSON, which YAML reads). */
static int registry_text(const struct model *m, const struct cp_scenario_def *d,
			 struct strbuf *out)
{
	const struct agent_config *ac = &m->agent->config;
	struct jsonw w;

	jsonw_init(&w, out, true);
	jsonw_begin_object(&w);
	jsonw_key(&w, "name");
	jsonw_string(&w, d->name);
	if (d->description) {
		jsonw_key(&w, "description");
		jsonw_string(&w, d->description);
	}
	jsonw_key(&w, "tags");
	jsonw_begin_array(&w);
	jsonw_string(&w, "control-plane");
	jsonw_end_array(&w);
	if (d->has_weight) {
		jsonw_key(&w, "workload_weight");
		jsonw_double(&w, d->weight);
	}
	jsonw_key(&w, "context");
	jsonw_begin_object(&w);
	if (ac->ntenants) {
		jsonw_key(&w, "tenant");
		jsonw_string(&w, ac->tenants[0].key);
	}
	if (ac->nagents) {
		jsonw_key(&w, "agent");
		jsonw_string(&w, ac->agents[0].id);
	}
	jsonw_end_object(&w);
	jsonw_key(&w, "control_plane");
	jsonw_begin_object(&w);
	jsonw_key(&w, "template");
	jsonw_string(&w, d->template_name);
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	return jsonw_finish(&w);
}

static int load_registry_one(struct load_state *ls, const struct cp_scenario_def *d)
{
	struct model *m = ls->m;
	struct strbuf sb = STRBUF_INIT;
	struct load_file f;
	struct ydoc doc;
	char name[700];
	int rc;

	memset(&f, 0, sizeof(f));
	if (registry_text(m, d, &sb))
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	snprintf(name, sizeof(name), "%s (control_plane.request_scenarios.%s)", d->pos.file,
		 d->name);
	rc = yaml_load_buffer(name, sb.buf, sb.len, NULL, &doc, ls->err);
	if (rc) {
		strbuf_release(&sb);
		return rc;
	}
	snprintf(name, sizeof(name), "%s#control_plane.request_scenarios.%s", d->pos.file,
		 d->name);
	f.path = arena_strdup(&m->arena, name);
	f.rel_dir = "agentic/control_plane";
	f.category = "agentic";
	f.doc = &doc;
	sha256_hex(sb.buf, sb.len, f.sha256);
	rc = f.path ? native_load(ls, &f) : error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	ydoc_release(&doc);
	strbuf_release(&sb);
	return rc;
}

/*
 * With the bundled scenarios folder, every request scenario of the config
 * that no scenario file names is a scenario of its own.
 */
static int load_registry(struct load_state *ls, const char *root)
{
	const struct platform_config *p = &ls->m->agent->config.platform;

	if (ls->opts->files || !root || !ls->opts->bundled_dir ||
	    !same_file(root, ls->opts->bundled_dir))
		return 0;
	for (uint32_t i = 0; i < p->ncp_scenarios; i++) {
		bool named = false;
		int rc;

		for (size_t k = 0; k < ls->nscens && !named; k++)
			named = !strcmp(ls->scens[k]->name, p->cp_scenarios[i].name);
		if (!named && (rc = load_registry_one(ls, &p->cp_scenarios[i])))
			return rc;
	}
	return 0;
}

/* ---- contexts between scenarios ---- */

struct ctx_names {
	const char *names[256];
	size_t n;
	bool any;
};

static int check_imports(struct load_state *ls, const struct span_spec *s,
			 const struct ctx_names *ex)
{
	for (uint32_t i = 0; i < s->nlinks; i++) {
		const struct link_spec *l = &s->links[i];
		const char *near;
		bool found = false;

		if (l->kind != LINK_CONTEXT)
			continue;
		for (size_t k = 0; k < ls->nscens && !found; k++)
			for (uint32_t j = 0; j < ls->scens[k]->nexports && !found; j++)
				found = !strcmp(ls->scens[k]->exports[j], l->context);
		if (found)
			continue;
		near = suggest(l->context, ex->names, ex->n);
		if (near)
			return error_at(ls->err, OTELSIM_EINPUT, l->pos.file, l->pos.line,
					l->pos.col,
					"no scenario exports context '%s' (did you mean '%s'?)",
					l->context, near);
		return error_at(ls->err, OTELSIM_EINPUT, l->pos.file, l->pos.line, l->pos.col,
				"no scenario exports context '%s'", l->context);
	}
	for (uint32_t i = 0; i < s->nchildren; i++) {
		int rc = check_imports(ls, &s->children[i], ex);

		if (rc)
			return rc;
	}
	return 0;
}

/*
 * A context import names a context some scenario exports - when the
 * scenarios loaded together export any (a consumer checked on its own
 * cannot know its producer).
 */
static int check_contexts(struct load_state *ls)
{
	struct ctx_names ex = { { NULL }, 0, false };

	for (size_t k = 0; k < ls->nscens; k++)
		for (uint32_t j = 0; j < ls->scens[k]->nexports; j++) {
			ex.any = true;
			if (ex.n < 256)
				ex.names[ex.n++] = ls->scens[k]->exports[j];
		}
	for (size_t k = 0; ex.any && k < ls->nscens; k++) {
		int rc = ls->scens[k]->root ? check_imports(ls, ls->scens[k]->root, &ex) : 0;

		if (rc)
			return rc;
	}
	return 0;
}

static int cmp_scenario(const void *a, const void *b)
{
	const struct scenario *x = *(const struct scenario *const *)a;
	const struct scenario *y = *(const struct scenario *const *)b;
	int c = strcmp(x->rel_dir, y->rel_dir);

	return c ? c : strcmp(x->name, y->name);
}

int load_check_vendor(const char *v, struct otelsim_error *err)
{
	size_t n = v ? strlen(v) : 0;
	bool ok = n >= 1 && n <= 64, name_start = true;

	for (size_t i = 0; ok && i < n; i++) {
		char ch = v[i];

		if (ch == '.')
			ok = !name_start; /* no empty name: not first, not after a dot */
		else
			ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
		name_start = ch == '.';
	}
	if (!ok || name_start)
		return error_set(err, OTELSIM_EUSAGE, "vendor prefix '%.100s' must be %s",
				 v ? v : "", LOAD_VENDOR_RULE);
	return 0;
}

int load_model(const struct load_opts *opts, struct model *m, struct otelsim_error *err)
{
	struct load_state ls;
	struct load_files files = { 0 };
	char *root = NULL;
	const char *vendor = opts->vendor ? opts->vendor : "vendor";
	int rc;

	memset(m, 0, sizeof(*m));
	arena_init(&m->arena, 256 * 1024);
	memset(&ls, 0, sizeof(ls));
	ls.m = m;
	ls.opts = opts;
	ls.err = err;
	if ((rc = load_check_vendor(vendor, err)))
		goto cleanup;
	m->vendor = arena_strdup(&m->arena, vendor);
	if (!m->vendor) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	m->max_spans_per_trace = opts->max_spans_per_trace ? opts->max_spans_per_trace : 10000;
	config_defaults(&m->config);
	if ((rc = agent_model_init(&ls)))
		goto cleanup;
	if (opts->bundled_semconv || opts->semconv_path || opts->nsemconv) {
		/* the bundled registry first, then each --semconv (later wins on conflicts) */
		const char **paths = calloc(opts->nsemconv + 2, sizeof(*paths));
		size_t n = 0;

		if (!paths) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		if (opts->bundled_semconv)
			paths[n++] = opts->bundled_semconv;
		if (opts->semconv_path)
			paths[n++] = opts->semconv_path;
		for (size_t i = 0; i < opts->nsemconv; i++)
			paths[n++] = opts->semconv_paths[i];
		rc = semconv_load_many(paths, n, m->vendor, &m->semconv, err);
		free(paths);
		if (rc)
			goto cleanup;
	}
	if (opts->config_path) {
		rc = config_load(&ls, opts->config_path);
		if (rc)
			goto cleanup;
	}
	if (!ls.schema_url_set && m->semconv && *semconv_schema_url(m->semconv))
		m->config.schema_url = arena_strdup(&m->arena, semconv_schema_url(m->semconv));
	if (opts->scenarios_dir) {
		root = strip_slashes(opts->scenarios_dir);
		if (!root) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
	}
	if (opts->files) {
		for (size_t i = 0; i < opts->nfiles; i++)
			if (load_files_add(&files, opts->files[i])) {
				rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
				goto cleanup;
			}
	} else if (root) {
		rc = load_list_files(root, &files, err);
		for (size_t i = 0; !rc && i < files.skipped.n; i++)
			if (model_warn(m, files.skipped.v[i], 0, 0,
				       "skipped: not a regular file (a FIFO, socket or device)"))
				rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		if (rc)
			goto cleanup;
	}
	for (size_t i = 0; i < files.n; i++) {
		rc = load_file(&ls, files.paths[i], root);
		if (rc)
			goto cleanup;
	}
	rc = load_registry(&ls, root);
	if (!rc)
		rc = check_contexts(&ls);
	for (size_t i = 0; !rc && i < ls.nscens; i++)
		rc = metrics_add_config_rules(m, ls.scens[i], err);
	if (rc)
		goto cleanup;
	if (ls.nscens)
		qsort(ls.scens, ls.nscens, sizeof(struct scenario *), cmp_scenario);
	m->scenarios = ARENA_NEWN(&m->arena, struct scenario *, ls.nscens ? ls.nscens : 1);
	m->services = ARENA_NEWN(&m->arena, struct service, ls.nsvcs ? ls.nsvcs : 1);
	if (!m->scenarios || !m->services) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (ls.nscens)
		memcpy(m->scenarios, ls.scens, ls.nscens * sizeof(struct scenario *));
	m->nscenarios = (uint32_t)ls.nscens;
	for (size_t i = 0; i < ls.nsvcs; i++) {
		m->services[i].name = ls.svcs[i].name;
		m->services[i].attrs = ls.svcs[i].attrs;
		m->services[i].nattrs = ls.svcs[i].nattrs;
		m->services[i].scope_kinds = ls.svcs[i].scope_kinds;
	}
	m->nservices = (uint32_t)ls.nsvcs;
	rc = model_finish(m, err);
cleanup:
	for (size_t i = 0; i < load_ndialects; i++)
		if (load_dialects[i].release)
			load_dialects[i].release(&ls);
	free(root);
	free(ls.svcs);
	free(ls.scens);
	load_files_release(&files);
	return rc;
}

int load_file_kind(const char *path)
{
	static const char *const config_keys[] = { "service",
						   "resource",
						   "scope",
						   "defaults",
						   "output",
						   "services",
						   "id_formats",
						   "tenants",
						   "agents",
						   "mcp_servers",
						   "conversation_samples",
						   "happy_path_latency",
						   "tools_recommend",
						   "mcp_retry_templates",
						   "realistic_scenarios" };
	struct otelsim_error err;
	struct ydoc doc;
	int kind = LOAD_KIND_SCENARIO;

	memset(&err, 0, sizeof(err));
	if (dir_is_special(path)) /* a FIFO is read once, as a stream: by the scenario loader */
		return LOAD_KIND_SCENARIO;
	if (yaml_load_file(path, NULL, &doc, &err) || !doc.root || doc.root->type != YN_MAP) {
		ydoc_release(&doc);
		return LOAD_KIND_SCENARIO;
	}
	if (ymap_get(doc.root, "groups") || ymap_get(doc.root, "file_format") ||
	    (ymap_get(doc.root, "schema_url") && !ymap_get(doc.root, "root")) ||
	    ymap_get(doc.root, "span_types") || ymap_get(doc.root, "resource_attributes")) {
		kind = LOAD_KIND_CONVENTIONS;
	} else if (!ymap_get(doc.root, "root") && !ymap_get(doc.root, "name") &&
		   !ymap_get(doc.root, "schema_version") &&
		   !(ymap_get(doc.root, "services") &&
		     ymap_get(doc.root, "services")->type == YN_SEQ)) {
		/* (a trace-generator _base.yaml lists its services: a scenario file) */
		for (size_t i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
			if (ymap_get(doc.root, config_keys[i]))
				kind = LOAD_KIND_CONFIG;
	}
	ydoc_release(&doc);
	return kind;
}
