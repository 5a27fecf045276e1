/*
 * api/merge.c - otelsim_merge (include/otelsim/otelsim.h): the shards of one
 * run into the dataset the run writes on one machine.
 *
 * The run is rebuilt from the first shard's manifest (scenario or mixed
 * pool, tags, seed, start, count, interval, format, framing, gzip, record
 * size, metric interval and temporality) with the loaded project, so the
 * metric table, resources and manifest are the single machine's own; the
 * scenarios' SHA-256 in the rebuilt manifest must equal the shards'.
 * Traces, logs and events are concatenated (the render's rule: N shards'
 * files in order equal the whole file), metrics are the shards' partial
 * cells merged (engine/metrics.h: the cell arithmetic is order-free) then
 * closed up to the run's last span end, and the ground truth is the
 * shards' hits fed in shard order, as the whole run feeds its blocks'.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/mout.h"
#include "api/truth.h"
#include "encode/encode.h"
#include "sink/dataset.h"
#include "util/error.h"
#include "util/timefmt.h"

#define MAX_SHARDS 100000

struct shard {
	const char *dir;
	cJSON *m; /* its manifest */
	uint64_t index;
};

struct merge {
	const struct otelsim *os;
	struct shard *sh;
	size_t n;
	struct otelsim_render_options o;
	const char *tags[64];
	struct run_spec rs;
	struct otelsim_render_result *res;
	struct dataset *ds;
	struct dfile *file[SIGNAL_COUNT];
	struct dfile_info info[SIGNAL_COUNT];
	struct manifest_file mf[SIGNAL_COUNT];
	size_t nfiles;
	struct truth truth;
	struct mout mo;
	int64_t start_ns, end_ns;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (strbuf_add(&sb, buf, n))
			break;
	fclose(f);
	if (!sb.buf)
		strbuf_add(&sb, "", 0);
	return strbuf_detach(&sb, len);
}

static cJSON *get(const cJSON *o, const char *path)
{
	char key[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		path += n + (dot ? 1 : 0);
	}
	return (cJSON *)o;
}

