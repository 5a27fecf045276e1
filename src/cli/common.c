/* What the subcommands share: finding the data, loading, reporting. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/rng.h"
#include "util/timefmt.h"

/* a signal handler may only store to a lock-free atomic */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

atomic_int cli_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cli_interrupted, 1);
}

void cli_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND; /* the second Ctrl-C is not caught: it ends us */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* a closed terminal or a dropped ssh session */
}

/* Standard output is a pipe whose reader has closed it (`| head` done). */
static bool reader_gone(void)
{
	struct pollfd p = { STDOUT_FILENO, 0, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

int cli_finish_stdout(const struct cli *c, int werr)
{
	int e = werr;

	if (c->stdout_closed && !werr) {
		fflush(stdout); /* what was buffered cannot get out any more */
		clearerr(stdout);
		return EXIT_OK;
	}
	if (fflush(stdout) == EOF && !e)
		e = errno;
	if (!e && !ferror(stdout))
		return EXIT_OK;
	if (!e) /* an earlier write failed and errno is gone: a pipe nobody reads is EPIPE */
		e = reader_gone() ? EPIPE : EIO;
	if (e != EPIPE)
		fprintf(stderr, "%s: cannot write to standard output: %s\n", c->prog, strerror(e));
	return EXIT_RUNTIME;
}

static int has_config(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(p, sizeof(p), "%s/config/config.yaml", dir) >= sizeof(p))
		return 0;
	return stat(p, &st) == 0;
}

/*
 * The data root (config/ conventions/ scenarios/): $OTELSIM_HOME, else the
 * source tree the binary was built in (build/otelsim -> ..), else
 * <prefix>/share/otelsim beside an installed bin/otelsim (wherever the
 * prefix was moved), else the configured install folder, else the current
 * folder.
 */
static const char *data_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("OTELSIM_HOME");
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", root, sizeof(root) - 16);
	if (n > 0) {
		char *slash;

		root[n] = '\0';
		for (int up = 0; up < 3; up++) {
			slash = strrchr(root, '/');
			if (!slash)
				break;
			*slash = '\0';
			if (has_config(root))
				return root;
			if (strlen(root) + sizeof("/share/otelsim") < sizeof(root) - 16) {
				size_t len = strlen(root);

				memcpy(root + len, "/share/otelsim", sizeof("/share/otelsim"));
				if (has_config(root))
					return root;
				root[len] = '\0';
			}
		}
	}
	if (has_config(OTELSIM_DATADIR))
		return OTELSIM_DATADIR;
	return ".";
}

int cli_fail(const struct cli *c, const struct otelsim_error *err)
{
	char buf[2048];

	/*
	 * An error at a place in a file starts with "file:line:col:", as a
	 * compiler's does, so editors and CI log parsers jump to it.
	 */
	if (err->file[0] && err->line > 0)
		fprintf(stderr, "%s\n", otelsim_error_format(err, buf, sizeof(buf)));
	else
		fprintf(stderr, "%s: %s\n", c->prog, otelsim_error_format(err, buf, sizeof(buf)));
	if (err->code == OTELSIM_EUSAGE)
		fprintf(stderr, "Try '%s%s%s --help'.\n", c->prog, c->cmd ? " " : "",
			c->cmd ? c->cmd : "");
	return otelsim_exit_status(err->code);
}

int cli_load(const struct cli *c, const char *const *files, size_t nfiles, struct otelsim **out)
{
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;

	memset(&err, 0, sizeof(err));
	lo.root = c->root ? c->root : data_root();
	lo.config_path = c->config;
	lo.semconv_paths = (const char *const *)c->semconv.v;
	lo.nsemconv = c->semconv.n;
	lo.scenarios_dir = c->scenarios_dir;
	lo.files = files;
	lo.nfiles = nfiles;
	lo.vendor = c->vendor;
	lo.service_name = c->service_name;
	lo.max_spans_per_trace = c->max_spans;
	lo.tenant_ids = (const char *const *)c->tenant_ids;
	lo.tenant_weights = c->tenant_weights;
	lo.ntenants = c->ntenants;
	if (otelsim_load(&lo, out, &err))
		return cli_fail(c, &err);
	cli_print_warnings(c, *out, c->cmd_bit == CMD_VALIDATE ? SIZE_MAX : 5);
	return 0;
}

