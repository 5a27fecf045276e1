/*
 * Fault injection: every allocation of a small render, and of a small
 * replay, made to fail in turn. The test binary is linked with
 * -Wl,--wrap=malloc,calloc,realloc,free,strdup,strndup (Makefile), so
 * every allocation otelsim's own code makes (not the shared libraries'
 * inside them: libyaml, zlib, zstd, protobuf-c's unpack, curl) goes
 * through the counting hook below. A successful run counts its
 * allocations, N; then for every n in 1..N a fresh run fails the n-th.
 * Each must end cleanly: an error code with a message (or success, where
 * the allocation was optional), no crash, no allocation left unfreed (the
 * hook tracks every live block; under ASan, LeakSanitizer checks once
 * more at the end), no file left in the output folder. The test asserts it
 * reached the n-th allocation in every one of the N runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <ftw.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "otelsim/otelsim.h"
#include "replay/replay.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#else
#define HAVE_LSAN 0
#endif

/* ---- the hook ---------------------------------------------------------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

#define LIVE_SLOTS (1u << 20) /* open addressing; far more than a small run keeps */
#define TOMB ((void *)1)

static atomic_bool armed;          /* counting (and tracking) */
static atomic_ulong count;         /* allocations since armed */
static atomic_ulong fail_at;       /* the allocation that fails (0: none) */
static atomic_bool hit;            /* it was reached */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static void **live;                /* blocks allocated while armed, not yet freed */
static size_t nlive;

static size_t slot_of(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 44) & (LIVE_SLOTS - 1);
}

static void track(void *p)
{
	if (!p || !atomic_load(&armed))
		return;
	pthread_mutex_lock(&live_lock);
	for (size_t i = slot_of(p), k = 0; k < LIVE_SLOTS; k++, i = (i + 1) & (LIVE_SLOTS - 1))
		if (!live[i] || live[i] == TOMB) {
			live[i] = p;
			nlive++;
			break;
		}
	pthread_mutex_unlock(&live_lock);
}

static void untrack(void *p)
{
	if (!p || !live)
		return;
	pthread_mutex_lock(&live_lock);
	for (size_t i = slot_of(p), k = 0; k < LIVE_SLOTS && live[i]; k++,
		    i = (i + 1) & (LIVE_SLOTS - 1))
		if (live[i] == p) {
			live[i] = TOMB;
			nlive--;
			break;
		}
	pthread_mutex_unlock(&live_lock);
}

static bool fail_now(void)
{
	unsigned long n;

	if (!atomic_load(&armed))
		return false;
	n = atomic_fetch_add(&count, 1) + 1;
	if (n != atomic_load(&fail_at))
		return false;
	atomic_store(&hit, true);
	return true;
}

