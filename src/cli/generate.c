/* scenario, run and render all end here: load the project, render into files, report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/rng.h"
#include "util/timefmt.h"

struct text_out {
	struct cli *c;
	int werr; /* a write error that stops the render */
};

/*
 * --show-spans. A closed standard output (`| head`) only ends the printing:
 * said once, the dataset is still written in full. Any other write error
 * (a full disk) stops the render, which then writes nothing.
 */
static int print_text(void *ctx, const char *text, size_t len)
{
	struct text_out *t = ctx;

	if (t->c->stdout_closed)
		return 0;
	errno = 0;
	if (fwrite(text, 1, len, stdout) == len && !ferror(stdout))
		return 0;
	if (errno == EPIPE) {
		t->c->stdout_closed = true;
		fprintf(stderr,
			"%s: standard output was closed: no more spans are printed; the data "
			"files are written in full\n",
			t->c->prog);
		return 0;
	}
	t->werr = errno ? errno : EIO;
	return -1;
}

static void summary(const struct cli *c, const char *label, const struct otelsim_render_result *r,
		    double secs)
{
	char traces[32], spans[32], errors[32], bytes[32], rate[32];

	if (c->quiet)
		return;
	human_count(traces, sizeof(traces), r->traces);
	human_count(spans, sizeof(spans), r->spans);
	human_count(errors, sizeof(errors), r->error_spans);
	human_bytes(bytes, sizeof(bytes), r->bytes);
	human_count(rate, sizeof(rate), secs > 0 ? (uint64_t)((double)r->spans / secs) : r->spans);
	fprintf(stderr, "%s: %s trace%s, %s span%s (%s error%s) in %.2fs, %s spans/s -> %s/ (%s)\n",
		label, traces, r->traces == 1 ? "" : "s", spans, r->spans == 1 ? "" : "s", errors,
		r->error_spans == 1 ? "" : "s", secs, rate, r->dataset_dir, bytes);
}

/*
 * --endpoint: without --seed (or a scenario's seed) a live run takes its
 * seed from the clock, so repeated load tests send fresh ids; set here,
 * before the files (--out) and the requests are rendered, so both hold the
 * same traces. An exit status.
 */
static int live_seed(struct cli *c, const struct otelsim *os, const char *scenario)
{
	struct otelsim_render_options ro = c->ro;
	struct otelsim_render_result res;
	struct otelsim_error err;
	uint64_t now;

	memset(&err, 0, sizeof(err));
	ro.scenario = scenario;
	ro.tags = (const char *const *)c->tags.v;
	ro.ntags = c->tags.n;
	if (otelsim_plan(os, &ro, &res, &err))
		return cli_fail(c, &err);
	if (res.seed_origin != OTELSIM_SEED_FROM_CONFIG)
		return EXIT_OK;
	/*
	 * Live runs repeated for load tests must not send the same trace ids
	 * every time: without --seed (or a scenario seed) the seed comes from
	 * the clock, and is printed so a run can be repeated.
	 */
	now = (uint64_t)time_now_ns() ^ ((uint64_t)getpid() << 32);
	c->ro.seed_set = true;
	c->ro.seed = rng_hash(&now, sizeof(now));
	return EXIT_OK;
}

/* Render one dataset per the options; returns an exit status. */
/* One dataset; sub: the folder it goes below instead of --out (NULL: --out). */
static int render_one(struct cli *c, struct otelsim *os, const char *scenario, const char *label,
		      const char *sub)
{
	struct otelsim_render_options ro = c->ro;
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct progress *p;
	int64_t t0 = time_mono_ns();
	struct text_out text = { c, 0 };
	int rc;

	memset(&err, 0, sizeof(err));
	ro.scenario = scenario;
	ro.out_dir = sub ? sub : c->out ? c->out : "out";
	ro.tags = (const char *const *)c->tags.v;
	ro.ntags = c->tags.n;
	ro.show_spans = c->show_spans;
	ro.text = c->show_spans ? print_text : NULL;
	ro.text_ctx = &text;
	p = progress_new(label, !c->quiet && !c->show_spans && isatty(2));
	ro.progress = progress_update;
	ro.progress_ctx = p;
	ro.cancel = &cli_interrupted;
	rc = otelsim_render_files(os, &ro, &res, &err);
	progress_done(p);
	/* spans that did not all get out (but into a closed pipe) fail the
	 * command (and, when it is the reason the render stopped, nothing was
	 * written) */
	if (cli_finish_stdout(c, text.werr))
		return EXIT_RUNTIME;
	if (rc)
		return cli_fail(c, &err);
	summary(c, label, &res, (double)(time_mono_ns() - t0) / 1e9);
	if (res.oversize_lines) /* said even with --quiet: the file will not load */
		fprintf(stderr,
			"%s: warning: %s: %llu JSON line%s longer than the Collector's 1 MiB line "
			"limit (its otlpjsonfile receiver refuses them): one item too large to split, "
			"the first %s\n",
			c->prog, res.dataset_dir, (unsigned long long)res.oversize_lines,
			res.oversize_lines == 1 ? "" : "s", res.oversize_what);
	if (!c->quiet && ro.shard_count > 1 && res.traces == 0)
		fprintf(stderr,
			"%s: note: shard %u/%u holds no traces (traces go to shards in whole "
			"blocks); its data file is empty so that the shards' files still "
			"concatenate to the whole%s\n",
			label, ro.shard_index, ro.shard_count,
			ro.gzip ? " (an empty .gz is not a gzip file by itself)" : "");
	return EXIT_OK;
}

