/*
 * cli/cli.h - what otelsim's subcommands share: parsed options, the
 * project loader, messages and exit codes. Only src/cli/ prints or exits.
 *
 * Every option is described once in the table in opts.c (name, argument,
 * environment variables, the commands it applies to, help), which parses
 * the command line (options before or after the subcommand, --opt value or
 * --opt=value), applies the environment (flag > environment > scenario file
 * > config default) and prints the help.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/otelsim.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* commands, as bits for the option table */
enum {
	CMD_LIST = 1u << 0,
	CMD_VALIDATE = 1u << 1,
	CMD_SCENARIO = 1u << 2,
	CMD_RUN = 1u << 3,
	CMD_RENDER = 1u << 4,
	CMD_SHOW = 1u << 5,
	CMD_REPORT = 1u << 6,
	CMD_GEN = CMD_SCENARIO | CMD_RUN | CMD_RENDER,
	CMD_LOADS = CMD_LIST | CMD_VALIDATE | CMD_GEN,
	CMD_ALL = 0xffffu
};

struct cli {
	const char *prog;
	const char *cmd; /* subcommand name */
	unsigned cmd_bit;
	char **args; /* positional arguments after the subcommand */
	size_t nargs;
	bool help, quiet;
	/* project */
	const char *root; /* data root: config/ conventions/ scenarios/ */
	const char *config, *semconv, *scenarios_dir, *vendor, *service_name;
	uint64_t max_spans;
	/* render */
	struct otelsim_render_options ro;
	const char *out;
	const char *name;     /* --name */
	const char *category; /* render --category */
	char **tags;
	size_t ntags;
	int show_spans;
	bool out_set;
	/* sending */
	const char *endpoint, *protocol;
	char **headers;
	size_t nheaders;
	/* show */
	const char *trace_id;
	uint64_t limit;
	/* report */
	const char *html, *title;
	bool force;
	uint64_t sample_traces, sample_logs;
};

/* Parse argv into *c (command found or NULL). On error prints and returns 2. */
int cli_parse(struct cli *c, int argc, char **argv);
void cli_release(struct cli *c);
void cli_print_options(unsigned cmd_bit); /* the option part of --help */

/* Load the project per the options; prints the error and returns its exit code. */
int cli_load(const struct cli *c, const char *const *files, size_t nfiles, struct otelsim **out);
/* Print the loaded project's warnings to stderr (at most `most`; not with --quiet). */
void cli_print_warnings(const struct cli *c, const struct otelsim *os, size_t most);
/* Print "otelsim: <error>" and return the exit status for its code. */
int cli_fail(const struct cli *c, const struct otelsim_error *err);
void cli_usage_error(const struct cli *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* The generating commands end here: load the project, render per the options, report. */
int cli_generate(struct cli *c);
/*
 * --endpoint: without --seed (or a scenario's seed) a live run takes its
 * seed from the clock, so repeated load tests send fresh ids; set here,
 * before the files (--out) and the requests are rendered, so both hold the
 * same traces. An exit status.
 */
int cli_live_seed(struct cli *c, const struct otelsim *os, const char *scenario);
/* --endpoint: render and post, paced in real time. */
int cli_send(struct cli *c, struct otelsim *os, const char *scenario, const char *label);
/*
 * SIGINT and SIGTERM set cli_interrupted (renders and sends stop at the
 * next check, within 100 ms) and restore the default action, so a second
 * signal ends the process at once.
 */
extern atomic_int cli_interrupted;
void cli_install_signals(void);
/*
 * Flush stdout; 0 when all output got out, else the exit status 1 after
 * saying why (on stderr; nothing for a closed pipe, as with `| head`).
 * werr: an errno already seen writing (0: none).
 */
int cli_finish_stdout(const struct cli *c, int werr);

/* progress bar on stderr (only when it is a terminal and not --quiet) */
struct progress;
struct progress *progress_new(const char *label, bool enabled);
void progress_update(void *p, uint64_t done, uint64_t total, uint64_t spans);
/* Wipe the bar's line so a message can be printed; the next update redraws it. */
void progress_clear(struct progress *p);
void progress_done(struct progress *p);

/* human numbers: "1,234,567", "1.23 M", "12.3 KiB" */
void human_count(char *buf, size_t n, uint64_t v);
void human_bytes(char *buf, size_t n, uint64_t v);

int cmd_list(struct cli *c);
int cmd_validate(struct cli *c);
int cmd_scenario(struct cli *c);
int cmd_run(struct cli *c);
int cmd_render(struct cli *c);
int cmd_show(struct cli *c);
int cmd_report(struct cli *c);

#endif
