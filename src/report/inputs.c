/*
 * A report's inputs (report.h): dataset folders, OTLP files, manifests and
 * ground truth, read generously: a manifest's unknown keys are ignored (so
 * older and newer manifests both work), and shown as they are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "read/reader.h"
#include "report/otlp_json.h"
#include "report/report_int.h"
#include "report/source.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/text.h"
#include "util/timefmt.h"

/* The kinds of file a report reads; the first whose claims() says yes reads it. */
static const struct report_source *const report_sources[] = { &otlp_source };

#define MAX_GT_BYTES       (64u << 20)
#define MAX_MANIFEST_BYTES (16u << 20)

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* A whole small file, NUL-terminated; -1 with errno, -2 when over max. */
static int slurp(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > max) {
			fclose(f);
			strbuf_release(&sb);
			return -2;
		}
		if (strbuf_add(&sb, buf, n)) {
			fclose(f);
			strbuf_release(&sb);
			errno = ENOMEM;
			return -1;
		}
	}
	if (ferror(f)) {
		fclose(f);
		strbuf_release(&sb);
		return -1;
	}
	fclose(f);
	if (strbuf_addch(&sb, 0))
		return -1;
	*len = sb.len - 1;
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static void dir_of(const char *path, char *buf, size_t size);

/* ---- manifests ---- */

/*
 * The manifest's text for the page: integers of 16 digits and more become
 * strings, so a 64-bit seed keeps its digits in the browser's JSON.parse.
 */
static int quote_big_ints(const char *s, size_t len, struct strbuf *out)
{
	bool in_str = false;

	for (size_t i = 0; i < len;) {
		size_t j = i;

		if (in_str) {
			if (s[i] == '\\' && i + 1 < len) {
				strbuf_add(out, s + i, 2);
				i += 2;
				continue;
			}
			in_str = s[i] != '"';
		} else if (s[i] == '"') {
			in_str = true;
		} else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
			bool integer = true;

			for (j = i + 1; j < len && strchr("0123456789.eE+-", s[j]); j++)
				integer = integer && s[j] >= '0' && s[j] <= '9';
			if (integer && j - i >= 16) {
				strbuf_addch(out, '"');
				strbuf_add(out, s + i, j - i);
				strbuf_addch(out, '"');
			} else {
				strbuf_add(out, s + i, j - i);
			}
			i = j;
			continue;
		}
		strbuf_addch(out, s[i]);
		i++;
	}
	return out->buf ? 0 : -1;
}

/* "name: why" */
static int add_problem(struct report *r, struct rmanifest *m, const char *name, const char *why)
{
	const char **p = realloc(m->problems, (m->nproblems + 1) * sizeof(*p));
	char *text = arena_printf(&r->arena, "%s: %s", name, why);

	if (!p || !text) {
		free(p ? (void *)p : NULL);
		return -1;
	}
	p[m->nproblems++] = text;
	m->problems = p;
	return 0;
}

/* Each listed file's SHA-256 against the file beside the manifest. */
static int check_files(struct report *r, struct rmanifest *m, const cJSON *files)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, files)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
		const cJSON *sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
		char path[4096], hex[65];

		if (!cJSON_IsString(name) || !cJSON_IsString(sha) || strchr(name->valuestring, '/'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", m->dir, name->valuestring);
		if (sha256_file_hex(path, hex)) {
			if (add_problem(r, m, name->valuestring, "missing"))
				return -1;
		} else if (strcmp(hex, sha->valuestring) &&
			   add_problem(r, m, name->valuestring,
				       "SHA-256 differs from the manifest's")) {
			return -1;
		}
	}
	return 0;
}