void *__wrap_malloc(size_t n)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_malloc(n);
	track(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (fail_now())
		return NULL;
	p = __real_calloc(n, size);
	track(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (fail_now())
		return NULL;
	q = __real_realloc(p, n);
	if (q || !n) {
		untrack(p);
		track(q);
	}
	return q;
}

void __wrap_free(void *p)
{
	untrack(p);
	__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = __wrap_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = __wrap_malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static void arm(unsigned long at)
{
	pthread_mutex_lock(&live_lock);
	memset(live, 0, LIVE_SLOTS * sizeof(*live));
	nlive = 0;
	pthread_mutex_unlock(&live_lock);
	atomic_store(&count, 0);
	atomic_store(&fail_at, at);
	atomic_store(&hit, false);
	atomic_store(&armed, true);
}

/* Stops counting; the allocations made since arm. */
static unsigned long disarm(void)
{
	atomic_store(&armed, false);
	return atomic_load(&count);
}

/* ---- what runs ------------------------------------------------------------------ */

/* Regular files below dir (a failed render leaves none). */
static size_t files_below(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		n += S_ISDIR(st.st_mode) ? files_below(path) : 1;
	}
	closedir(d);
	return n;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	struct stat st;

	if (!lstat(dir, &st))
		assert_int_equal(nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

struct fx {
	struct otelsim *os;
	char tmp[64];
	char dataset[1024]; /* a dataset the replay reads */
	char closed[64];    /* http://127.0.0.1:<a port nothing listens on> */
};

/* A port of 127.0.0.1 the kernel just gave and took back: nothing listens there. */
static int closed_port(void)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &n))
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int setup(void **state)
{
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;
	struct fx *f = calloc(1, sizeof(*f));

	live = calloc(LIVE_SLOTS, sizeof(*live));
	if (!f || !live)
		return -1;
	lo.root = ".";
	if (otelsim_load(&lo, &f->os, &err)) {
		fprintf(stderr, "load: %s\n", err.message);
		return -1;
	}
	if (closed_port() <= 0)
		return -1;
	snprintf(f->closed, sizeof(f->closed), "http://127.0.0.1:%d", closed_port());
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/otelsim-faults.XXXXXX");
	if (!mkdtemp(f->tmp))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	otelsim_free(f->os);
	remove_tree(f->tmp);
	free(f);
	free(live);
	live = NULL;
	return 0;
}

/* checkout_flow: HTTP, DB, RPC and messaging spans, failures, exception logs, metrics */
static int render(struct fx *f, const char *out, int format, struct otelsim_error *err)
{
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;

	ro.scenario = "checkout_flow";
	ro.count_set = true;
	ro.count = 3;
	ro.format = format;
	ro.threads = 1;
	ro.out_dir = out;
	ro.tool_version = "test";
	return otelsim_render_files(f->os, &ro, &res, err);
}

static void ignore_message(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

/* Read by the successful runs: what a replay read and how it ended. */
static struct replay_totals last_totals;

/*
 * A dry run (read, transform, split, encode; nothing sent), or a send to
 * a closed port of 127.0.0.1 without retries (the sender's path: requests
 * built, refused, counted as failed; not an error of the replay).
 */
static int replay(struct fx *f, bool send, struct otelsim_error *err)
{
	struct replay_config c;
	struct replay_totals tot;
	char *inputs[] = { f->dataset };
	int rc;

	replay_config_init(&c);
	c.inputs = inputs;
	c.ninputs = 1;
	c.dry_run = !send;
	c.net.endpoint = f->closed;
	c.retry_max_elapsed_ms = 0;
	c.concurrency = 1;
	c.new_ids = true;
	c.seed_set = true;
	c.seed = 7;
	c.max_request_bytes = 2000; /* several requests per record */
	c.message = ignore_message;
	memset(&tot, 0, sizeof(tot));
	rc = replay_run(&c, &tot, err);
	last_totals = tot;
	return rc;
}

/*
 * Runs op once to count its allocations, then once per allocation with
 * that one failing; returns how many were tried (asserting each was reached).
 */
static unsigned long every_allocation(const char *what, int (*op)(struct fx *, void *, struct otelsim_error *),
				      struct fx *f, void *arg, void (*after)(struct fx *, void *, int))
{
	struct otelsim_error err;
	unsigned long total, tried = 0, failed = 0;
	int rc;

	arm(0);
	rc = op(f, arg, &err);
	total = disarm();
	if (rc)
		fail_msg("%s: the run without faults fails: %s", what, err.message);
	assert_int_equal(nlive, 0);
	after(f, arg, rc);
	assert_true(total > 10);
	for (unsigned long n = 1; n <= total; n++) {
		memset(&err, 0, sizeof(err));
		arm(n);
		rc = op(f, arg, &err);
		disarm();
		if (!atomic_load(&hit))
			fail_msg("%s: allocation %lu of %lu was not reached", what, n, total);
		tried++;
		if (rc) {
			failed++;
			if (rc >= 0 || !err.message[0])
				fail_msg("%s: allocation %lu failed: status %d without a message", what, n,
					 rc);
		}
		if (nlive)
			fail_msg("%s: allocation %lu failed (status %d: %s): %zu blocks left unfreed",
				 what, n, rc, rc ? err.message : "success", nlive);
		after(f, arg, rc);
	}
	/* most allocations are not optional: their failure is the run's */
	assert_true(failed >= total / 2);
	print_message("%s: %lu allocations, each failed in turn (%lu runs failed cleanly)\n", what,
		      total, failed);
	return tried;
}

static int op_render(struct fx *f, void *arg, struct otelsim_error *err)
{
	char out[512];

	snprintf(out, sizeof(out), "%s/render", f->tmp);
	return render(f, out, *(int *)arg, err);
}

static void after_render(struct fx *f, void *arg, int rc)
{
	char out[512];

	(void)arg;
	snprintf(out, sizeof(out), "%s/render", f->tmp);
	if (rc && files_below(out))
		fail_msg("a failed render left %zu files in %s", files_below(out), out);
	if (!rc)
		assert_true(files_below(out) >= 3); /* traces, a signal more, manifest */
	remove_tree(out);
}

static void test_render_every_allocation_fails(void **state)
{
	struct fx *f = *state;
	int formats[] = { OTELSIM_FORMAT_OTLP, OTELSIM_FORMAT_OTLP_JSON };

	for (size_t i = 0; i < 2; i++) {
		unsigned long tried = every_allocation(i ? "render otlp-json" : "render otlp",
						       op_render, f, &formats[i], after_render);

		assert_true(tried > 10);
	}
}

static int op_replay(struct fx *f, void *arg, struct otelsim_error *err)
{
	return replay(f, *(bool *)arg, err);
}

static void after_nothing(struct fx *f, void *arg, int rc)
{
	(void)f;
	(void)arg;
	(void)rc;
}

static void test_replay_every_allocation_fails(void **state)
{
	struct fx *f = *state;
	struct otelsim_error err;
	char out[512];

	snprintf(out, sizeof(out), "%s/data", f->tmp);
	assert_int_equal(render(f, out, OTELSIM_FORMAT_OTLP, &err), 0);
	snprintf(f->dataset, sizeof(f->dataset), "%s/commerce/checkout_flow", out);
	for (int send = 0; send < 2; send++) {
		bool b = send;

		assert_true(every_allocation(send ? "replay to a closed port" : "replay --dry-run",
					     op_replay, f, &b, after_nothing) > 10);
		/* without faults: a dry run reads all 64 items (checkout_flow's spans,
		 * points, logs and timeline events: 16 requests of 2,000
		 * bytes); a send fails its first request and stops (no retries) */
		memset(&last_totals, 0, sizeof(last_totals));
		assert_int_equal(replay(f, b, &err), 0);
		assert_int_equal(last_totals.items_accepted, 0);
		if (send) {
			assert_true(last_totals.items_failed > 0);
			assert_true(last_totals.stopped);
		} else {
			assert_int_equal(last_totals.items_read, 64);
			assert_int_equal(last_totals.requests, 16);
		}
	}
}

static void test_no_leak(void **state)
{
	(void)state;
#if HAVE_LSAN
	assert_int_equal(__lsan_do_recoverable_leak_check(), 0);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_every_allocation_fails),
		cmocka_unit_test(test_replay_every_allocation_fails),
		cmocka_unit_test(test_no_leak),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
