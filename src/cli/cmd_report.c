/*
 * otelsim report DATASET|FILE... [--html FILE]: one self-contained HTML
 * page that shows a dataset (src/report). The page replaces only an
 * earlier report (or any file with --force), and appears whole or not at
 * all: it is written under a temporary name beside the target and renamed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "util/strbuf.h"

/* 0: the target may be written; else the exit status after saying why. */
static int check_target(const struct cli *c, const char *path)
{
	char head[sizeof(REPORT_MARKER)];
	struct stat st;
	size_t n;
	FILE *f;

	if (stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		cli_usage_error(c, "--html: '%s' is a folder; give a file name", path);
		return EXIT_USAGE;
	}
	if (c->force)
		return 0;
	f = fopen(path, "rb");
	n = f ? fread(head, 1, sizeof(head) - 1, f) : 0;
	if (f)
		fclose(f);
	if (n == sizeof(head) - 1 && !memcmp(head, REPORT_MARKER, n))
		return 0;
	fprintf(stderr,
		"%s: '%s' exists and is not an otelsim report; not replacing it (--force "
		"replaces it)\n",
		c->prog, path);
	return EXIT_USAGE;
}

/* Write the page under a temporary name beside path, then rename it into place. */
static int write_file(const struct cli *c, const char *path, const struct strbuf *page)
{
	const char *slash = strrchr(path, '/');
	struct strbuf tmp = STRBUF_INIT;
	mode_t mask;
	int fd, rc = EXIT_RUNTIME;
	size_t off = 0;

	if (slash)
		strbuf_addf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		strbuf_addf(&tmp, ".%s.XXXXXX", path);
	if (!tmp.buf) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		return EXIT_RUNTIME;
	}
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", c->prog, path, strerror(errno));
		strbuf_release(&tmp);
		return EXIT_RUNTIME;
	}
	mask = umask(0);
	umask(mask);
	while (off < page->len) {
		ssize_t w = write(fd, page->buf + off, page->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off == page->len && fchmod(fd, 0666 & ~mask) == 0 && close(fd) == 0) {
		fd = -1;
		if (rename(tmp.buf, path) == 0)
			rc = EXIT_OK;
	}
	if (rc != EXIT_OK) {
		fprintf(stderr, "%s: cannot write '%s': %s\n", c->prog, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp.buf);
	}
	strbuf_release(&tmp);
	return rc;
}

static void print_summary(const struct cli *c, const char *path, const struct report *r,
			  size_t bytes)
{
	struct report_stats st;
	char size[32], spans[32], traces[32];

	report_stats(r, &st);
	human_bytes(size, sizeof(size), bytes);
	human_count(spans, sizeof(spans), st.spans);
	human_count(traces, sizeof(traces), st.traces);
	printf("%s: %s; %s traces (%llu in the table%s), %s spans, %llu services, %llu metric "
	       "streams, %llu log records, %llu events, %llu injections\n",
	       path, size, traces, (unsigned long long)st.sampled_traces,
	       st.sampled_traces < st.traces ? ", a sample" : "", spans,
	       (unsigned long long)st.services, (unsigned long long)st.metric_streams,
	       (unsigned long long)st.log_records, (unsigned long long)st.events,
	       (unsigned long long)st.injections);
	(void)c;
}

int cmd_report(struct cli *c)
{
	struct report_options o = { c->sample_traces, c->sample_logs, c->title };
	const char *path = c->html ? c->html : "report.html";
	struct strbuf page = STRBUF_INIT;
	struct otelsim_error err;
	struct report *r = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	if (!c->nargs) {
		cli_usage_error(c, "report needs a dataset folder or a file");
		return EXIT_USAGE;
	}
	rc = check_target(c, path);
	if (rc)
		return rc;
	if (report_new(&o, &r, &err))
		return cli_fail(c, &err);
	for (size_t i = 0; i < c->nargs; i++) {
		if (report_add(r, c->args[i], &err)) {
			rc = cli_fail(c, &err);
			goto done;
		}
	}
	for (size_t i = 0; i < report_skipped_count(r); i++) /* one line each, never unsaid */
		fprintf(stderr, "%s: warning: skipped %s\n", c->prog, report_skipped(r, i));
	if (report_write_html(r, &page, &err)) {
		rc = cli_fail(c, &err);
		goto done;
	}
	rc = write_file(c, path, &page);
	if (rc == EXIT_OK && !c->quiet)
		print_summary(c, path, r, page.len);
done:
	strbuf_release(&page);
	report_free(r);
	return rc;
}
