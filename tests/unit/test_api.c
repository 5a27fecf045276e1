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
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "api/api_internal.h"
#include "otelsim/otelsim.h"
#include "sink/dataset.h"
#include "sink/gzip.h"
#include "util/strbuf.h"

struct collected {
	struct strbuf bytes;
	size_t records;
	int stop_after;
};

static int collect(void *ctx, int signal, const void *bytes, size_t len)
{
	struct collected *c = ctx;

	if (signal != OTELSIM_TRACES)
		return 0; /* the bundled scenarios' derived metrics, logs and timeline events: not
			     what this collects */
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
	assert_int_equal(res.signal_records[OTELSIM_TRACES], c.records);
	assert_int_equal(res.seed, 1);
	assert_int_equal(c.bytes.len, flen);
	assert_memory_equal(c.bytes.buf, fixture, flen);
	free(fixture);
	strbuf_release(&c.bytes);
	otelsim_free(os);
}

struct varint_records {
	struct strbuf bytes;
	size_t records;
	size_t prefix_sizes[4]; /* records by prefix length 1..3 */
};

/* Each record is one varint-framed TracesData: its own prefix says its length. */
static int collect_varint(void *ctx, int signal, const void *bytes, size_t len)
{
	struct varint_records *c = ctx;
	const uint8_t *p = bytes;
	uint64_t v = 0;
	size_t h = 0;

	if (signal != OTELSIM_TRACES)
		return 0; /* checkout_flow's metrics and logs: not what this reads */
	do {
		assert_true(h < len && h < 3);
		v |= (uint64_t)(p[h] & 0x7f) << (7 * h);
	} while (p[h++] & 0x80);
	assert_int_equal(v, len - h);
	c->prefix_sizes[h]++;
	c->records++;
	return strbuf_add(&c->bytes, bytes, len);
}

/* The callback path cuts varint-framed blocks at their prefixes: the same bytes as the file. */
static void test_render_callback_varint_framing(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct varint_records c;
	char dir[] = "/tmp/otelsim-api.XXXXXX", path[512];
	size_t seen[4] = { 0 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	ro.scenario = "checkout_flow";
	ro.framing = OTELSIM_FRAMING_VARINT;
	ro.out_dir = dir;
	for (unsigned tpr = 0; tpr <= 1; tpr++) {
		size_t flen;
		char *data;

		memset(&c, 0, sizeof(c));
		ro.traces_per_record = tpr;
		ro.out_dir = NULL;
		assert_int_equal(otelsim_render(os, &ro, collect_varint, &c, &res, &err), 0);
		assert_int_equal(res.signal_records[OTELSIM_TRACES], c.records);
		assert_int_equal(res.signal_bytes[OTELSIM_TRACES], c.bytes.len);
		ro.out_dir = dir;
		assert_int_equal(otelsim_render_files(os, &ro, NULL, &err), 0);
		snprintf(path, sizeof(path), "%s/commerce/checkout_flow/traces.binpb", dir);
		data = slurp(path, &flen);
		assert_non_null(data);
		assert_int_equal(c.bytes.len, flen);
		assert_memory_equal(c.bytes.buf, data, flen);
		for (int h = 1; h <= 3; h++)
			seen[h] += c.prefix_sizes[h];
		free(data);
		strbuf_release(&c.bytes);
	}
	/* both 2- and 3-byte prefixes were cut */
	assert_true(seen[2] > 0 && seen[3] > 0);
	remove_tree(dir);
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
	ro.count = 130; /* three records of 64, 64 and 2 iterations */
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
	assert_int_equal(res.signal_records[OTELSIM_TRACES], 3);
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
	/* 130 iterations; the mix's multi-turn sessions yield a trace per turn */
	assert_true(res.traces > 130);
	snprintf(path, sizeof(path), "\"traces\": %llu,", (unsigned long long)res.traces);
	assert_non_null(strstr(manifest, path));
	assert_non_null(strstr(manifest, "\"format\": \"otlp-json\""));
	assert_non_null(strstr(manifest, "\"name\": \"traces.jsonl\""));
	free(manifest);
	free(data);
	strbuf_release(&c.bytes);
	remove_tree(dir);
	otelsim_free(os);
}

static atomic_int cancel_flag;

static void cancel_on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t spans)
{
	(void)ctx;
	(void)total;
	(void)spans;
	if (done >= 64)
		atomic_store(&cancel_flag, 1);
}