int report_load_manifest(struct report *r, const char *dir, struct otelsim_error *err)
{
	char path[4096];
	struct strbuf q = STRBUF_INIT;
	struct rmanifest *m;
	cJSON *root = NULL;
	const cJSON *ds;
	char *text = NULL;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	for (size_t i = 0; i < r->nmanifests; i++)
		if (!strcmp(r->manifests[i].dir, dir))
			return 0;
	rc = slurp(path, MAX_MANIFEST_BYTES, &text, &len);
	if (rc == -1 && errno == ENOENT)
		return 0;
	if (rc)
		return error_at(err, rc == -2 ? OTELSIM_ELIMIT : OTELSIM_EIO, path, 0, 0, "%s",
				rc == -2 ? "larger than 16 MiB" : strerror(errno));
	root = cJSON_ParseWithLength(text, len);
	if (!cJSON_IsObject(root)) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = !root && at && at >= text && at <= text + len ? (size_t)(at - text)
									   : 0;

		cJSON_Delete(root);
		free(text);
		if (off || !root)
			return error_at(err, OTELSIM_EINPUT, path, 0, 0,
					"not a manifest: invalid JSON near byte %zu", off);
		return error_at(err, OTELSIM_EINPUT, path, 0, 0,
				"not a manifest: expected a JSON object");
	}
	m = realloc(r->manifests, (r->nmanifests + 1) * sizeof(*m));
	if (!m)
		goto nomem;
	r->manifests = m;
	m = &r->manifests[r->nmanifests++];
	memset(m, 0, sizeof(*m));
	m->dir = arena_strdup(&r->arena, dir);
	ds = cJSON_GetObjectItemCaseSensitive(root, "dataset");
	m->dataset = cJSON_IsString(ds) ? arena_strdup(&r->arena, ds->valuestring) : NULL;
	if (quote_big_ints(text, len, &q) || !m->dir ||
	    !(m->json = arena_strndup(&r->arena, q.buf, q.len)) ||
	    check_files(r, m, cJSON_GetObjectItemCaseSensitive(root, "files")))
		goto nomem;
	cJSON_Delete(root);
	free(text);
	strbuf_release(&q);
	return 0;
nomem:
	cJSON_Delete(root);
	free(text);
	strbuf_release(&q);
	return error_set(err, OTELSIM_ENOMEM, "out of memory");
}

/* ---- ground truth (issue 9's ground_truth.json) ---- */

static const char *gt_string(struct report *r, const cJSON *o, const char *key, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = true;
		return NULL;
	}
	return arena_strdup(&r->arena, v->valuestring);
}

static int gt_count(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = -1;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

/* trace_ids: an array of 32 hex digits each */
static int gt_ids(struct report *r, struct rinj *in, const cJSON *ids)
{
	const cJSON *v;
	size_t n = (size_t)cJSON_GetArraySize(ids), k = 0;
	uint8_t bin[16];

	in->trace_ids = n ? arena_alloc(&r->arena, n * sizeof(char *)) : NULL;
	if (n && !in->trace_ids)
		return -2;
	cJSON_ArrayForEach(v, ids)
	{
		if (!cJSON_IsString(v) || strlen(v->valuestring) != 32 ||
		    hex_decode(v->valuestring, 32, bin, 16))
			return -1;
		if (!(in->trace_ids[k++] = arena_strdup(&r->arena, v->valuestring)))
			return -2;
	}
	in->nids = k;
	return 0;
}

#define MAX_FILE_IDS 1000000

/*
 * One line of a trace_ids_file: exactly {"injection": "<id>", "trace_id":
 * "<32 lowercase hex digits>"} (api/truth.h, the format otelsim writes).
 * The trace id, or NULL with *why saying what is wrong; *who the injection.
 */
static const char *line_id(const cJSON *v, const char **who, const char **why)
{
	const cJSON *inj, *id;
	const char *h;

	*why = "expected {\"injection\": \"<id>\", \"trace_id\": \"<32 hex digits>\"}";
	if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) != 2)
		return NULL;
	inj = cJSON_GetObjectItemCaseSensitive(v, "injection");
	id = cJSON_GetObjectItemCaseSensitive(v, "trace_id");
	if (!cJSON_IsString(inj) || !cJSON_IsString(id))
		return NULL;
	*who = inj->valuestring;
	h = id->valuestring;
	if (strlen(h) != 32) {
		*why = "'trace_id' is not 32 hex digits";
		return NULL;
	}
	for (const char *c = h; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) {
			*why = "'trace_id' is not 32 lowercase hex digits";
			return NULL;
		}
	return h;
}

static int keep_id(struct report *r, struct rinj *in, size_t *cap, const char *id)
{
	if (in->nids == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		const char **p = arena_alloc(&r->arena, nc * sizeof(*p));

		if (!p)
			return -1;
		if (in->nids)
			memcpy(p, in->trace_ids, in->nids * sizeof(*p));
		in->trace_ids = p;
		*cap = nc;
	}
	return (in->trace_ids[in->nids++] = arena_strdup(&r->arena, id)) ? 0 : -1;
}

/*
 * trace_ids_file: a file beside the ground truth, one line per (injection,
 * trace) in otelsim's format (line_id); the lines of this injection (at
 * most MAX_FILE_IDS kept) are its trace ids, and there must be as many as
 * its 'traces' says. A line in another shape, a missing file or a count
 * that disagrees is bad input (file:line).
 */
