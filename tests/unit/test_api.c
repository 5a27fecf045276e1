/*
 * The public API (include/otelsim/otelsim.h), used the way a C test suite
 * would: load the bundled project, render through a callback and into
 * files, and the error paths. Runs from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "otelsim/otelsim.h"
#include "sink/dataset.h"
#include "util/strbuf.h"

struct collected {
	struct strbuf bytes;
	size_t records;
	int stop_after;
};

static int collect(void *ctx, int signal, const void *bytes, size_t len)
{
	struct collected *c = ctx;

	assert_int_equal(signal, OTELSIM_TRACES);
	if (c->stop_after && (int)c->records == c->stop_after)
		return 1;
	c->records++;
	return strbuf_add(&c->bytes, bytes, len);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

static struct otelsim *load_bundled(void)
{
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;
	struct otelsim *os = NULL;

	lo.root = ".";
	if (otelsim_load(&lo, &os, &err))
		fail_msg("load: %s:%d:%d: %s", err.file, err.line, err.column, err.message);
	return os;
}

static void test_load_and_list(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_scenario_info si;
	size_t n = otelsim_scenario_count(os), found = 0, refs = 0;

	(void)state;
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(otelsim_scenario_info(os, i, &si), 0);
		if (!strcmp(si.name, "successful_agent_turn")) {
			found++;
			assert_string_equal(si.category, "agentic");
			assert_true(si.weight > 0);
			assert_false(si.reference);
		}
		if (si.reference) {
			refs++;
			assert_string_equal(si.name, "example_scenario");
		}
	}
	assert_int_equal(found, 1);
	assert_int_equal(refs, 1);
	assert_int_equal(otelsim_scenario_info(os, n, &si), OTELSIM_EUSAGE);
	otelsim_free(os);
}

/* The callback path yields exactly the committed golden file. */
static void test_render_callback_equals_fixture(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct collected c;
	size_t flen;
	char *fixture = slurp("fixtures/agentic/successful_agent_turn/traces.binpb", &flen);

	(void)state;
	assert_non_null(fixture);
	memset(&c, 0, sizeof(c));
	ro.scenario = "successful_agent_turn";
	ro.threads = 2;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, &res, &err), 0);
	assert_int_equal(res.traces, 50);
	assert_int_equal(res.spans, 350);
	assert_int_equal(res.records, c.records);
	assert_int_equal(res.seed, 1);
	assert_int_equal(c.bytes.len, flen);
	assert_memory_equal(c.bytes.buf, fixture, flen);
	free(fixture);
	strbuf_release(&c.bytes);
	otelsim_free(os);
}

static void progress(void *ctx, uint64_t done, uint64_t total, uint64_t spans)
{
	uint64_t *last = ctx;

	assert_true(done <= total);
	assert_true(spans >= done);
	last[0] = done;
	last[1] = total;
}

static void test_render_files_and_manifest(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct collected c;
	char dir[] = "/tmp/otelsim-api.XXXXXX", path[512];
	uint64_t last[2] = { 0, 0 };
	size_t len, mlen;
	char *data, *manifest;

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&c, 0, sizeof(c));
	ro.format = OTELSIM_FORMAT_OTLP_JSON;
	ro.count_set = true;
	ro.count = 130;  /* three records of 64, 64 and 2 traces */
	ro.out_dir = dir;
	ro.progress = progress;
	ro.progress_ctx = last;
	assert_int_equal(otelsim_render_files(os, &ro, &res, &err), 0);
	assert_int_equal(last[0], 130);
	assert_int_equal(last[1], 130);
	snprintf(path, sizeof(path), "%s/mixed", dir);
	assert_string_equal(res.dataset_dir, path);
	snprintf(path, sizeof(path), "%s/mixed/traces.jsonl", dir);
	data = slurp(path, &len);
	assert_non_null(data);
	assert_int_equal(res.records, 3);
	assert_true(len > 0 && data[len - 1] == '\n');
	/* the callback gives the same bytes, record by record (one JSON line each) */
	ro.out_dir = NULL;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), 0);
	assert_int_equal(c.records, 3);
	assert_int_equal(c.bytes.len, len);
	assert_memory_equal(c.bytes.buf, data, len);
	snprintf(path, sizeof(path), "%s/mixed/manifest.json", dir);
	manifest = slurp(path, &mlen);
	assert_non_null(manifest);
	assert_non_null(strstr(manifest, "\"traces\": 130,"));
	assert_non_null(strstr(manifest, "\"format\": \"otlp-json\""));
	assert_non_null(strstr(manifest, "\"name\": \"traces.jsonl\""));
	free(manifest);
	free(data);
	strbuf_release(&c.bytes);
	remove_tree(dir);
	otelsim_free(os);
}

