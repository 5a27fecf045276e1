/*
 * manifest.json: what a dataset is made of, so it can be regenerated and
 * checked byte for byte. Every field is a pure function of the inputs
 * except "version" (the tool's), which golden tests ignore.
 *
 * "counts" always holds traces, spans, error_spans, data_points and
 * log_records (0 when the dataset has no such file), plus "metrics" (Metric
 * messages) and "metric_streams" (streams: derived metrics and series) and
 * "events" when it has a metrics or events file; "files" lists each data
 * file in signal order (traces, metrics, logs, events) with its signal,
 * records, size and SHA-256. "ground_truth", only when an injection
 * fired: {"injections": N, "files": [{name, size, sha256}]} (api/truth.h).
 */
#include <string.h>

#include "api/api_internal.h"
#include "api/truth.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

static const char *format_name(int f)
{
	return f == OTELSIM_FORMAT_OTLP_JSON ? "otlp-json"
	       : f == OTELSIM_FORMAT_NDJSON  ? "ndjson"
					     : "otlp";
}

/* 0, or -1 when out of memory (the manifest is then not written). */
static int scenario_entry(struct jsonw *w, const struct scenario *s)
{
	/* the file relative to the scenarios folder: the same on every machine */
	const char *base = strrchr(s->path, '/');
	struct strbuf file = STRBUF_INIT;
	int rc;

	base = base ? base + 1 : s->path;
	if (s->rel_dir[0])
		rc = strbuf_addf(&file, "%s/%s", s->rel_dir, base);
	else
		rc = strbuf_addstr(&file, base);
	if (rc) {
		strbuf_release(&file);
		return -1;
	}
	jsonw_begin_object(w);
	jsonw_key(w, "name");
	jsonw_string(w, s->name);
	if (s->title) {
		jsonw_key(w, "title");
		jsonw_string(w, s->title);
	}
	jsonw_key(w, "file");
	jsonw_stringn(w, file.buf ? file.buf : "", file.len);
	jsonw_key(w, "sha256");
	jsonw_string(w, s->sha256);
	jsonw_end_object(w);
	strbuf_release(&file);
	return 0;
}