static int gt_ids_file(struct report *r, struct rinj *in, const char *gt_path,
		       struct otelsim_error *err)
{
	char d[4096], path[8400];
	char *line = NULL;
	size_t cap = 0, lcap = 0;
	uint64_t mine = 0, lineno = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	if (strchr(in->ids_file, '/') || !strcmp(in->ids_file, "..") || !strcmp(in->ids_file, "."))
		return error_at(err, OTELSIM_EINPUT, gt_path, 0, 0,
				"injection '%s': trace_ids_file '%s' is not a file name beside it",
				in->id ? in->id : "?", in->ids_file);
	dir_of(gt_path, d, sizeof(d));
	snprintf(path, sizeof(path), "%s/%s", d, in->ids_file);
	f = fopen(path, "rb");
	if (!f)
		return error_at(err, OTELSIM_EINPUT, gt_path, 0, 0,
				"injection '%s': trace_ids_file '%s': %s", in->id ? in->id : "?",
				in->ids_file, strerror(errno));
	while (!rc && (n = getline(&line, &lcap, f)) >= 0) {
		const char *id, *who = NULL, *why;
		cJSON *v;

		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		v = cJSON_ParseWithLength(line, (size_t)n);
		id = v ? line_id(v, &who, &why) : NULL;
		if (!v)
			why = "not JSON";
		if (!id)
			rc = error_at(err, OTELSIM_EINPUT, path,
				      (int)(lineno > INT32_MAX ? 0 : lineno), 0, "%s", why);
		else if (in->id && !strcmp(who, in->id) && mine++ < MAX_FILE_IDS &&
			 keep_id(r, in, &cap, id))
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		cJSON_Delete(v);
	}
	if (!rc && ferror(f))
		rc = error_at(err, OTELSIM_EINPUT, path, 0, 0, "cannot read: %s", strerror(errno));
	fclose(f);
	free(line);
	if (!rc && in->traces >= 0 && (uint64_t)in->traces != mine)
		rc = error_at(err, OTELSIM_EINPUT, path, 0, 0,
			      "lists %llu trace ids of injection '%s', whose 'traces' is %lld",
			      (unsigned long long)mine, in->id ? in->id : "?",
			      (long long)in->traces);
	if (!rc && mine > MAX_FILE_IDS)
		in->ids_note = arena_printf(&r->arena, "the first %d of %llu trace ids kept",
					    MAX_FILE_IDS, (unsigned long long)mine);
	return rc;
}

static int gt_time(const char *text, int64_t *ns)
{
	return text ? time_parse_rfc3339(text, ns) : -1;
}

static int gt_injection(struct report *r, const char *path, size_t i, const cJSON *o,
			struct otelsim_error *err)
{
	struct rinj in;
	bool bad = false;
	const cJSON *ids;
	const char *what = NULL;
	int rc;

	memset(&in, 0, sizeof(in));
	in.file = path;
	if (!cJSON_IsObject(o))
		what = "is not an object";
	in.id = gt_string(r, o, "id", &bad);
	in.kind = gt_string(r, o, "kind", &bad);
	in.scenario = gt_string(r, o, "scenario", &bad);
	in.service = gt_string(r, o, "service", &bad);
	in.span_type = gt_string(r, o, "span_type", &bad);
	in.start_text = gt_string(r, o, "start", &bad);
	in.end_text = gt_string(r, o, "end", &bad);
	in.ids_file = gt_string(r, o, "trace_ids_file", &bad);
	if (!what && bad)
		what = "has a non-string id, kind, scenario, service, span_type, start, end or "
		       "trace_ids_file";
	if (!what &&
	    (!in.kind || gt_time(in.start_text, &in.start) || gt_time(in.end_text, &in.end)))
		what = "needs a kind and RFC 3339 'start' and 'end' times";
	if (!what && in.end < in.start)
		what = "ends before it starts";
	if (!what && (gt_count(o, "spans", &in.spans) || gt_count(o, "traces", &in.traces)))
		what = "has 'spans' or 'traces' that are not counts";
	ids = cJSON_GetObjectItemCaseSensitive(o, "trace_ids");
	if (!what && ids) {
		rc = cJSON_IsArray(ids) ? gt_ids(r, &in, ids) : -1;
		if (rc == -2)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		if (rc)
			what = "has 'trace_ids' that are not 32-hex-digit trace ids";
	}
	if (!what && in.ids_file && ids)
		what = "has both 'trace_ids' and 'trace_ids_file' (give one)";
	if (!what && in.ids_file && (rc = gt_ids_file(r, &in, path, err)))
		return rc;
	if (what)
		return error_at(err, OTELSIM_EINPUT, path, 0, 0, "injection %zu%s%s%s %s", i + 1,
				in.id ? " '" : "", in.id ? in.id : "", in.id ? "'" : "", what);
	if (r->ninjs == r->cap_injs) {
		size_t nc = r->cap_injs ? r->cap_injs * 2 : 16;
		struct rinj *p = realloc(r->injs, nc * sizeof(*p));

		if (!p)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		r->injs = p;
		r->cap_injs = nc;
	}
	r->injs[r->ninjs++] = in;
	return 0;
}