static uint64_t num(const cJSON *o, const char *path)
{
	const cJSON *v = get(o, path);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (uint64_t)v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *path)
{
	const cJSON *v = get(o, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int load_shards(struct merge *g, const char *const *dirs, struct otelsim_error *err)
{
	for (size_t i = 0; i < g->n; i++) {
		char path[4096];
		size_t len;
		char *text;
		struct shard *s;

		snprintf(path, sizeof(path), "%s/manifest.json", dirs[i]);
		text = slurp(path, &len);
		if (!text)
			return error_at(err, OTELSIM_EINPUT, path, 0, 0,
					"cannot read it: a shard's dataset folder holds manifest.json");
		s = &g->sh[i];
		s->dir = dirs[i];
		s->m = cJSON_ParseWithLength(text, len);
		free(text);
		if (!s->m || !str(s->m, "dataset") || !get(s->m, "shard.index"))
			return error_at(err, OTELSIM_EINPUT, path, 0, 0,
					"not an otelsim manifest with a shard");
		s->index = num(s->m, "shard.index");
		if (num(s->m, "shard.count") != g->n)
			return error_at(err, OTELSIM_EINPUT, path, 0, 0,
					"shard %llu of %llu, but %zu folders were given: merge needs "
					"every shard of the run once",
					(unsigned long long)s->index,
					(unsigned long long)num(s->m, "shard.count"), g->n);
	}
	for (size_t i = 0; i < g->n; i++) { /* in shard order, each once */
		for (size_t j = i + 1; j < g->n; j++)
			if (g->sh[j].index < g->sh[i].index) {
				struct shard t = g->sh[i];

				g->sh[i] = g->sh[j];
				g->sh[j] = t;
			}
		if (g->sh[i].index != i + 1)
			return error_set(err, OTELSIM_EINPUT,
					 "%s: shard %llu where shard %zu was expected: merge needs "
					 "shards 1..%zu of one run, each once",
					 g->sh[i].dir, (unsigned long long)g->sh[i].index, i + 1, g->n);
	}
	return 0;
}

/* Every shard of one run: the same manifest but for the shard's own fields. */
static int same_run(struct merge *g, struct otelsim_error *err)
{
	static const char *const keys[] = { "dataset", "kind",         "scenarios",
					    "tags",    "vendor",       "seed",
					    "start",   "interval_ns",  "interval_jitter_ns",
					    "format",  "framing",      "gzip",
					    "traces_per_record", "metric_interval_ns", "temporality",
					    "shard.traces_total" };

	for (size_t i = 1; i < g->n; i++)
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!cJSON_Compare(get(g->sh[0].m, keys[k]), get(g->sh[i].m, keys[k]), 1) &&
			    (get(g->sh[0].m, keys[k]) || get(g->sh[i].m, keys[k])))
				return error_set(err, OTELSIM_EINPUT,
						 "%s and %s are not shards of one run ('%s' differs)",
						 g->sh[0].dir, g->sh[i].dir, keys[k]);
	return 0;
}

/* The run's options from the first shard's manifest. */
static int options(struct merge *g, const char *out_dir, const char *tool_version,
		   struct otelsim_error *err)
{
	const cJSON *m = g->sh[0].m, *tags = get(m, "tags"), *sc0;
	struct otelsim_render_options *o = &g->o;
	const char *kind = str(m, "kind"), *fmt = str(m, "format"), *t;
	int64_t start;

	o->out_dir = out_dir;
	o->tool_version = tool_version;
	if (!kind || !fmt || !(t = str(m, "start")) || time_parse_rfc3339(t, &start))
		return error_set(err, OTELSIM_EINPUT, "%s/manifest.json: no kind, format or start",
				 g->sh[0].dir);
	sc0 = cJSON_GetArrayItem(get(m, "scenarios"), 0);
	if (!strcmp(kind, "scenario")) {
		o->scenario = str(sc0, "name");
		if (!o->scenario)
			return error_set(err, OTELSIM_EINPUT, "%s/manifest.json: no scenario name",
					 g->sh[0].dir);
	} else {
		const char *ds = str(m, "dataset");

		o->dataset = ds;
		o->each_once = !strcmp(kind, "each-once");
	}
	for (int i = 0; i < cJSON_GetArraySize(tags) && i < 64; i++)
		g->tags[o->ntags++] = cJSON_GetArrayItem(tags, i)->valuestring;
	o->tags = o->ntags ? g->tags : NULL;
	o->seed_set = true;
	o->seed = num(m, "seed");
	o->start_set = true;
	o->start_ns = start;
	if (!o->each_once) {
		o->count_set = true;
		o->count = num(m, "shard.traces_total");
	}
	o->interval_set = o->jitter_set = true;
	o->interval_ns = (int64_t)num(m, "interval_ns");
	o->jitter_ns = (int64_t)num(m, "interval_jitter_ns");
	o->format = !strcmp(fmt, "otlp-json") ? OTELSIM_FORMAT_OTLP_JSON
		    : !strcmp(fmt, "ndjson")  ? OTELSIM_FORMAT_NDJSON
					      : OTELSIM_FORMAT_OTLP;
	o->framing = str(m, "framing") && !strcmp(str(m, "framing"), "varint")
			     ? OTELSIM_FRAMING_VARINT
			     : OTELSIM_FRAMING_BE32;
	o->gzip = cJSON_IsTrue(get(m, "gzip"));
	o->traces_per_record = (unsigned)num(m, "traces_per_record");
	o->metric_interval_ns = (int64_t)num(m, "metric_interval_ns");
	o->temporality = str(m, "temporality") && !strcmp(str(m, "temporality"), "delta")
				 ? OTELSIM_TEMPORALITY_DELTA
				 : OTELSIM_TEMPORALITY_CUMULATIVE;
	return 0;
}

/* The shards' counts, summed; first span start and last end. */
static int counts(struct merge *g, struct otelsim_error *err)
{
	struct otelsim_render_result *r = g->res;

	for (size_t i = 0; i < g->n; i++) {
		const cJSON *m = g->sh[i].m;
		const char *first = str(m, "first_span_start"), *end = str(m, "end");
		int64_t a, b;

		r->traces += num(m, "counts.traces");
		r->spans += num(m, "counts.spans");
		r->error_spans += num(m, "counts.error_spans");
		r->data_points += num(m, "counts.data_points");
		r->log_records += num(m, "counts.log_records");
		r->metrics += num(m, "counts.metrics");
		r->events += num(m, "counts.events");
		if (!first || !end)
			continue; /* a shard without traces */
		if (time_parse_rfc3339(first, &a) || time_parse_rfc3339(end, &b))
			return error_set(err, OTELSIM_EINPUT, "%s/manifest.json: bad times",
					 g->sh[i].dir);
		if (!g->start_ns || a < g->start_ns)
			g->start_ns = a;
		if (b > g->end_ns)
			g->end_ns = b;
	}
	r->start_ns = g->start_ns;
	r->end_ns = g->end_ns;
	return 0;
}

/* The records a shard's manifest counts for file `name`. */
static uint64_t file_records(const cJSON *m, const char *name)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, get(m, "files"))
		if (str(f, "name") && !strcmp(str(f, "name"), name))
			return num(f, "records");
	return 0;
}