/*
 * `validate` loads the project once per file: each warning is printed once
 * per process (remembered by hash).
 */
static uint64_t printed[4096];
static size_t nprinted;

static bool already_printed(const char *w)
{
	uint64_t h = rng_hash(w, strlen(w));

	for (size_t i = 0; i < nprinted; i++)
		if (printed[i] == h)
			return true;
	if (nprinted < sizeof(printed) / sizeof(printed[0]))
		printed[nprinted++] = h;
	return false;
}

void cli_print_warnings(const struct cli *c, const struct otelsim *os, size_t most)
{
	size_t n = otelsim_warning_count(os), shown = 0, left = 0;

	if (c->quiet)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *w = otelsim_warning(os, i);

		if (already_printed(w))
			continue;
		if (shown < most) {
			fprintf(stderr, "%s: warning: %s\n", c->prog, w);
			shown++;
		} else {
			left++;
		}
	}
	if (left)
		fprintf(stderr, "%s: warning: %zu more (otelsim validate lists them all)\n",
			c->prog, left);
}

void human_count(char *buf, size_t n, uint64_t v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v), o = 0;

	for (int i = 0; i < len && (size_t)o + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

void human_bytes(char *buf, size_t n, uint64_t v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, n, "%.1f %s", d, units[u]);
}

struct progress {
	const char *label;
	int64_t t0, last;
	bool enabled, drawn;
};

struct progress *progress_new(const char *label, bool enabled)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->label = label;
	p->enabled = enabled;
	p->t0 = p->last = time_mono_ns();
	return p;
}

/* A rate for people: "0.2", "5.0", "123", "12.3k", "1.23M". */
static void human_rate(char *buf, size_t n, double v)
{
	if (v < 10)
		snprintf(buf, n, "%.1f", v);
	else if (v < 1000)
		snprintf(buf, n, "%.0f", v);
	else if (v < 1e6)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else
		snprintf(buf, n, "%.2fM", v / 1e6);
}

void progress_update(void *arg, uint64_t done, uint64_t total, uint64_t spans)
{
	struct progress *p = arg;
	int64_t now;
	double secs, traces_s = 0, spans_s = 0;
	int width = 24, fill;
	char bar[32], d[32], t[32], tr[32], sr[32];

	if (!p || !p->enabled)
		return;
	now = time_mono_ns();
	if (now - p->last < 100000000 && done < total)
		return;
	p->last = now;
	secs = (double)(now - p->t0) / 1e9;
	/*
	 * The rate kept: the first trace leaves at once, so n traces took the
	 * time of n - 1 (a paced send of one trace every 200 ms shows 5.0
	 * traces/s, not 0.00M spans/s).
	 */
	if (done > 1 && secs > 0) {
		traces_s = (double)(done - 1) / secs;
		spans_s = (double)spans / (double)done * traces_s;
	}
	fill = total ? (int)((double)done / (double)total * width) : width;
	for (int i = 0; i < width; i++)
		bar[i] = i < fill ? '=' : ' ';
	bar[width] = '\0';
	human_count(d, sizeof(d), done);
	human_count(t, sizeof(t), total);
	human_rate(tr, sizeof(tr), traces_s);
	human_rate(sr, sizeof(sr), spans_s);
	fprintf(stderr, "\r\033[K%s [%s] %3d%% %s/%s traces  %s traces/s, %s spans/s", p->label,
		bar, total ? (int)(100.0 * (double)done / (double)total) : 100, d, t, tr, sr);
	if (done && done < total && secs > 0.5)
		fprintf(stderr, "  ETA %.0fs",
			traces_s > 0 ? (double)(total - done) / traces_s
				     : secs * (double)(total - done) / (double)done);
	p->drawn = true;
}

void progress_clear(struct progress *p)
{
	if (p && p->drawn) {
		fprintf(stderr, "\r\033[K");
		p->drawn = false;
	}
}

void progress_done(struct progress *p)
{
	if (!p)
		return;
	if (p->drawn)
		fprintf(stderr, "\r\033[K");
	free(p);
}