int report_load_ground_truth(struct report *r, const char *path, struct otelsim_error *err)
{
	const cJSON *list, *o;
	cJSON *root;
	char *text = NULL;
	const char *kept;
	size_t len, i = 0;
	const char **files;
	int rc;

	for (size_t k = 0; k < r->ngt_files; k++)
		if (!strcmp(r->gt_files[k], path))
			return 0;
	rc = slurp(path, MAX_GT_BYTES, &text, &len);
	if (rc)
		return error_at(err, rc == -2 ? OTELSIM_ELIMIT : OTELSIM_EINPUT, path, 0, 0, "%s",
				rc == -2 ? "larger than 64 MiB" : strerror(errno));
	root = cJSON_ParseWithLength(text, len);
	list = cJSON_GetObjectItemCaseSensitive(root, "injections");
	if (!cJSON_IsArray(list)) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = !root && at && at >= text && at <= text + len ? (size_t)(at - text)
									   : 0;

		cJSON_Delete(root);
		free(text);
		if (!root)
			return error_at(err, OTELSIM_EINPUT, path, 0, 0,
					"not ground truth: invalid JSON near byte %zu", off);
		return error_at(err, OTELSIM_EINPUT, path, 0, 0,
				"not ground truth: expected {\"injections\": [...]}");
	}
	kept = arena_strdup(&r->arena, path);
	files = realloc(r->gt_files, (r->ngt_files + 1) * sizeof(*files));
	if (!kept || !files) {
		free(files ? (void *)files : NULL);
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto done;
	}
	r->gt_files = files;
	r->gt_files[r->ngt_files++] = kept;
	rc = 0;
	cJSON_ArrayForEach(o, list)
	{
		rc = gt_injection(r, kept, i++, o, err);
		if (rc)
			break;
	}
done:
	cJSON_Delete(root);
	free(text);
	return rc;
}

/* ---- files ---- */

static int add_file(struct report *r, const char *path, struct otelsim_error *err)
{
	const struct report_source *src = NULL;
	struct report_file *f;
	struct stat st;

	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].path, path))
			return 0; /* given twice (a file and its folder) */
	for (size_t i = 0; i < sizeof(report_sources) / sizeof(report_sources[0]); i++)
		if (report_sources[i]->claims(path)) {
			src = report_sources[i];
			break;
		}
	if (!src)
		return error_at(err, OTELSIM_EINPUT, path, 0, 0, "not a telemetry file");
	if (r->nfiles == r->cap_files) {
		size_t nc = r->cap_files ? r->cap_files * 2 : 16;
		struct report_file *p = realloc(r->files, nc * sizeof(*p));

		if (!p)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		r->files = p;
		r->cap_files = nc;
	}
	f = &r->files[r->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = arena_strdup(&r->arena, path);
	f->source = 0;
	for (size_t i = 0; i < sizeof(report_sources) / sizeof(report_sources[0]); i++)
		if (report_sources[i] == src)
			f->source = (int)i;
	if (!f->path)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (stat(path, &st) || sha256_file_hex(path, f->sha256))
		return error_at(err, OTELSIM_EINPUT, path, 0, 0, "cannot read it: %s",
				strerror(errno));
	f->size = (uint64_t)st.st_size;
	r->nfiles++;
	return src->scan(r, f, err);
}

int report_detail_file(struct report *r, struct report_file *f, struct otelsim_error *err)
{
	return report_sources[f->source]->detail(r, f, err);
}

/* The folder part of a path ("." for none), into buf. */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *s = strrchr(path, '/');

	if (!s)
		snprintf(buf, size, ".");
	else if (s == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(s - path), path);
}

static int add_dataset(struct report *r, const char *dir, struct otelsim_error *err)
{
	const char *arg = dir;
	char **paths = NULL;
	size_t n = 0;
	int rc;

	rc = read_expand(&arg, 1, &paths, &n, &r->skipped, err); /* the command says them */
	for (size_t i = 0; i < n && !rc; i++) {
		char d[4096], gt[4200];
		struct stat st;

		dir_of(paths[i], d, sizeof(d));
		rc = report_load_manifest(r, d, err);
		snprintf(gt, sizeof(gt), "%s/ground_truth.json", d);
		if (!rc && stat(gt, &st) == 0)
			rc = report_load_ground_truth(r, gt, err);
		if (!rc)
			rc = add_file(r, paths[i], err);
	}
	read_paths_free(paths, n);
	return rc;
}

