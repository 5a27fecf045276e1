/* The public API (include/otelsim/otelsim.h): load, list, render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api_internal.h"
#include "api/mout.h"
#include "api/pipeline.h"
#include "api/truth.h"
#include "encode/encode.h"
#include "load/load.h"
#include "load/semconv.h"
#include "sink/dataset.h"
#include "util/error.h"
#include "util/text.h"

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int otelsim_load(const struct otelsim_load_options *opts, struct otelsim **out,
		 struct otelsim_error *err)
{
	struct otelsim *os;
	struct load_opts lo;
	char config[4096], conv[4096], scen[4096];
	const char *root;
	int rc;

	if (!opts || !out)
		return error_set(err, OTELSIM_EUSAGE,
				 "otelsim_load needs options and a result pointer");
	*out = NULL;
	if ((rc = util_text_init(err)))
		return rc;
	root = opts->root ? opts->root : ".";
	os = calloc(1, sizeof(*os));
	if (!os)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	memset(&lo, 0, sizeof(lo));
	snprintf(config, sizeof(config), "%s/config/config.yaml", root);
	snprintf(conv, sizeof(conv), "%s/conventions", root);
	snprintf(scen, sizeof(scen), "%s/scenarios", root);
	lo.config_path = opts->config_path ? opts->config_path : exists(config) ? config : NULL;
	lo.bundled_semconv = exists(conv) ? conv : NULL;
	lo.semconv_path = opts->semconv_path;
	lo.semconv_paths = opts->semconv_paths;
	lo.nsemconv = opts->nsemconv;
	lo.files = opts->files;
	lo.nfiles = opts->nfiles;
	lo.scenarios_dir = opts->files ? NULL : opts->scenarios_dir ? opts->scenarios_dir : scen;
	lo.bundled_dir = scen;
	lo.vendor = opts->vendor;
	lo.service_name = opts->service_name;
	lo.max_spans_per_trace = opts->max_spans_per_trace;
	lo.tenant_ids = opts->tenant_ids;
	lo.tenant_weights = opts->tenant_weights;
	lo.ntenants = opts->ntenants;
	rc = load_model(&lo, &os->m, err);
	if (rc) {
		model_release(&os->m);
		free(os);
		return rc;
	}
	*out = os;
	return 0;
}

void otelsim_free(struct otelsim *os)
{
	if (!os)
		return;
	model_release(&os->m);
	free(os);
}

size_t otelsim_warning_count(const struct otelsim *os)
{
	return os->m.nwarnings + (os->m.semconv ? semconv_warning_count(os->m.semconv) : 0);
}

const char *otelsim_warning(const struct otelsim *os, size_t i)
{
	size_t nsc = os->m.semconv ? semconv_warning_count(os->m.semconv) : 0;

	if (i < nsc)
		return semconv_warning(os->m.semconv, i);
	i -= nsc;
	return i < os->m.nwarnings ? os->m.warnings[i] : NULL;
}

size_t otelsim_scenario_count(const struct otelsim *os)
{
	return os->m.nscenarios;
}

int otelsim_scenario_info(const struct otelsim *os, size_t i, struct otelsim_scenario_info *out)
{
	const struct scenario *s;

	if (i >= os->m.nscenarios)
		return OTELSIM_EUSAGE;
	s = os->m.scenarios[i];
	memset(out, 0, sizeof(*out));
	out->name = s->name;
	out->title = s->title;
	out->description = s->description ? s->description : "";
	out->category = s->category;
	out->rel_dir = s->rel_dir;
	out->path = s->path;
	out->tags = s->tags;
	out->ntags = s->ntags;
	out->weight = s->weight;
	out->reference = s->reference;
	out->max_spans_per_trace = s->max_spans;
	out->dataset = s->dataset;
	out->endpoint = s->endpoint;
	out->batch_size = s->batch_size;
	out->rate = s->has_interval && s->interval_ns > 0 ? 1e9 / (double)s->interval_ns : 0;
	return 0;
}

/* ---- shared by both render paths ---- */