/* Append every shard's file `name` to out (missing: nothing). */
static int concat(struct merge *g, const char *name, struct dfile *out, int signal,
		  struct otelsim_error *err)
{
	for (size_t i = 0; i < g->n; i++) {
		char path[4096];
		size_t len;
		char *data;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", g->sh[i].dir, name);
		data = slurp(path, &len);
		if (!data)
			continue;
		rc = out ? dfile_write(out, data, len, err) : 0;
		if (!rc && signal < 0)
			rc = truth_add(&g->truth, data, len, err);
		if (!rc && signal == OTELSIM_METRICS)
			rc = magg_add(g->mo.agg, data, len, err);
		if (!rc && signal >= 0 && signal != OTELSIM_METRICS) {
			g->res->signal_records[signal] += file_records(g->sh[i].m, name);
			g->res->signal_bytes[signal] += len;
			g->res->records += file_records(g->sh[i].m, name);
			g->res->bytes += len;
		}
		free(data);
		if (rc)
			return rc;
	}
	return 0;
}

static int metrics_write(void *ctx, const struct strbuf *bytes, uint64_t records, uint64_t items,
			 struct otelsim_error *err)
{
	struct merge *g = ctx;

	g->res->metrics += items;
	g->res->signal_records[OTELSIM_METRICS] += records;
	g->res->signal_bytes[OTELSIM_METRICS] += bytes->len;
	g->res->records += records;
	g->res->bytes += bytes->len;
	return dfile_write(g->file[OTELSIM_METRICS], bytes->buf, bytes->len, err);
}

static int write_signals(struct merge *g, struct otelsim_error *err)
{
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		char name[64];
		int rc;

		if (!(g->rs.plan.signals & SIGNAL_BIT(s)))
			continue;
		snprintf(name, sizeof(name), "%s.%s%s", signal_name(s),
			 encoder_file_ext(g->o.format), g->o.gzip ? ".gz" : "");
		rc = dataset_file(g->ds, name, &g->file[s], err);
		if (!rc && s == OTELSIM_METRICS && g->mo.agg) {
			uint64_t streams = 0, points = 0;

			rc = concat(g, MERGE_METRICS_FILE, NULL, s, err);
			if (!rc)
				rc = mout_finish(&g->mo, g->end_ns, err);
			magg_counts(g->mo.agg, &streams, &points);
			g->res->metric_streams = streams;
			g->res->data_points += points;
		} else if (!rc) {
			rc = concat(g, name, g->file[s], s, err);
		}
		if (!rc)
			rc = dfile_close(g->file[s], &g->info[s], err);
		g->file[s] = NULL;
		if (rc)
			return rc;
		g->mf[g->nfiles].name = g->info[s].name;
		g->mf[g->nfiles].signal = s;
		g->mf[g->nfiles].records = g->res->signal_records[s];
		g->mf[g->nfiles].size = g->info[s].size;
		g->mf[g->nfiles].sha256 = g->info[s].sha256;
		g->nfiles++;
	}
	return 0;
}