static void truth_entry(struct jsonw *w, const struct truth *t)
{
	jsonw_key(w, "ground_truth");
	jsonw_begin_object(w);
	jsonw_key(w, "injections");
	jsonw_uint(w, t->nfired);
	jsonw_key(w, "files");
	jsonw_begin_array(w);
	for (size_t i = 0; i < t->nfiles; i++) {
		jsonw_begin_object(w);
		jsonw_key(w, "name");
		jsonw_string(w, t->files[i].name);
		jsonw_key(w, "size");
		jsonw_uint(w, t->files[i].size);
		jsonw_key(w, "sha256");
		jsonw_string(w, t->files[i].sha256);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_end_object(w);
}

int manifest_build(const struct model *m, const struct otelsim_render_options *o,
		   const struct run_spec *rs, const struct otelsim_render_result *res,
		   const struct manifest_file *files, size_t nfiles, const struct truth *truth,
		   struct strbuf *out)
{
	const struct plan *p = &rs->plan;
	struct jsonw w;
	char t[64];

	jsonw_init(&w, out, true);
	jsonw_begin_object(&w);
	jsonw_key(&w, "tool");
	jsonw_string(&w, "otelsim");
	jsonw_key(&w, "version");
	jsonw_string(&w, o->tool_version ? o->tool_version : OTELSIM_VERSION);
	jsonw_key(&w, "dataset");
	jsonw_string(&w, rs->rel_dir);
	jsonw_key(&w, "kind");
	jsonw_string(&w, p->scenario ? "scenario" : o->each_once ? "each-once" : "mixed");
	jsonw_key(&w, "scenarios");
	jsonw_begin_array(&w);
	if (p->scenario && scenario_entry(&w, p->scenario))
		goto oom;
	for (uint32_t i = 0; i < p->npool; i++)
		if (scenario_entry(&w, p->pool[i]))
			goto oom;
	jsonw_end_array(&w);
	if (!p->scenario && o->ntags) {
		jsonw_key(&w, "tags");
		jsonw_begin_array(&w);
		for (size_t i = 0; i < o->ntags; i++)
			jsonw_string(&w, o->tags[i]);
		jsonw_end_array(&w);
	}
	jsonw_key(&w, "vendor");
	jsonw_string(&w, m->vendor);
	jsonw_key(&w, "seed");
	jsonw_uint(&w, p->seed);
	jsonw_key(&w, "start");
	time_format_rfc3339(p->start_ns, t, sizeof(t));
	jsonw_string(&w, t);
	jsonw_key(&w, "end");
	if (res->traces) {
		time_format_rfc3339(res->end_ns, t, sizeof(t));
		jsonw_string(&w, t);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "first_span_start");
	if (res->traces) {
		time_format_rfc3339(res->start_ns, t, sizeof(t));
		jsonw_string(&w, t);
	} else {
		jsonw_null(&w);
	}
	jsonw_key(&w, "interval_ns");
	jsonw_int(&w, p->interval_ns);
	jsonw_key(&w, "interval_jitter_ns");
	jsonw_int(&w, p->jitter_ns);
	if (p->timed) {
		jsonw_key(&w, "workload");
		jsonw_begin_object(&w);
		jsonw_key(&w, "duration_ns");
		jsonw_int(&w, p->duration_ns);
		jsonw_key(&w, "rate_per_s");
		jsonw_double(&w, p->rate_per_s);
		jsonw_key(&w, "arrivals");
		jsonw_string(&w, p->arrivals == ARRIVALS_UNIFORM ? "uniform" : "poisson");
		jsonw_key(&w, "window_ns");
		jsonw_int(&w, p->window_ns);
		jsonw_key(&w, "windows");
		jsonw_uint(&w, p->count);
		jsonw_end_object(&w);
	}
	jsonw_key(&w, "format");
	jsonw_string(&w, format_name(o->format));
	if (o->format == OTELSIM_FORMAT_OTLP) {
		jsonw_key(&w, "framing");
		jsonw_string(&w, o->framing == OTELSIM_FRAMING_VARINT ? "varint" : "be32");
	}
	jsonw_key(&w, "gzip");
	jsonw_bool(&w, o->gzip);
	jsonw_key(&w, "traces_per_record");
	jsonw_uint(&w, rs->traces_per_record);
	if (rs->metrics.nmetrics) {
		jsonw_key(&w, "metric_interval_ns");
		jsonw_int(&w, rs->metrics.interval_ns);
		jsonw_key(&w, "temporality");
		jsonw_string(&w, rs->metrics.temporality == METRIC_DELTA ? "delta" : "cumulative");
	}
	jsonw_key(&w, "counts");
	jsonw_begin_object(&w);
	jsonw_key(&w, "traces");
	jsonw_uint(&w, res->traces);
	jsonw_key(&w, "spans");
	jsonw_uint(&w, res->spans);
	jsonw_key(&w, "error_spans");
	jsonw_uint(&w, res->error_spans);
	jsonw_key(&w, "data_points");
	jsonw_uint(&w, res->data_points);
	jsonw_key(&w, "log_records");
	jsonw_uint(&w, res->log_records);
	if (p->signals & SIGNAL_BIT(OTELSIM_METRICS)) {
		jsonw_key(&w, "metrics");
		jsonw_uint(&w, res->metrics);
		jsonw_key(&w, "metric_streams");
		jsonw_uint(&w, res->metric_streams);
	}
	if (p->signals & SIGNAL_BIT(OTELSIM_EVENTS)) {
		jsonw_key(&w, "events");
		jsonw_uint(&w, res->events);
	}
	jsonw_end_object(&w);
	jsonw_key(&w, "shard");
	jsonw_begin_object(&w);
	jsonw_key(&w, "index");
	jsonw_uint(&w, o->shard_count > 1 ? o->shard_index : 1);
	jsonw_key(&w, "count");
	jsonw_uint(&w, o->shard_count > 1 ? o->shard_count : 1);
	jsonw_key(&w, "first_trace");
	jsonw_uint(&w, rs->first_trace);
	jsonw_key(&w, "traces_total");
	jsonw_uint(&w, p->count);
	jsonw_end_object(&w);
	jsonw_key(&w, "files");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < nfiles; i++) {
		jsonw_begin_object(&w);
		jsonw_key(&w, "name");
		jsonw_string(&w, files[i].name);
		jsonw_key(&w, "signal");
		jsonw_string(&w, signal_name(files[i].signal));
		jsonw_key(&w, "records");
		jsonw_uint(&w, files[i].records);
		jsonw_key(&w, "size");
		jsonw_uint(&w, files[i].size);
		jsonw_key(&w, "sha256");
		jsonw_string(&w, files[i].sha256);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	if (truth && truth->nfiles)
		truth_entry(&w, truth);
	jsonw_key(&w, "replay");
	jsonw_begin_object(&w);
	jsonw_key(&w, "endpoint");
	jsonw_string(&w, "http://localhost:4318");
	jsonw_key(&w, "protocol");
	jsonw_string(&w, "http/protobuf");
	jsonw_key(&w, "batch_size");
	jsonw_uint(&w, 8192); /* spans per request: the Collector batch processor's default */
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	return jsonw_finish(&w);
oom:
	return -1;
}