struct render_ctx {
	const struct otelsim_render_options *o;
	struct otelsim_render_result *res;
	unsigned signals; /* the plan's: SIGNAL_BIT()s */
	uint64_t total_iterations;
	uint64_t iterations_done;
	/* callback path */
	otelsim_record_fn fn;
	void *fn_ctx;
	/* files path: one file per signal written, and the ground truth */
	struct dfile *file[SIGNAL_COUNT];
	struct truth *truth;
	struct dfile *hits_file; /* a shard's ground-truth hits (for otelsim merge), or NULL */
	struct mout mo;          /* derived metrics */
};

/* Count one closed metric interval's records written. */
static void account_metrics(struct render_ctx *c, const struct strbuf *bytes, uint64_t records,
			    uint64_t items)
{
	struct otelsim_render_result *r = c->res;

	r->metrics += items;
	r->signal_records[OTELSIM_METRICS] += records;
	r->signal_bytes[OTELSIM_METRICS] += bytes->len;
	r->records += records;
	r->bytes += bytes->len;
}

static int metrics_to_file(void *ctx, const struct strbuf *bytes, uint64_t records, uint64_t items,
			   struct otelsim_error *err)
{
	struct render_ctx *c = ctx;

	account_metrics(c, bytes, records, items);
	return dfile_write(c->file[OTELSIM_METRICS], bytes->buf, bytes->len, err);
}

static int emit_records(struct render_ctx *c, int signal, const struct strbuf *data,
			struct otelsim_error *err);

static int metrics_to_callback(void *ctx, const struct strbuf *bytes, uint64_t records,
			       uint64_t items, struct otelsim_error *err)
{
	struct render_ctx *c = ctx;

	account_metrics(c, bytes, records, items);
	return emit_records(c, OTELSIM_METRICS, bytes, err);
}

/* After the last block: the metric intervals still open, and the counts. */
static int finish_metrics(struct render_ctx *c, struct otelsim_error *err)
{
	uint64_t streams = 0, points = 0;
	int rc;

	if (!c->mo.agg)
		return 0;
	rc = mout_finish(&c->mo, c->res->end_ns, err);
	magg_counts(c->mo.agg, &streams, &points);
	c->res->metric_streams = streams;
	c->res->data_points += points;
	return rc;
}

static int account(struct render_ctx *c, const struct pipe_block *b, struct otelsim_error *err)
{
	struct otelsim_render_result *r = c->res;

	if (c->o->text && b->text.len && c->o->text(c->o->text_ctx, b->text.buf, b->text.len))
		return error_set(err, OTELSIM_EIO, "stopped by the text callback");
	c->iterations_done += b->niterations;
	r->traces += b->ntraces;
	r->spans += b->items[OTELSIM_TRACES];
	r->error_spans += b->nerrors;
	r->metrics += b->items[OTELSIM_METRICS];
	r->data_points += b->npoints;
	r->log_records += b->items[OTELSIM_LOGS];
	r->events += b->items[OTELSIM_EVENTS];
	if (b->oversize && !r->oversize_lines)
		memcpy(r->oversize_what, b->oversize_what, sizeof(r->oversize_what));
	r->oversize_lines += b->oversize;
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		r->signal_records[s] += b->records[s];
		r->signal_bytes[s] += b->data[s].len;
		r->records += b->records[s];
		r->bytes += b->data[s].len;
	}
	if (b->ntraces) {
		if (b->min_start_ns < r->start_ns || r->traces == b->ntraces)
			r->start_ns = b->min_start_ns;
		if (b->max_end_ns > r->end_ns || r->traces == b->ntraces)
			r->end_ns = b->max_end_ns;
	}
	if (c->o->progress)
		c->o->progress(c->o->progress_ctx, c->iterations_done, c->total_iterations,
			       r->spans);
	return 0;
}

/* Split one signal's bytes of a block into records by their framing. */
static int emit_records(struct render_ctx *c, int signal, const struct strbuf *data,
			struct otelsim_error *err)
{
	const char *p = data->buf;
	size_t n = data->len, pos = 0;