/* The rebuilt run's scenarios (their files' SHA-256) must be the shards'. */
static int same_project(struct merge *g, const struct strbuf *manifest, struct otelsim_error *err)
{
	cJSON *mine = cJSON_ParseWithLength(manifest->buf, manifest->len);
	int same = mine && cJSON_Compare(get(mine, "scenarios"), get(g->sh[0].m, "scenarios"), 1) &&
		   cJSON_Compare(get(mine, "vendor"), get(g->sh[0].m, "vendor"), 1);

	cJSON_Delete(mine);
	if (same)
		return 0;
	return error_set(err, OTELSIM_EINPUT,
			 "%s: the shards were rendered from other scenario files (or another "
			 "--vendor) than the ones loaded here: merge with the project they used",
			 g->sh[0].dir);
}

static int merge_run(struct merge *g, struct otelsim_error *err)
{
	struct strbuf manifest = STRBUF_INIT;
	char dir[4096];
	int rc;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", g->o.out_dir ? g->o.out_dir : "out",
			     g->rs.rel_dir) >= sizeof(dir))
		return error_set(err, OTELSIM_EUSAGE, "output path too long");
	if (strlen(dir) < sizeof(g->res->dataset_dir))
		memcpy(g->res->dataset_dir, dir, strlen(dir) + 1);
	if ((rc = dataset_open(dir, &g->ds, err)) || (rc = truth_init(&g->truth, &g->os->m, &g->rs.plan, g->ds, err)))
		return rc;
	rc = mout_init(&g->mo, &g->rs, &g->o, err);
	g->mo.gzip = g->o.gzip;
	g->mo.write = metrics_write;
	g->mo.ctx = g;
	if (!rc)
		rc = write_signals(g, err);
	if (!rc)
		rc = concat(g, MERGE_HITS_FILE, NULL, -1, err);
	if (!rc)
		rc = truth_finish(&g->truth, err);
	if (!rc && manifest_build(&g->os->m, &g->o, &g->rs, g->res, g->mf, g->nfiles, &g->truth,
				  &manifest))
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (!rc)
		rc = same_project(g, &manifest, err);
	if (!rc)
		rc = dataset_commit(g->ds, manifest.buf, manifest.len, err);
	strbuf_release(&manifest);
	return rc;
}

int otelsim_merge(const struct otelsim *os, const char *const *dirs, size_t ndirs,
		  const char *out_dir, const char *tool_version, struct otelsim_render_result *res,
		  struct otelsim_error *err)
{
	struct otelsim_render_result local;
	struct merge g;
	int rc;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	memset(&g, 0, sizeof(g));
	if (!os || !dirs || ndirs < 1 || ndirs > MAX_SHARDS)
		return error_set(err, OTELSIM_EUSAGE, "merge needs a project and 1..%d shard folders",
				 MAX_SHARDS);
	g.os = os;
	g.res = res;
	g.n = ndirs;
	g.sh = calloc(ndirs, sizeof(*g.sh));
	if (!g.sh)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	rc = load_shards(&g, dirs, err);
	if (!rc)
		rc = same_run(&g, err);
	if (!rc)
		rc = options(&g, out_dir, tool_version, err);
	if (!rc)
		rc = run_spec_build(&os->m, &g.o, &g.rs, err);
	if (!rc)
		rc = counts(&g, err);
	if (!rc) {
		res->seed = g.rs.plan.seed;
		res->seed_origin = OTELSIM_SEED_FROM_OPTIONS;
		res->interval_ns = g.rs.plan.interval_ns;
		rc = merge_run(&g, err);
	}
	for (int s = 0; s < SIGNAL_COUNT; s++)
		if (g.file[s])
			dfile_close(g.file[s], &g.info[s], NULL);
	mout_release(&g.mo);
	dataset_free(g.ds);
	truth_release(&g.truth);
	run_spec_release(&g.rs);
	for (size_t i = 0; i < ndirs; i++)
		cJSON_Delete(g.sh[i].m);
	free(g.sh);
	return rc;
}