static volatile sig_atomic_t cancel_flag;

static void cancel_on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t spans)
{
	(void)ctx;
	(void)total;
	(void)spans;
	if (done >= 64)
		cancel_flag = 1;
}

/* An interrupted render leaves the previous dataset exactly as it was. */
static void test_interrupted_render_keeps_previous_dataset(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_error err;
	char dir[] = "/tmp/otelsim-api.XXXXXX", path[512];
	size_t before_len, after_len, entries = 0;
	char *before, *after;
	DIR *d;
	struct dirent *e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ro.scenario = "checkout_flow";
	ro.out_dir = dir;
	assert_int_equal(otelsim_render_files(os, &ro, NULL, &err), 0);
	snprintf(path, sizeof(path), "%s/commerce/checkout_flow/traces.binpb", dir);
	before = slurp(path, &before_len);
	assert_non_null(before);
	/* again, with another seed and many traces, cancelled after one block */
	ro.seed_set = true;
	ro.seed = 99;
	ro.count_set = true;
	ro.count = 100000;
	ro.threads = 2;
	ro.progress = cancel_on_progress;
	ro.cancel = &cancel_flag;
	assert_int_equal(otelsim_render_files(os, &ro, NULL, &err), OTELSIM_EIO);
	assert_string_equal(err.message, "interrupted");
	after = slurp(path, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	/* no temporary folder is left behind */
	snprintf(path, sizeof(path), "%s/commerce", dir);
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);
	free(before);
	free(after);
	remove_tree(dir);
	otelsim_free(os);
}

/* A file that cannot be created: the message quotes its path (written before it is freed). */
static void test_dataset_file_cannot_create(void **state)
{
	char dir[] = "/tmp/otelsim-api.XXXXXX", final[512];
	const char *tail = "/no/such/folder/traces.binpb': No such file or directory";
	struct otelsim_error err;
	struct dataset *d = NULL;
	struct dfile *f = NULL;
	size_t n, tn = strlen(tail);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(final, sizeof(final), "%s/out", dir);
	assert_int_equal(dataset_open(final, &d, &err), 0);
	assert_int_equal(dataset_file(d, "no/such/folder/traces.binpb", &f, &err), OTELSIM_EIO);
	assert_null(f);
	n = strlen(err.message);
	assert_true(n > tn);
	assert_memory_equal(err.message, "cannot create '", 15);
	assert_string_equal(err.message + n - tn, tail);
	/* the temporary folder's name follows the quote */
	assert_memory_equal(err.message + 15, dir, strlen(dir));
	dataset_free(d);
	assert_int_equal(rmdir(dir), 0);  /* nothing left behind */
}

