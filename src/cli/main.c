/*
 * otelsim - render YAML scenarios into OpenTelemetry telemetry files.
 * One table of subcommands; it dispatches and prints the command list.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct cmd_def {
	const char *name;
	int (*fn)(struct cli *c);
	const char *usage;
	const char *summary;
	const char *details;
};

static const struct cmd_def cmds[] = {
	{ "list", cmd_list, "otelsim list [--tags A,B] [--category C]",
	  "list the scenarios: name, category, weight, tags, description",
	  "The bundled example_scenario.yaml is a reference and is not listed.\n" },
	{ "validate", cmd_validate, "otelsim validate [PATH...]",
	  "check scenario files (and the config and conventions) without rendering",
	  "PATH may be files or folders; without one, every scenario of the scenarios\n"
	  "folder is checked. Each bad file is reported as file:line:column: message.\n"
	  "Exit status 2 when any file is invalid.\n" },
	{ "scenario", cmd_scenario, "otelsim scenario --name NAME [--count N] [options]",
	  "render one scenario into <out>/<category>/<name>/",
	  "Example: otelsim scenario --name successful_agent_turn --count 100 --out data\n" },
	{ "run", cmd_run, "otelsim run [--count N] [--tags A,B] [--each-once] [options]",
	  "render a weighted mix of scenarios into <out>/mixed/ (or --dataset NAME)",
	  "Each trace picks a scenario by workload_weight (weights <= 0 are left out);\n"
	  "--tags keeps scenarios having any of the tags; --each-once renders every\n"
	  "(tagged) scenario exactly once.\n" },
	{ "render", cmd_render, "otelsim render [--category C] [options]",
	  "render every scenario into its own dataset (what `make run` does)",
	  "Example: otelsim render --out fixtures\n" },
	{ "show", cmd_show, "otelsim show FILE|DATASET [--trace ID] [--limit N]",
	  "print telemetry files as trace trees, metric series and log lines", "" },
	{ "report", cmd_report, "otelsim report DATASET|FILE... [--html FILE] [--sample-traces N]",
	  "write one self-contained HTML page that shows a dataset",
	  "Reads what show reads (dataset folders with their manifest.json and\n"
	  "ground_truth.json, any OTLP file) and writes one page that opens offline:\n"
	  "summary, service graph, traces with waterfalls, latency, metrics, logs and\n"
	  "events, ground truth. The same inputs always give the same bytes.\n"
	  "Example: otelsim report fixtures/commerce/checkout_flow --html checkout.html\n" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

/* The usage and the command list: on stdout for --help, on stderr when a
 * bare `otelsim` is a usage error. */
static void main_usage(FILE *f)
{
	fprintf(f, "usage: otelsim [OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
		   "Render YAML scenarios into realistic, correlated OpenTelemetry telemetry\n"
		   "files (OTLP protobuf or OTLP/JSON lines), byte for byte the same for the\n"
		   "same inputs. Replay them into any OTLP endpoint with otlp-replay.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "  %-10s %s\n", "help", "this text, or 'help COMMAND' for a command's");
}

static void main_help(void)
{
	main_usage(stdout);
	printf("\nOptions may come before or after the command, as --opt value or --opt=value.\n"
	       "Precedence: command-line flag > environment variable > scenario file > config.\n"
	       "Run 'otelsim COMMAND --help' for a command's options.\n\n"
	       "Options:\n");
	cli_print_options(CMD_ALL);
	printf("\nExit status: 0 ok, 1 runtime failure, 2 bad usage or invalid input.\n");
}

static void cmd_help(const struct cmd_def *d, unsigned bit)
{
	printf("usage: %s\n\n%s\n\n%s%sOptions:\n", d->usage, d->summary, d->details,
	       d->details[0] ? "\n" : "");
	cli_print_options(bit);
}

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	/* a closed stdout (`| head`) is a write error we report, not a signal
	 * that kills us half-way through a dataset */
	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof(c));
	/* `otelsim help [COMMAND]` is `otelsim [COMMAND] --help` */
	if (argc >= 2 && !strcmp(argv[1], "help")) {
		static char help_flag[] = "--help";
		bool cmd = argc == 3 && strcmp(argv[2], "help");
		char *args[4] = { argv[0], cmd ? argv[2] : help_flag, cmd ? help_flag : NULL,
				  NULL };

		if (argc > 3) {
			fprintf(stderr,
				"otelsim: help takes one command, got '%s' after '%s'\n"
				"Try 'otelsim --help'.\n",
				argv[3], argv[2]);
			return EXIT_USAGE;
		}
		if (!cmd)
			argc = 2;

		argv = args; /* as many words: "help" gives way to "--help" */
		rc = cli_parse(&c, argc, argv);
	} else {
		rc = cli_parse(&c, argc, argv);
	}
	if (rc) {
		cli_release(&c);
		return rc < 0 ? cli_finish_stdout(&c, 0) : rc;
	}
	if (!c.cmd) {
		if (c.help) {
			main_help();
			rc = cli_finish_stdout(&c, 0);
		} else if (argc == 1) {
			main_usage(stderr);
			fprintf(stderr, "\nRun 'otelsim --help' for the options.\n");
			rc = EXIT_USAGE;
		} else {
			cli_usage_error(&c, "no command given (one of: list, validate, scenario, "
					    "run, render, show, report)");
			rc = EXIT_USAGE;
		}
		cli_release(&c);
		return rc;
	}
	for (size_t i = 0; i < NCMDS; i++) {
		if (strcmp(cmds[i].name, c.cmd))
			continue;
		if (c.help) {
			cmd_help(&cmds[i], c.cmd_bit);
			rc = EXIT_OK;
		} else {
			rc = cmds[i].fn(&c);
		}
		break;
	}
	/* output cut short fails even a command that went well otherwise */
	if (rc == EXIT_OK)
		rc = cli_finish_stdout(&c, 0);
	cli_release(&c);
	return rc;
}
