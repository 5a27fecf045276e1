/* report/: the page's data: exact percentiles, calls between services, the
 * sample (error traces first, independent of the files' order), escaping,
 * determinism, and the errors of an empty dataset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "otelsim/otelsim.h"
#include "report/report.h"
#include "util/strbuf.h"

static char dir[] = "/tmp/otelsim-test-report.XXXXXX";

/*
 * n traces of two spans: "GET /" in service a (i+1 ms) and its child "q"
 * in service b (i+1 µs); trace i is an error trace when i % 5 == 0 (its
 * child fails). reverse: the same traces, last first.
 */
static void write_traces(const char *name, int n, bool reverse, const char *root_name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int k = 0; k < n; k++) {
		int i = reverse ? n - 1 - k : k;
		unsigned long long start = 1767225600000000000ull +
					   (unsigned long long)i * 1000000000ull;

		fprintf(f,
			"{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service."
			"name\","
			"\"value\":{\"stringValue\":\"a\"}}]},\"scopeSpans\":[{\"spans\":[{"
			"\"traceId\":"
			"\"%032x\",\"spanId\":\"%016x\",\"name\":\"%s\",\"startTimeUnixNano\":\"%"
			"llu\","
			"\"endTimeUnixNano\":\"%llu\"}]}]},",
			i + 1, i + 1, root_name, start,
			start + (unsigned long long)(i + 1) * 1000000);
		fprintf(f,
			"{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{"
			"\"stringValue\":\"b\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"%"
			"032x\","
			"\"spanId\":\"%016x\",\"parentSpanId\":\"%016x\",\"name\":\"q\","
			"\"startTimeUnixNano\":\"%llu\",\"endTimeUnixNano\":\"%llu\"%s}]}]}]}\n",
			i + 1, 0x10000 + i, i + 1, start,
			start + (unsigned long long)(i + 1) * 1000,
			i % 5 ? "" : ",\"status\":{\"code\":2}");
	}
	fclose(f);
}

/* The page of the given files; its data object parsed (caller deletes). */
static cJSON *page_data(const char *const *files, size_t n, uint64_t sample, struct strbuf *page)
{
	struct report_options o = { sample, 100, NULL };
	struct otelsim_error err;
	struct report *r;
	char path[256];
	const char *start, *end;
	char *json;
	cJSON *d;

	assert_int_equal(report_new(&o, &r, &err), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		assert_int_equal(report_add(r, path, &err), 0);
	}
	assert_int_equal(report_write_html(r, page, &err), 0);
	report_free(r);
	assert_memory_equal(page->buf, REPORT_MARKER, strlen(REPORT_MARKER));
	start = strstr(page->buf, "id=\"otelsim-data\">");
	assert_non_null(start);
	start += strlen("id=\"otelsim-data\">");
	end = strstr(start, "</script>");
	assert_non_null(end);
	json = strndup(start, (size_t)(end - start));
	d = cJSON_Parse(json);
	free(json);
	assert_non_null(d);
	return d;
}

static cJSON *op(cJSON *d, const char *name)
{
	cJSON *strings = cJSON_GetObjectItem(d, "strings"), *o;

	cJSON_ArrayForEach(o, cJSON_GetObjectItem(d, "ops"))
	{
		int k = cJSON_GetArrayItem(o, 1)->valueint;

		if (!strcmp(cJSON_GetArrayItem(strings, k)->valuestring, name))
			return o;
	}
	return NULL;
}