int report_add(struct report *r, const char *arg, struct otelsim_error *err)
{
	struct stat st;
	char d[4096];

	if (!strcmp(arg, "-"))
		return error_set(err, OTELSIM_EUSAGE,
				 "report reads its files twice: give a file or folder, not "
				 "standard input");
	if (stat(arg, &st))
		return error_set(err, OTELSIM_EINPUT, "cannot open '%s': %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return add_dataset(r, arg, err);
	if (!strcmp(base_name(arg), "ground_truth.json"))
		return report_load_ground_truth(r, arg, err);
	if (!strcmp(base_name(arg), "manifest.json")) {
		dir_of(arg, d, sizeof(d));
		return add_dataset(r, d, err);
	}
	return add_file(r, arg, err);
}

/* ---- into the page ---- */

static void write_title(struct jsonw *w, const struct report *r)
{
	struct strbuf t = STRBUF_INIT;

	if (r->opt.title) {
		strbuf_addstr(&t, r->opt.title);
	} else {
		for (size_t i = 0; i < r->nmanifests && i < 3; i++)
			strbuf_addf(&t, "%s%s", i ? ", " : "",
				    r->manifests[i].dataset ? r->manifests[i].dataset
							    : r->manifests[i].dir);
		if (r->nmanifests > 3)
			strbuf_addf(&t, " and %zu more", r->nmanifests - 3);
		for (size_t i = 0; !r->nmanifests && i < r->nfiles && i < 3; i++)
			strbuf_addf(&t, "%s%s", i ? ", " : "", r->files[i].path);
		if (!r->nmanifests && r->nfiles > 3)
			strbuf_addf(&t, " and %zu more", r->nfiles - 3);
	}
	jsonw_key(w, "title");
	report_json_text(w, t.buf ? t.buf : "", t.len);
	strbuf_release(&t);
}

static void write_opt(struct jsonw *w, const char *key, const char *v)
{
	jsonw_key(w, key);
	if (v)
		report_json_text(w, v, strlen(v));
	else
		jsonw_null(w);
}

static void write_injection(struct jsonw *w, const struct report *r, const struct rinj *in)
{
	jsonw_begin_object(w);
	write_opt(w, "file", in->file);
	write_opt(w, "id", in->id);
	write_opt(w, "kind", in->kind);
	write_opt(w, "scenario", in->scenario);
	write_opt(w, "service", in->service);
	write_opt(w, "span_type", in->span_type);
	write_opt(w, "start_text", in->start_text);
	write_opt(w, "end_text", in->end_text);
	jsonw_key(w, "start");
	jsonw_int(w, in->start - (int64_t)r->t0);
	jsonw_key(w, "end");
	jsonw_int(w, in->end - (int64_t)r->t0);
	jsonw_key(w, "spans");
	jsonw_int(w, in->spans);
	jsonw_key(w, "traces");
	jsonw_int(w, in->traces);
	jsonw_key(w, "trace_ids");
	jsonw_begin_array(w);
	for (size_t k = 0; k < in->nids; k++)
		jsonw_string(w, in->trace_ids[k]);
	jsonw_end_array(w);
	write_opt(w, "trace_ids_file", in->ids_file);
	write_opt(w, "note", in->ids_note);
	jsonw_end_object(w);
}

void report_write_context(struct jsonw *w, const struct report *r)
{
	write_title(w, r);
	jsonw_key(w, "manifests");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->nmanifests; i++) {
		const struct rmanifest *m = &r->manifests[i];

		jsonw_begin_object(w);
		write_opt(w, "dir", m->dir);
		jsonw_key(w, "problems");
		jsonw_begin_array(w);
		for (size_t k = 0; k < m->nproblems; k++)
			report_json_text(w, m->problems[k], strlen(m->problems[k]));
		jsonw_end_array(w);
		jsonw_key(w, "manifest");
		jsonw_raw(w, m->json, strlen(m->json));
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_key(w, "ground_truth_files");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->ngt_files; i++)
		report_json_text(w, r->gt_files[i], strlen(r->gt_files[i]));
	jsonw_end_array(w);
	jsonw_key(w, "injections");
	jsonw_begin_array(w);
	for (size_t i = 0; i < r->ninjs; i++)
		write_injection(w, r, &r->injs[i]);
	jsonw_end_array(w);
}