	while (pos < n) {
		size_t len = encoder_record_len(c->o->format, c->o->framing, p + pos, n - pos);

		if (!len)
			return error_set(err, OTELSIM_EINTERNAL,
					 "record framing overruns its block");
		if (c->fn(c->fn_ctx, signal, p + pos, len))
			return error_set(err, OTELSIM_EIO, "stopped by callback");
		pos += len;
	}
	return 0;
}

static int consume_callback(void *ctx, const struct pipe_block *b, struct otelsim_error *err)
{
	struct render_ctx *c = ctx;
	int rc;

	for (int s = 0; s < SIGNAL_COUNT; s++) {
		rc = emit_records(c, s, &b->data[s], err);
		if (rc)
			return rc;
	}
	rc = account(c, b, err);
	return rc ? rc : mout_block(&c->mo, b, err);
}

static int consume_file(void *ctx, const struct pipe_block *b, struct otelsim_error *err)
{
	struct render_ctx *c = ctx;

	for (int s = 0; s < SIGNAL_COUNT; s++) {
		int rc;

		if (!c->file[s] || (s == OTELSIM_METRICS && c->mo.shard && c->mo.agg))
			continue; /* a shard's metrics file holds its partials */
		rc = dfile_write(c->file[s], b->data[s].buf, b->data[s].len, err);
		if (rc)
			return rc;
	}
	if (b->hits.len) {
		int rc = truth_add(c->truth, b->hits.buf, b->hits.len, err);

		if (!rc && c->hits_file)
			rc = dfile_write(c->hits_file, b->hits.buf, b->hits.len, err);
		if (rc)
			return rc;
	}
	{
		int rc = account(c, b, err);

		return rc ? rc : mout_block(&c->mo, b, err);
	}
}

static void fill_pipeline(struct pipeline_cfg *pc, const struct run_spec *rs,
			  const struct otelsim_render_options *o)
{
	memset(pc, 0, sizeof(*pc));
	pc->plan = &rs->plan;
	pc->metrics = &rs->metrics;
	pc->format = o->format;
	pc->framing = o->framing;
	pc->traces_per_record = rs->traces_per_record;
	pc->first_block = rs->first_block;
	pc->end_block = rs->end_block;
	pc->threads = o->threads ? o->threads : 1;
	pc->console = o->text ? o->show_spans : 0;
	pc->cancel = o->cancel;
	/* one-iteration blocks are for streaming: consume (and report) each one */
	pc->max_blocks_per_unit = rs->plan.iterations_per_block == 1 ? 1 : 8;
}

static int check_options(const struct otelsim_render_options *o, struct otelsim_error *err)
{
	if (o->format != OTELSIM_FORMAT_OTLP && o->format != OTELSIM_FORMAT_OTLP_JSON &&
	    o->format != OTELSIM_FORMAT_NDJSON)
		return error_set(err, OTELSIM_EUSAGE, "unknown format %d", o->format);
	if (o->framing != OTELSIM_FRAMING_BE32 && o->framing != OTELSIM_FRAMING_VARINT)
		return error_set(err, OTELSIM_EUSAGE, "unknown framing %d", o->framing);
	if (o->shard_index > o->shard_count || (o->shard_count && !o->shard_index))
		return error_set(err, OTELSIM_EUSAGE,
				 "shard %u of %u: shard_index is 1..shard_count (both 0: no "
				 "sharding)",
				 o->shard_index, o->shard_count);
	if (o->out_dir && !o->out_dir[0])
		return error_set(
			err, OTELSIM_EUSAGE,
			"the output folder is empty (\"\"): give a folder, or NULL for ./out");
	return 0;
}

/*
 * What plan and both render paths start with: *res zeroed, the options
 * checked, the run built and its seed and interval in *res. On failure
 * there is nothing to release.
 */