static void test_percentiles_and_calls(void **state)
{
	const char *files[] = { "t.jsonl" };
	struct strbuf page = STRBUF_INIT;
	cJSON *d, *o, *e, *counts;

	(void)state;
	write_traces("t.jsonl", 100, false, "GET /");
	d = page_data(files, 1, 2000, &page);
	counts = cJSON_GetObjectItem(d, "counts");
	assert_int_equal(cJSON_GetObjectItem(counts, "traces")->valueint, 100);
	assert_int_equal(cJSON_GetObjectItem(counts, "spans")->valueint, 200);
	assert_int_equal(cJSON_GetObjectItem(counts, "error_traces")->valueint, 20);
	assert_int_equal(cJSON_GetObjectItem(counts, "services")->valueint, 2);
	/* durations 1..100 ms: nearest rank p50 = 50 ms, p90 = 90, p99 = 99, max 100 */
	o = op(d, "GET /");
	assert_non_null(o);
	assert_int_equal(cJSON_GetArrayItem(o, 2)->valueint, 100);
	assert_true(cJSON_GetArrayItem(o, 4)->valuedouble == 50e6);
	assert_true(cJSON_GetArrayItem(o, 5)->valuedouble == 90e6);
	assert_true(cJSON_GetArrayItem(o, 6)->valuedouble == 99e6);
	assert_true(cJSON_GetArrayItem(o, 7)->valuedouble == 100e6);
	assert_true(cJSON_GetArrayItem(o, 8)->valuedouble == 1e6);
	/* one call a -> b per trace, the child's errors and latency */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "edges")), 1);
	e = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "edges"), 0);
	assert_int_equal(cJSON_GetArrayItem(e, 2)->valueint, 100);
	assert_int_equal(cJSON_GetArrayItem(e, 3)->valueint, 20);
	assert_true(cJSON_GetArrayItem(e, 4)->valuedouble == 50e3);
	assert_true(cJSON_GetArrayItem(e, 6)->valuedouble == 99e3);
	cJSON_Delete(d);
	strbuf_release(&page);
}

/* The rows' trace ids, sorted, as one string. */
static void row_ids(cJSON *d, char *out, size_t size, int *errors)
{
	cJSON *row;

	out[0] = '\0';
	*errors = 0;
	cJSON_ArrayForEach(row, cJSON_GetObjectItem(d, "rows"))
	{
		strncat(out, cJSON_GetArrayItem(row, 0)->valuestring, size - strlen(out) - 1);
		*errors += cJSON_GetArrayItem(row, 4)->valueint > 0;
	}
}

static void test_sample(void **state)
{
	const char *fwd[] = { "t.jsonl" }, *rev[] = { "r.jsonl" };
	struct strbuf p1 = STRBUF_INIT, p2 = STRBUF_INIT;
	char a[4096], b[4096];
	int ea, eb;
	cJSON *d1, *d2;

	(void)state;
	write_traces("t.jsonl", 100, false, "GET /");
	write_traces("r.jsonl", 100, true, "GET /");
	/* 30 rows of 100 traces: all 20 error traces, then 10 others; the same
	 * whatever order the file holds them in */
	d1 = page_data(fwd, 1, 30, &p1);
	d2 = page_data(rev, 1, 30, &p2);
	row_ids(d1, a, sizeof(a), &ea);
	row_ids(d2, b, sizeof(b), &eb);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d1, "rows")), 30);
	assert_int_equal(ea, 20);
	assert_string_equal(a, b);
	cJSON_Delete(d1);
	cJSON_Delete(d2);
	/* 5 rows: error traces only */
	strbuf_reset(&p1);
	d1 = page_data(fwd, 1, 5, &p1);
	row_ids(d1, a, sizeof(a), &ea);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d1, "rows")), 5);
	assert_int_equal(ea, 5);
	cJSON_Delete(d1);
	strbuf_release(&p1);
	strbuf_release(&p2);
}

static void test_deterministic_and_escaped(void **state)
{
	const char *files[] = { "x.jsonl" };
	struct strbuf p1 = STRBUF_INIT, p2 = STRBUF_INIT;
	cJSON *d;

	(void)state;
	/* a span name that would end the data's <script> element if written raw */
	write_traces("x.jsonl", 3, false, "</script><script>alert(1)</script>");
	d = page_data(files, 1, 10, &p1);
	cJSON_Delete(d);
	d = page_data(files, 1, 10, &p2);
	cJSON_Delete(d);
	assert_int_equal(p1.len, p2.len);
	assert_memory_equal(p1.buf, p2.buf, p1.len);
	assert_null(strstr(p1.buf, "<script>alert"));
	assert_non_null(strstr(p1.buf, "\\u003c/script>\\u003cscript>alert(1)"));
	/* exactly the two <script> elements of the page */
	assert_non_null(strstr(p1.buf, "<script type=\"application/json\" id=\"otelsim-data\">"));
	assert_non_null(strstr(p1.buf, "Content-Security-Policy\" content=\"default-src 'none'; "
				       "script-src 'sha256-"));
	strbuf_release(&p1);
	strbuf_release(&p2);
}