/* Entries of a folder, "." and ".." left out (hidden ones counted). */
static size_t count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
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
	assert_int_equal(rmdir(dir), 0); /* nothing left behind */
}

/* --show-spans into a closed pipe: a failing text callback stops the
 * render, and nothing is written (the previous dataset stays). */
static int text_fails_second_time(void *ctx, const char *text, size_t len)
{
	int *calls = ctx;

	assert_true(len > 0 && text[len - 1] == '\n');
	return ++*calls >= 2 ? -1 : 0;
}

static void test_text_callback_failure_writes_nothing(void **state)
{
	struct otelsim *os = load_bundled();
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_error err;
	char dir[] = "/tmp/otelsim-api.XXXXXX", path[512];
	size_t before_len, after_len;
	char *before, *after;
	int calls = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ro.scenario = "checkout_flow";
	ro.out_dir = dir;
	assert_int_equal(otelsim_render_files(os, &ro, NULL, &err), 0);
	snprintf(path, sizeof(path), "%s/commerce/checkout_flow/traces.binpb", dir);
	before = slurp(path, &before_len);
	assert_non_null(before);
	ro.seed_set = true;
	ro.seed = 7;
	ro.count_set = true;
	ro.count = 5000;
	ro.show_spans = 1;
	ro.text = text_fails_second_time;
	ro.text_ctx = &calls;
	assert_int_equal(otelsim_render_files(os, &ro, NULL, &err), OTELSIM_EIO);
	assert_string_equal(err.message, "stopped by the text callback");
	assert_int_equal(calls, 2);
	after = slurp(path, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	snprintf(path, sizeof(path), "%s/commerce", dir);
	assert_int_equal(count_entries(path), 1); /* no temporary folder left */
	free(before);
	free(after);
	remove_tree(dir);
	otelsim_free(os);
}

/*
 * The callback stops while the workers are still rendering, with one
 * worker (the caller consumes) and with several (they consume in turn):
 * the render stops after exactly that record and returns the callback's
 * error. Under ThreadSanitizer this is the test for the shared state.
 */
static void test_stop_while_rendering(void **state)
{
	struct otelsim *os = load_bundled();
	static const unsigned threads[] = { 1, 2, 4 };

	(void)state;
	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
		struct otelsim_error err;
		struct collected c;

		memset(&c, 0, sizeof(c));
		c.stop_after = 3;
		ro.scenario = "checkout_flow";
		ro.count_set = true;
		ro.count = 20000;
		ro.threads = threads[i];
		assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EIO);
		assert_string_equal(err.message, "stopped by callback");
		assert_int_equal(c.records, 3);
		strbuf_release(&c.bytes);
	}
	otelsim_free(os);
}

/* A cancel flag set before the render starts: nothing is consumed. */
static void test_cancel_before_start(void **state)
{
	struct otelsim *os = load_bundled();
	static const unsigned threads[] = { 1, 3 };
	atomic_int flag;

	(void)state;
	atomic_init(&flag, 1);
	for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++) {
		struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
		struct otelsim_error err;
		struct collected c;

		memset(&c, 0, sizeof(c));
		ro.scenario = "checkout_flow";
		ro.count_set = true;
		ro.count = 2000;
		ro.threads = threads[i];
		ro.cancel = &flag;
		assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err), OTELSIM_EIO);
		assert_string_equal(err.message, "interrupted");
		assert_int_equal(c.records, 0);
	}
	otelsim_free(os);
}

/* A render failure on a worker reaches the caller with its own code and
 * message (not "out of memory"): here the engine's internal error for a
 * scenario without a root span. */
