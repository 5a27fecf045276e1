/*
 * A report's life (report.h): inputs (pass 1), the sample, the detail
 * (pass 2) and the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/text.h"

int report_new(const struct report_options *o, struct report **out, struct otelsim_error *err)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	r->opt = *o;
	arena_init(&r->arena, 1 << 20);
	*out = r;
	return 0;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	dir_list_release(&r->skipped);
	strtab_release(&r->strings);
	strtab_release(&r->stream_idents);
	strtab_release(&r->resources);
	idmap_release(&r->trace_map);
	idmap_release(&r->op_map);
	for (size_t i = 0; i < r->nops; i++)
		free(r->ops[i].d.v);
	for (size_t i = 0; i < r->nedges; i++)
		free(r->edges[i].d.v);
	for (size_t i = 0; i < r->nstreams; i++)
		free(r->streams[i].pts);
	for (size_t i = 0; r->row_detail && i < r->nrows; i++)
		strbuf_release(&r->row_detail[i]);
	for (size_t i = 0; r->log_detail && i < r->nlog_rows; i++)
		strbuf_release(&r->log_detail[i]);
	for (size_t i = 0; i < r->nmanifests; i++)
		free(r->manifests[i].problems);
	free(r->manifests);
	free(r->injs);
	free(r->gt_files);
	free(r->files);
	free(r->traces);
	free(r->spans);
	free(r->ops);
	free(r->edges);
	free(r->logs);
	free(r->streams);
	free(r->svcs);
	free(r->rows);
	free(r->row_detail);
	free(r->row_count);
	free(r->log_rows);
	free(r->log_detail);
	arena_release(&r->arena);
	free(r);
}

void report_stats(const struct report *r, struct report_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->files = r->nfiles;
	st->traces = r->ntraces;
	for (size_t i = 0; i < r->ntraces; i++)
		st->spans += r->traces[i].nspans;
	st->error_traces = r->error_traces;
	st->sampled_traces = r->nrows;
	st->services = r->nservices;
	st->metric_streams = r->nstreams;
	st->data_points = r->data_points;
	st->log_records = r->nlogs;
	st->events = r->nevents;
	st->injections = r->ninjs;
}

/* ---- the page ---- */

static void html_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			strbuf_addstr(out, "&lt;");
		else if (*s == '>')
			strbuf_addstr(out, "&gt;");
		else if (*s == '&')
			strbuf_addstr(out, "&amp;");
		else if (*s == '"')
			strbuf_addstr(out, "&quot;");
		else
			strbuf_addch(out, *s);
	}
}

/* 'sha256-<base64>' of an inline part, as Content-Security-Policy names it */
static void csp_hash(struct strbuf *out, const void *data, size_t len)
{
	char hex[65], b64[BASE64_ENCODED_LEN(32) + 1];
	uint8_t bin[32];

	sha256_hex(data, len, hex);
	hex_decode(hex, 64, bin, 32);
	base64_encode(bin, 32, b64);
	b64[BASE64_ENCODED_LEN(32)] = '\0';
	strbuf_addf(out, "'sha256-%s'", b64);
}

/*
 * The data goes inside <script type="application/json">: '<' is written
 * \u003c (it only ever occurs inside JSON strings), so no "</script>" or
 * "<!--" in a span name can end the element early.
 */
static int add_data(struct strbuf *out, const struct strbuf *json)
{
	const char *p = json->buf, *end = json->buf + json->len;

	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		size_t n = lt ? (size_t)(lt - p) : (size_t)(end - p);

		if (strbuf_add(out, p, n) || (lt && strbuf_add(out, "\\u003c", 6)))
			return -1;
		p += n + (lt ? 1 : 0);
	}
	return 0;
}

static int write_page(struct report *r, const struct strbuf *data, struct strbuf *out)
{
	const char *title = r->opt.title;
	char auto_title[256];

	if (!title) {
		if (r->nmanifests && r->manifests[0].dataset)
			snprintf(auto_title, sizeof(auto_title), "%s%s", r->manifests[0].dataset,
				 r->nmanifests > 1 ? " and more" : "");
		else
			snprintf(auto_title, sizeof(auto_title), "%s%s",
				 r->nfiles ? r->files[0].path : "",
				 r->nfiles > 1 ? " and more" : "");
		title = auto_title;
	}
	strbuf_addstr(out, REPORT_MARKER);
	strbuf_addstr(out, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
			   "'none'; script-src ");
	csp_hash(out, report_asset_js, report_asset_js_len);
	strbuf_addstr(out, "; style-src ");
	csp_hash(out, report_asset_css, report_asset_css_len);
	strbuf_addstr(out, "; img-src data:\">\n"
			   "<meta name=\"viewport\" content=\"width=device-width, "
			   "initial-scale=1\">\n"
			   "<meta name=\"generator\" content=\"otelsim report\">\n"
			   "<link rel=\"icon\" href=\"data:,\">\n<title>");
	html_text(out, title);
	strbuf_addstr(out, " - otelsim report</title>\n<style>");
	strbuf_add(out, report_asset_css, report_asset_css_len);
	strbuf_addstr(out, "</style>\n</head>\n<body>\n");
	strbuf_add(out, report_asset_html, report_asset_html_len);
	strbuf_addstr(out, "<script type=\"application/json\" id=\"otelsim-data\">");
	if (add_data(out, data))
		return -1;
	strbuf_addstr(out, "</script>\n<script>");
	strbuf_add(out, report_asset_js, report_asset_js_len);
	strbuf_addstr(out, "</script>\n</body>\n</html>\n");
	return out->buf ? 0 : -1;
}

int report_write_html(struct report *r, struct strbuf *out, struct otelsim_error *err)
{
	struct strbuf data = STRBUF_INIT;
	int rc;

	if (!r->ntraces && !r->nlogs && !r->data_points) {
		if (r->nfiles == 1)
			return error_at(err, OTELSIM_EINPUT, r->files[0].path, 0, 0,
					"an empty dataset: no span, data point or log record "
					"(%llu bytes, %llu records)",
					(unsigned long long)r->files[0].size,
					(unsigned long long)r->files[0].records);
		return error_set(err, OTELSIM_EINPUT,
				 "an empty dataset: no span, data point or log record in %zu "
				 "file%s",
				 r->nfiles, r->nfiles == 1 ? "" : "s");
	}
	/* the ground truth's windows are on the time axes too */
	for (size_t i = 0; i < r->ninjs; i++) {
		uint64_t s = (uint64_t)r->injs[i].start, e = (uint64_t)r->injs[i].end;

		if (r->injs[i].start > 0 && s < r->t0)
			r->t0 = s;
		if (r->injs[i].end > 0 && e > r->t1)
			r->t1 = e;
	}
	rc = report_finish_traces(r, err);
	if (!rc)
		rc = report_sample(r, err);
	for (size_t i = 0; !rc && i < r->nfiles; i++)
		if (r->files[i].spans || r->files[i].logs)
			rc = report_detail_file(r, &r->files[i], err);
	if (!rc)
		rc = report_write_data(r, &data, err);
	if (!rc && write_page(r, &data, out))
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
	strbuf_release(&data);
	return rc;
}

size_t report_skipped_count(const struct report *r)
{
	return r->skipped.n;
}

const char *report_skipped(const struct report *r, size_t i)
{
	return i < r->skipped.n ? r->skipped.v[i] : NULL;
}
