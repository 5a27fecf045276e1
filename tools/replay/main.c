/*
 * otlp-replay - post OTLP files to an OTLP endpoint.
 *
 * The front end of the replay engine (src/replay/replay.h): it parses the
 * options (options.c), turns Ctrl-C, SIGTERM and SIGHUP into the engine's
 * cancel flag, prints the engine's messages, progress and summary on
 * stderr, writes --summary-json, and exits 0 when every item was accepted,
 * 1 otherwise, 2 for bad usage or input.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"
#include "util/strbuf.h"

static otelsim_cancel_flag interrupted;

/* The first signal asks the replay to stop; a second one ends the process at once. */
static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&interrupted, 1);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL); /* a closed terminal or a dropped ssh session */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a --summary-json or state file past `ulimit -f`: EFBIG */
}

static void say_error(const struct otelsim_error *err)
{
	char buf[2048];

	/* at a place in a file: "file:line:col: message", as compilers write it */
	if (err->file[0] && err->line > 0)
		fprintf(stderr, "%s\n", otelsim_error_format(err, buf, sizeof(buf)));
	else
		fprintf(stderr, "otlp-replay: %s\n", otelsim_error_format(err, buf, sizeof(buf)));
}

struct front {
	bool bar;   /* the progress bar is shown */
	bool drawn; /* ... and on the screen now */
};

static void on_message(void *ctx, const char *line)
{
	struct front *f = ctx;

	fprintf(stderr, "%sotlp-replay: %s\n", f->drawn ? "\r\033[K" : "", line);
	f->drawn = false;
}

static void draw(struct front *f, const struct replay_totals *t, bool final)
{
	struct strbuf sb = STRBUF_INIT;

	if (!final && replay_progress_line(t, false, &sb) == 0)
		fprintf(stderr, "\r%s\033[K", sb.buf);
	else if (final && f->drawn)
		fputs("\r\033[K", stderr);
	fflush(stderr);
	f->drawn = !final;
	strbuf_release(&sb);
}

static void on_progress(void *ctx, const struct replay_totals *t)
{
	draw(ctx, t, false);
}

/* The summary, unless quiet (or an error came before anything was read or sent). */
static void summary(const struct replay_options *o, const struct replay_totals *t, int rc)
{
	struct strbuf sb = STRBUF_INIT;

	if (t->complete && !o->quiet)
		fprintf(stderr,
			"otlp-replay: '%s' says this replay is complete: nothing left to send\n",
			o->r.resume);
	if (o->quiet || (rc && !t->items_read && !t->requests))
		return;
	if (replay_summary(t, &sb) == 0)
		fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

int main(int argc, char **argv)
{
	struct replay_options o;
	struct replay_totals t;
	struct otelsim_error err;
	struct front f = { false, false };
	int rc, code;

	memset(&err, 0, sizeof(err));
	rc = options_parse(&o, argc, argv, &err);
	if (rc) {
		if (rc != 1)
			say_error(&err);
		options_release(&o);
		return rc == 1 ? 0 : 2;
	}
	install_signals();
	f.bar = !o.quiet && (o.progress == 1 || (o.progress == -1 && isatty(2)));
	o.r.cancel = &interrupted;
	o.r.message = on_message;
	o.r.progress = f.bar ? on_progress : NULL;
	o.r.ctx = &f;
	rc = replay_run(&o.r, &t, &err);
	if (f.bar)
		draw(&f, &t, true);
	if (rc)
		say_error(&err);
	code = rc ? otelsim_exit_status(rc) : replay_exit_status(&t);
	summary(&o, &t, rc);
	if (o.summary_json && replay_summary_json(o.summary_json, &t, code, &err)) {
		say_error(&err);
		code = code ? code : 1;
	}
	options_release(&o);
	return code;
}