static void test_empty(void **state)
{
	struct report_options o = { 10, 10, NULL };
	struct otelsim_error err;
	struct strbuf page = STRBUF_INIT;
	struct report *r;
	char path[256];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/empty.jsonl", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"resourceSpans\":[]}\n", f);
	fclose(f);
	assert_int_equal(report_new(&o, &r, &err), 0);
	assert_int_equal(report_add(r, path, &err), 0);
	assert_int_equal(report_write_html(r, &page, &err), OTELSIM_EINPUT);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.message, "an empty dataset"));
	assert_int_equal(page.len, 0);
	report_free(r);
	/* standard input is refused (the report reads its files twice) */
	assert_int_equal(report_new(&o, &r, &err), 0);
	assert_int_equal(report_add(r, "-", &err), OTELSIM_EUSAGE);
	report_free(r);
}

/* otelsim's own signals (the engine's synthetic ones: a log record and an
 * event per trace, metrics per block) in both formats, gzip too, read back */
static void test_otelsim_signals(void **state)
{
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	static const int formats[2] = { OTELSIM_FORMAT_OTLP, OTELSIM_FORMAT_OTLP_JSON };
	char *counts[2] = { NULL, NULL };
	struct otelsim_error err;
	struct otelsim *os = NULL;

	(void)state;
	lo.root = ".";
	assert_int_equal(otelsim_load(&lo, &os, &err), 0);
	for (int f = 0; f < 2; f++) {
		struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
		const char *files[] = { f ? "json/commerce/checkout_flow"
					  : "pb/commerce/checkout_flow" };
		struct strbuf page = STRBUF_INIT;
		char out[256];
		cJSON *d, *c;

		snprintf(out, sizeof(out), "%s/%s", dir, f ? "json" : "pb");
		ro.scenario = "checkout_flow";
		ro.count_set = true;
		ro.count = 150;
		ro.synthetic_signals = true;
		ro.format = formats[f];
		ro.gzip = f == 1;
		ro.out_dir = out;
		assert_int_equal(otelsim_render_files(os, &ro, NULL, &err), 0);
		d = page_data(files, 1, 2000, &page);
		c = cJSON_GetObjectItem(d, "counts");
		assert_int_equal(cJSON_GetObjectItem(c, "traces")->valueint, 150);
		/* every record of logs.* and events.*: 150 synthetic logs, checkout_flow's
		 * own 450 (three per trace), 150 synthetic events and its 2 timeline events */
		assert_int_equal(cJSON_GetObjectItem(c, "log_records")->valueint, 752);
		assert_int_equal(cJSON_GetObjectItem(c, "events")->valueint, 152);
		assert_int_equal(cJSON_GetObjectItem(c, "data_points")->valueint, 6);
		assert_true(cJSON_GetObjectItem(c, "metric_streams")->valueint > 0);
		/* the manifest came along: the dataset's own counts */
		assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(d, "manifests")), 1);
		counts[f] = cJSON_PrintUnformatted(c);
		cJSON_Delete(d);
		strbuf_release(&page);
	}
	/* both formats give the same aggregates */
	assert_string_equal(counts[0], counts[1]);
	free(counts[0]);
	free(counts[1]);
	otelsim_free(os);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles_and_calls),     cmocka_unit_test(test_sample),
		cmocka_unit_test(test_deterministic_and_escaped), cmocka_unit_test(test_empty),
		cmocka_unit_test(test_otelsim_signals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
