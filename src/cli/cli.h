/*
 * cli/cli.h - what otelsim's subcommands share: parsed options, the
 * project loader, messages and exit codes. Only src/cli/ prints or exits.
 *
 * The commands are one list (cli/commands.h); every option is one row of
 * the table in opts.c (name, value type, the field of struct cli it fills,
 * environment variables, the commands that take it, help), which
 * util/parseopt.h turns into parsing (options before or after the command,
 * --opt value or --opt=value), the environment (flag > environment >
 * scenario file > config default) and the option part of --help. Adding an
 * option: a field here if it needs one, and a row in opts.c.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/commands.h"
#include "otelsim/otelsim.h"
#include "util/parseopt.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct cli {
	const char *prog;
	const char *cmd;  /* subcommand name, NULL: none */
	unsigned cmd_bit; /* CMD_LIST, ...; 0: none */
	char **args;      /* positional arguments after the subcommand */
	size_t nargs;
	bool help, quiet;
	bool stdout_closed;       /* a closed pipe was met (and said): nothing more goes out */
	struct opt_parsed parsed; /* what cli_parse saw (opt_source) */
	/* project */
	const char *root; /* data root: config/ conventions/ scenarios/ */
	const char *config, *scenarios_dir, *vendor, *service_name;
	struct opt_list semconv; /* --semconv (repeatable), SEMCONV (a:b): every one, in order */
	uint64_t max_spans;
	/* TENANT_UUID, TELEMETRY_TENANT_UUIDS, TELEMETRY_TENANT_WEIGHTS (malloc'd) */
	char **tenant_ids;
	double *tenant_weights; /* NULL: equal */
	size_t ntenants;
	/* render */
	struct otelsim_render_options ro;
	const char *out;
	const char *name;     /* --name */
	const char *category; /* render --category */
	struct opt_list tags;
	int show_spans;
	bool out_set;
	/* sending */
	const char *endpoint, *protocol;
	bool send;             /* run FILE --send: live, to --endpoint or the file's */
	const char *run_file;  /* run FILE: that scenario file only */
	unsigned batch;        /* requests per export (a Dreamweaver config's); 0: one */
	struct opt_list headers;
	/* show */
	const char *trace_id;
	uint64_t limit;
	/* report */
	const char *html, *title;
	bool force;
	uint64_t sample_traces, sample_logs;
};

/*
 * Parse argv into *c (command found or NULL). 0, -1 after printing the
 * version, or the exit status after printing the error.
 */
int cli_parse(struct cli *c, int argc, char **argv);
void cli_release(struct cli *c);
/* The option part of --help for the commands in cmd_bits (0: all), on stdout. */
void cli_print_options(unsigned cmd_bits);
/* The rows of cli/commands.h, and a command's index by name (-1: none). */
extern const struct opt_command cli_commands[CMDI_COUNT];
int cli_command_index(const char *name);

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
 * Flush stdout; 0 when all output got out (or the reader closed it, which
 * was said: c->stdout_closed), else the exit status 1 after saying why
 * (on stderr; nothing for a closed pipe, as with `| head`).
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

#endif