static int run_start(const struct otelsim *os, const struct otelsim_render_options *o,
		     struct run_spec *rs, struct otelsim_render_result *res,
		     struct otelsim_error *err)
{
	int rc;

	memset(res, 0, sizeof(*res));
	memset(rs, 0, sizeof(*rs));
	if (!os || !o)
		return error_set(err, OTELSIM_EUSAGE,
				 "a project (otelsim_load) and options are needed");
	rc = check_options(o, err);
	if (rc)
		return rc;
	rc = run_spec_build(&os->m, o, rs, err);
	if (rc) {
		run_spec_release(rs);
		return rc;
	}
	res->seed = rs->plan.seed;
	res->seed_origin = rs->seed_origin;
	res->interval_ns = rs->plan.interval_ns;
	return 0;
}

int otelsim_plan(const struct otelsim *os, const struct otelsim_render_options *o,
		 struct otelsim_render_result *res, struct otelsim_error *err)
{
	struct run_spec rs;
	int rc = run_start(os, o, &rs, res, err);

	if (rc)
		return rc;
	res->iterations = rs.end_trace - rs.first_trace;
	res->traces = res->iterations; /* a multi-turn session's are known when rendered */
	res->start_ns = rs.plan.start_ns;
	run_spec_release(&rs);
	return 0;
}

int otelsim_render(const struct otelsim *os, const struct otelsim_render_options *o,
		   otelsim_record_fn fn, void *ctx, struct otelsim_render_result *res,
		   struct otelsim_error *err)
{
	struct otelsim_render_result local;
	struct run_spec rs;
	struct pipeline_cfg pc;
	struct render_ctx c;
	int rc;

	if (!res)
		res = &local;
	if (!fn) {
		memset(res, 0, sizeof(*res));
		return error_set(err, OTELSIM_EUSAGE,
				 "otelsim_render needs a record callback "
				 "(otelsim_render_files writes files)");
	}
	rc = run_start(os, o, &rs, res, err);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.res = res;
	c.fn = fn;
	c.fn_ctx = ctx;
	c.total_iterations = rs.end_trace - rs.first_trace;
	rc = mout_init(&c.mo, &rs, o, err);
	c.mo.write = metrics_to_callback;
	c.mo.ctx = &c;
	c.mo.shard = false; /* records, never partials */
	fill_pipeline(&pc, &rs, o);
	pc.consume = consume_callback;
	pc.ctx = &c;
	if (!rc)
		rc = pipeline_run(&pc, err);
	if (!rc)
		rc = finish_metrics(&c, err);
	mout_release(&c.mo);
	run_spec_release(&rs);
	return rc;
}

/* "<signal>.<ext>[.gz]" in buf. */
static void file_name(const struct otelsim_render_options *o, int signal, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s%s", signal_name(signal), encoder_file_ext(o->format),
		 o->gzip ? ".gz" : "");
}

/* Open one file per signal the plan writes. */
static int open_files(struct dataset *ds, const struct otelsim_render_options *o,
		      struct render_ctx *c, struct otelsim_error *err)
{
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		char name[64];
		int rc;

		if (!(c->signals & SIGNAL_BIT(s)))
			continue;
		file_name(o, s, name, sizeof(name));
		if (s == OTELSIM_METRICS && c->mo.shard && c->mo.agg)
			snprintf(name, sizeof(name), "%s", MERGE_METRICS_FILE);
		rc = dataset_file(ds, name, &c->file[s], err);
		if (rc)
			return rc;
	}
	return 0;
}

/* Close every file and list it for the manifest, in signal order. */
static int close_files(struct render_ctx *c, struct dfile_info *info, struct manifest_file *mf,
		       size_t *nfiles, struct otelsim_error *err)
{
	*nfiles = 0;
	for (int s = 0; s < SIGNAL_COUNT; s++) {
		struct manifest_file *f = &mf[*nfiles];
		int rc;

		if (!c->file[s])
			continue;
		rc = dfile_close(c->file[s], &info[s], err);
		c->file[s] = NULL;
		if (rc)
			return rc;
		if (s == OTELSIM_METRICS && c->mo.shard && c->mo.agg)
			continue; /* a shard's partials: for otelsim merge, not a data file */
		f->name = info[s].name;
		f->signal = s;
		f->records = c->res->signal_records[s];
		f->size = info[s].size;
		f->sha256 = info[s].sha256;
		(*nfiles)++;
	}
	return 0;
}