static void test_worker_error_code_and_message(void **state)
{
	struct otelsim *os = load_bundled();
	struct scenario *sc = NULL;
	struct span_spec *root;

	(void)state;
	for (uint32_t i = 0; i < os->m.nscenarios; i++)
		if (!strcmp(os->m.scenarios[i]->name, "checkout_flow"))
			sc = os->m.scenarios[i];
	assert_non_null(sc);
	root = sc->root;
	sc->root = NULL;
	for (unsigned threads = 1; threads <= 2; threads++) {
		struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
		struct otelsim_error err;
		struct collected c;

		memset(&c, 0, sizeof(c));
		ro.scenario = "checkout_flow";
		ro.threads = threads;
		assert_int_equal(otelsim_render(os, &ro, collect, &c, NULL, &err),
				 OTELSIM_EINTERNAL);
		if (threads == 1)
			assert_string_equal(err.message, "cannot render block 0 (internal error)");
		else
			assert_memory_equal(err.message, "cannot render block ", 20);
		assert_int_equal(c.records, 0);
	}
	sc->root = root;
	otelsim_free(os);
}

/* Inflate a file of gzip members, one after another, into out. */
static void gunzip_members(const unsigned char *p, size_t n, struct strbuf *out)
{
	z_stream zs;
	unsigned char buf[4096];
	int rc;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)n;
	for (int guard = 0; zs.avail_in && guard < 100000; guard++) {
		zs.next_out = buf;
		zs.avail_out = sizeof(buf);
		rc = inflate(&zs, Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
		assert_int_equal(strbuf_add(out, buf, sizeof(buf) - zs.avail_out), 0);
		if (rc == Z_STREAM_END)
			assert_int_equal(inflateReset(&zs), Z_OK);
	}
	inflateEnd(&zs);
}

/* One gzipper, reset between members, gives the bytes of a fresh one each time. */
static void test_gzipper_reuse_equals_fresh(void **state)
{
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 };
	struct strbuf in[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	struct strbuf reused = STRBUF_INIT, fresh = STRBUF_INIT, back = STRBUF_INIT,
		      all = STRBUF_INIT;
	struct gzipper g;

	(void)state;
	for (int i = 0; i < 5000; i++)
		assert_int_equal(strbuf_addf(&in[0], "span %d of trace %d\n", i, i / 7), 0);
	assert_int_equal(strbuf_addstr(&in[1], "x"), 0);
	for (int i = 0; i < 70000; i++) /* poorly compressible, over one deflate window */
		assert_int_equal(strbuf_addf(&in[2], "%c", (char)(33 + (i * 7919 + i / 13) % 90)),
				 0);
	gzipper_init(&g, 6);
	for (int i = 0; i < 3; i++) {
		size_t at = reused.len;

		assert_int_equal(gzipper_member(&g, in[i].buf, in[i].len, &reused), Z_OK);
		assert_memory_equal(reused.buf + at, header, sizeof(header));
		assert_int_equal(strbuf_add(&all, in[i].buf, in[i].len), 0);
	}
	gzipper_release(&g);
	for (int i = 0; i < 3; i++) {
		struct gzipper f;

		gzipper_init(&f, 6);
		assert_int_equal(gzipper_member(&f, in[i].buf, in[i].len, &fresh), Z_OK);
		gzipper_release(&f);
	}
	assert_int_equal(reused.len, fresh.len);
	assert_memory_equal(reused.buf, fresh.buf, fresh.len);
	gunzip_members((const unsigned char *)reused.buf, reused.len, &back);
	assert_int_equal(back.len, all.len);
	assert_memory_equal(back.buf, all.buf, all.len);
	for (int i = 0; i < 3; i++)
		strbuf_release(&in[i]);
	strbuf_release(&reused);
	strbuf_release(&fresh);
	strbuf_release(&back);
	strbuf_release(&all);
}