static void test_errors(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;
	struct otelsim *bad = NULL;
	struct collected c;
	char buf[2048];

	(void)state;
	ro.scenario = "chekout_flow";
	assert_int_equal(otelsim_render(os, &ro, collect, NULL, NULL, &err), OTELSIM_EUSAGE);
	assert_string_equal(err.message, "unknown scenario 'chekout_flow' (did you mean 'checkout_flow'?)");
	assert_int_equal(otelsim_exit_status(err.code), 2);
	/* a callback that says stop */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ro.scenario = "checkout_flow";
	ro.count_set = true;
	ro.count = 200;  /* four records: the callback stops after the first */
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EIO);
	assert_string_equal(err.message, "stopped by callback");
	assert_int_equal(c.records, 1);
	assert_int_equal(otelsim_exit_status(err.code), 1);
	strbuf_release(&c.bytes);
	/* a bad scenario: code, file, line, column and the formatted message */
	lo.root = ".";
	{
		const char *files[] = { "tests/data/load/bad/unknown_key_span.yaml" };

		lo.files = files;
		lo.nfiles = 1;
		assert_int_equal(otelsim_load(&lo, &bad, &err), OTELSIM_EINPUT);
	}
	assert_null(bad);
	assert_string_equal(err.file, "tests/data/load/bad/unknown_key_span.yaml");
	assert_true(err.line > 1 && err.column > 0);
	otelsim_error_format(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, "tests/data/load/bad/unknown_key_span.yaml:"));
	assert_non_null(strstr(buf, "did you mean"));
	otelsim_free(os);
}

/* Runs whose timestamps would not fit: refused before anything renders. */
static void test_time_range(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct collected c;

	(void)state;
	memset(&c, 0, sizeof(c));
	ro.scenario = "checkout_flow";
	ro.start_set = true;
	ro.start_ns = -315619200LL * 1000000000LL; /* 1960-01-01 */
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EUSAGE);
	assert_string_equal(err.message,
			    "--start 1960-01-01T00:00:00Z is before 1970-01-01T00:00:00Z (OTLP "
			    "times are nanoseconds since then)");
	assert_int_equal(c.records, 0);

	ro.start_ns = 1767225600LL * 1000000000LL; /* 2026-01-01 */
	ro.count_set = true;
	ro.count = 20;
	ro.interval_set = true;
	ro.interval_ns = 1000000000LL * 1000000000LL;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EUSAGE);
	assert_string_equal(err.message,
			    "--count 20 with --interval 1000000000s and jitter up to 50ms from --start "
			    "2026-01-01T00:00:00Z runs past the year 2262 (the last time int64 "
			    "nanoseconds since 1970 can hold)");
	/* (count - 1) * interval overflows int64 by itself */
	ro.count = 1000000000000ULL;
	ro.interval_ns = INT64_MAX / 1000;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EUSAGE);
	assert_non_null(strstr(err.message, "runs past the year 2262"));
	ro.interval_set = false;
	ro.count = 4;
	ro.start_ns = INT64_MAX - 600LL * 1000000; /* the fourth trace may be past the end */
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EUSAGE);
	assert_string_equal(err.message,
			    "--count 4 with interval 250ms and jitter up to 50ms from --start "
			    "2262-04-11T23:47:16.254775807Z runs past the year 2262 (the last time "
			    "int64 nanoseconds since 1970 can hold)");
	ro.start_set = false;
	ro.interval_set = true;
	ro.interval_ns = -1;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EUSAGE);
	assert_string_equal(err.message, "--interval must not be negative");
	assert_int_equal(c.records, 0);

	/* the last start itself may be the last representable time */
	ro.start_set = true;
	ro.start_ns = INT64_MAX - (2 * 250 + 50) * 1000000LL;
	ro.interval_set = false;
	ro.count = 3;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, &res, &err), 0);
	assert_int_equal(res.traces, 3);
	assert_true(res.start_ns >= ro.start_ns);
	assert_true(res.end_ns == INT64_MAX);
	strbuf_release(&c.bytes);
	otelsim_free(os);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_list),
		cmocka_unit_test(test_render_callback_equals_fixture),
		cmocka_unit_test(test_render_files_and_manifest),
		cmocka_unit_test(test_interrupted_render_keeps_previous_dataset),
		cmocka_unit_test(test_dataset_file_cannot_create),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_time_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