int otelsim_render_files(const struct otelsim *os, const struct otelsim_render_options *o,
			 struct otelsim_render_result *res, struct otelsim_error *err)
{
	struct otelsim_render_result local;
	struct run_spec rs;
	struct pipeline_cfg pc;
	struct render_ctx c;
	struct dataset *ds = NULL;
	struct dfile_info info[SIGNAL_COUNT];
	struct manifest_file mf[SIGNAL_COUNT];
	size_t nfiles = 0;
	struct strbuf manifest = STRBUF_INIT;
	struct truth truth;
	char dir[4096];
	int rc;

	if (!res)
		res = &local;
	memset(&truth, 0, sizeof(truth));
	memset(&c, 0, sizeof(c));
	rc = run_start(os, o, &rs, res, err);
	if (rc)
		return rc;
	if (!rs.rel_dir) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (!o->scenario && (strstr(rs.rel_dir, "..") || strchr(rs.rel_dir, '/') ||
			     !rs.rel_dir[0] || rs.rel_dir[0] == '.')) {
		rc = error_set(err, OTELSIM_EUSAGE, "--dataset '%s' must be a plain folder name",
			       rs.rel_dir);
		goto cleanup;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", o->out_dir ? o->out_dir : "out",
			     rs.rel_dir) >= sizeof(dir)) {
		rc = error_set(err, OTELSIM_EUSAGE, "output path too long");
		goto cleanup;
	}
	if (strlen(dir) < sizeof(res->dataset_dir))
		memcpy(res->dataset_dir, dir, strlen(dir) + 1);
	dataset_remove_stale(o->out_dir ? o->out_dir : "out"); /* of any dataset: SIGKILLed runs */
	rc = dataset_open(dir, &ds, err);
	if (rc)
		goto cleanup;
	rc = truth_init(&truth, &os->m, &rs.plan, ds, err);
	if (rc)
		goto cleanup;
	memset(&c, 0, sizeof(c));
	c.truth = &truth;
	c.o = o;
	c.res = res;
	c.signals = rs.plan.signals;
	c.total_iterations = rs.end_trace - rs.first_trace;
	rc = mout_init(&c.mo, &rs, o, err);
	if (rc)
		goto cleanup;
	c.mo.gzip = o->gzip && !c.mo.shard;
	c.mo.write = metrics_to_file;
	c.mo.ctx = &c;
	rc = open_files(ds, o, &c, err);
	if (!rc && o->shard_count > 1)
		rc = dataset_file(ds, MERGE_HITS_FILE, &c.hits_file, err);
	if (rc)
		goto cleanup;
	fill_pipeline(&pc, &rs, o);
	pc.gzip = o->gzip;
	pc.consume = consume_file;
	pc.ctx = &c;
	rc = pipeline_run(&pc, err);
	if (!rc)
		rc = finish_metrics(&c, err);
	if (rc)
		goto cleanup;
	rc = close_files(&c, info, mf, &nfiles, err);
	if (!rc && c.hits_file) {
		struct dfile_info hi;

		rc = dfile_close(c.hits_file, &hi, err);
		c.hits_file = NULL;
	}
	if (!rc)
		rc = truth_finish(&truth, err);
	if (rc)
		goto cleanup;
	if (manifest_build(&os->m, o, &rs, res, mf, nfiles, &truth, &manifest)) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	rc = dataset_commit(ds, manifest.buf, manifest.len, err);
cleanup:
	mout_release(&c.mo);
	dataset_free(ds);
	truth_release(&truth);
	strbuf_release(&manifest);
	run_spec_release(&rs);
	return rc;
}