/* Temporary folders of dead processes (SIGKILL) go; everything else stays. */
static void test_dataset_open_removes_stale_temporaries(void **state)
{
	char dir[] = "/tmp/otelsim-api.XXXXXX", final[512], p[600];
	/* 99999999 is above any pid_max (at most 2^22): never a live process */
	static const char *const dead[] = { ".out.tmp.99999999.0", ".out.tmp.99999999.12" };
	char live[64];
	static const char *const kept[] = { ".other.tmp.99999999.0", ".out.tmp.abc.0",
					    ".out.tmp.99999999.x", "out.tmp.99999999.0" };
	struct otelsim_error err;
	struct dataset *d = NULL;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(final, sizeof(final), "%s/out", dir);
	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s/sub", dir, dead[i]);
		assert_int_equal(mkdir_p(p), 0);
		snprintf(p, sizeof(p), "%s/%s/sub/traces.binpb", dir, dead[i]);
		f = fopen(p, "w");
		assert_non_null(f);
		fputs("partial", f);
		fclose(f);
	}
	snprintf(live, sizeof(live), ".out.tmp.%ld.777", (long)getpid());
	snprintf(p, sizeof(p), "%s/%s", dir, live);
	assert_int_equal(mkdir(p, 0777), 0);
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, kept[i]);
		assert_int_equal(mkdir(p, 0777), 0);
	}
	assert_int_equal(count_entries(dir), 7);
	assert_int_equal(dataset_open(final, &d, &err), 0);
	/* the two dead ones are gone, the new temporary folder has come */
	assert_int_equal(count_entries(dir), 6);
	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dead[i]);
		assert_int_equal(access(p, F_OK), -1);
	}
	snprintf(p, sizeof(p), "%s/%s", dir, live);
	assert_int_equal(access(p, F_OK), 0);
	dataset_free(d);
	assert_int_equal(count_entries(dir), 5);
	remove_tree(dir);
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
	assert_string_equal(err.message,
			    "unknown scenario 'chekout_flow' (did you mean 'checkout_flow'?)");
	assert_int_equal(otelsim_exit_status(err.code), 2);
	/* no callback: files are otelsim_render_files' job */
	ro.scenario = "checkout_flow";
	assert_int_equal(otelsim_render(os, &ro, NULL, NULL, NULL, &err), OTELSIM_EUSAGE);
	assert_string_equal(
		err.message,
		"otelsim_render needs a record callback (otelsim_render_files writes files)");
	/* a callback that says stop */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ro.scenario = "checkout_flow";
	ro.count_set = true;
	ro.count = 200; /* four records: the callback stops after the first */
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
	assert_string_equal(
		err.message,
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

	/* the last start may be the last representable time, but a trace that
	 * then lasts past it is refused when it renders, not clamped */
	ro.start_set = true;
	ro.start_ns = INT64_MAX - (2 * 250 + 50) * 1000000LL;
	ro.interval_set = false;
	ro.count = 3;
	assert_int_equal(otelsim_render(os, &ro, collect, &c, &res, &err), OTELSIM_ELIMIT);
	assert_non_null(strstr(err.message, "runs past the year 2262"));
	ro.start_ns -= 10LL * 1000000000; /* ten seconds earlier they fit */
	assert_int_equal(otelsim_render(os, &ro, collect, &c, &res, &err), 0);
	assert_int_equal(res.traces, 3);
	assert_true(res.start_ns >= ro.start_ns);
	assert_true(res.end_ns < INT64_MAX);
	strbuf_release(&c.bytes);
	otelsim_free(os);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_list),
		cmocka_unit_test(test_render_callback_equals_fixture),
		cmocka_unit_test(test_render_callback_varint_framing),
		cmocka_unit_test(test_render_files_and_manifest),
		cmocka_unit_test(test_interrupted_render_keeps_previous_dataset),
		cmocka_unit_test(test_dataset_file_cannot_create),
		cmocka_unit_test(test_text_callback_failure_writes_nothing),
		cmocka_unit_test(test_stop_while_rendering),
		cmocka_unit_test(test_cancel_before_start),
		cmocka_unit_test(test_worker_error_code_and_message),
		cmocka_unit_test(test_gzipper_reuse_equals_fresh),
		cmocka_unit_test(test_dataset_open_removes_stale_temporaries),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_time_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
