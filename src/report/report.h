/*
 * report/report.h - one self-contained HTML page that shows a dataset.
 *
 * A report reads telemetry files twice. The first pass (report_add)
 * aggregates every item: services and the calls between them, latency and
 * errors per span name, traces per time, log severities, every metric
 * stream with all its points. Between the passes the trace table's sample
 * is drawn; the second pass (report_write_html) takes the full detail of
 * the sampled traces (every span with attributes, events, links and
 * resource) and log records, and writes the page: the embedded page
 * assets (report/assets/, compiled in by the Makefile) around the data as
 * JSON. Nothing on the page is fetched: it works from file:// and as a
 * CI artifact, under a Content-Security-Policy of `default-src 'none'`
 * plus the hashes of its own inline script and style.
 *
 * Determinism: the page is a pure function of the inputs as given (paths,
 * bytes, order) and the options: no clock, no locale, no absolute path.
 * The sample is drawn by a hash of each trace id, error traces first, so
 * it does not depend on the order traces appear in the files.
 *
 * Inputs (report_add): a dataset folder (every OTLP file under it, with
 * each folder's manifest.json and ground_truth.json), an OTLP file in any
 * format src/read reads, or a ground_truth.json file. Bad input is
 * OTELSIM_EINPUT with the file and the record and byte (or line) in *err;
 * a report with no span, data point or log record fails in
 * report_write_html the same way (an empty dataset).
 */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "util/strbuf.h"

#define REPORT_SAMPLE_TRACES_DEFAULT 2000
#define REPORT_SAMPLE_LOGS_DEFAULT   5000

struct report_options {
	uint64_t sample_traces; /* rows of the trace table; 0: none */
	uint64_t sample_logs;   /* rows of the log table */
	const char *title;      /* NULL: from the manifests or the file names */
};

/* What the page holds, for the command's summary line. */
struct report_stats {
	uint64_t files, traces, spans, error_traces, sampled_traces;
	uint64_t services, metric_streams, data_points, log_records, events, injections;
};

struct report;

int report_new(const struct report_options *o, struct report **out, struct otelsim_error *err);
/* First pass over one argument (see above); errors name the file and position. */
int report_add(struct report *r, const char *arg, struct otelsim_error *err);
/* Sample, read the sampled detail (second pass) and write the whole page onto out. */
int report_write_html(struct report *r, struct strbuf *out, struct otelsim_error *err);
void report_stats(const struct report *r, struct report_stats *st);
/* Files of the folders given that are not telemetry, "path: why" each (for warnings). */
size_t report_skipped_count(const struct report *r);
const char *report_skipped(const struct report *r, size_t i);
void report_free(struct report *r);

/*
 * The text every page starts with; an existing file that does not start
 * with it is not an otelsim report (the command refuses to replace it
 * without --force).
 */
#define REPORT_MARKER "<!DOCTYPE html>\n<!-- otelsim report -->\n"

#endif