/*
 * run FILE: its one scenario by name (several: a mix of them); --send or
 * --endpoint: a Dreamweaver config's endpoint rules (below). An exit status.
 */
static int run_file(struct cli *c, const struct otelsim *os, const char **scenario)
{
	static char url[2200];
	struct otelsim_scenario_info si;
	const char *e;

	if (otelsim_scenario_count(os) != 1)
		return EXIT_OK;
	otelsim_scenario_info(os, 0, &si);
	*scenario = si.name;
	if (!c->send && !c->endpoint)
		return EXIT_OK;
	if (!c->endpoint)
		c->endpoint = si.endpoint;
	if (!c->endpoint) {
		cli_usage_error(c, "--send needs --endpoint URL (only a Dreamweaver config names "
				   "its own)");
		return EXIT_USAGE;
	}
	if (!si.endpoint)
		return EXIT_OK;
	/*
	 * A Dreamweaver endpoint is OTLP/gRPC: grpc://h:p, http://h:p and a bare
	 * h:p in clear text, https://h:p with TLS; batch_size requests per
	 * export, at most a second's worth, so the sending stays paced.
	 */
	e = c->endpoint;
	if (!strstr(e, "://") && strlen(e) < sizeof(url) - 8) {
		snprintf(url, sizeof(url), "http://%s", e);
		c->endpoint = url;
	}
	if (!c->protocol)
		c->protocol = "grpc";
	c->batch = si.batch_size ? si.batch_size : 100;
	if (si.rate > 0 && c->batch > si.rate)
		c->batch = si.rate >= 1 ? (unsigned)si.rate : 1;
	return EXIT_OK;
}

static int generate(struct cli *c, struct otelsim *os)
{
	int rc = EXIT_OK;
	size_t rendered = 0;
	char sub_buf[4096];
	const char *sub;

	cli_install_signals();
	if (c->cmd_bit == CMD_SCENARIO || c->cmd_bit == CMD_RUN) {
		const char *scenario = c->cmd_bit == CMD_SCENARIO ? c->name : NULL;
		const char *label;

		if (c->run_file && (rc = run_file(c, os, &scenario)))
			return rc;
		label = scenario ? scenario : c->ro.dataset ? c->ro.dataset : "mixed";

		if (c->endpoint && !c->ro.start_set) {
			/* live data: files (with --out) and requests share one start */
			c->ro.start_set = true;
			c->ro.start_ns = time_now_ns();
		}
		if (c->endpoint && (rc = live_seed(c, os, scenario)))
			return rc;
		if (!c->endpoint || c->out_set)
			rc = render_one(c, os, scenario, label, NULL);
		if (rc == EXIT_OK && c->endpoint)
			rc = cli_send(c, os, scenario, label);
		return rc;
	}
	/* render: every scenario (not the reference example), one dataset each */
	for (size_t i = 0; i < otelsim_scenario_count(os) && rc == EXIT_OK; i++) {
		struct otelsim_scenario_info si;

		otelsim_scenario_info(os, i, &si);
		if (si.reference)
			continue;
		if (c->category && strcmp(c->category, si.category))
			continue;
		rendered++;
		/*
		 * a `dataset:` folder is below --out for `render --category C` (seed
		 * 003's layout); rendering every category, below <out>/<category>
		 */
		sub = NULL;
		if (!c->category && si.dataset && si.category[0]) {
			sub = sub_buf;
			if ((size_t)snprintf(sub_buf, sizeof(sub_buf), "%s/%s", c->out ? c->out : "out",
					     si.category) >= sizeof(sub_buf)) {
				cli_usage_error(c, "output path too long");
				return EXIT_USAGE;
			}
		}
		rc = render_one(c, os, si.name, si.name, sub);
		if (atomic_load(&cli_interrupted))
			break;
	}
	if (rc == EXIT_OK && !rendered) {
		cli_usage_error(c,
				c->category ? "no scenario in category '%s' (see 'otelsim list')"
					    : "no scenarios to render%s",
				c->category ? c->category : "");
		return EXIT_USAGE;
	}
	return rc;
}

int cli_generate(struct cli *c)
{
	struct otelsim *os;
	const char *files[1] = { c->run_file };
	int rc = cli_load(c, c->run_file ? files : NULL, c->run_file ? 1 : 0, &os);

	if (rc)
		return rc;
	rc = generate(c, os);
	otelsim_free(os);
	return rc;
}
