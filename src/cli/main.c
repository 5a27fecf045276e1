/*
 * otelsim - render YAML scenarios into OpenTelemetry telemetry files.
 * Dispatch by the command list of cli/commands.h, which also gives the
 * usage and the command list of --help.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/text.h"

static int (*const handlers[])(struct cli *c) = {
#define CLI_FN(id, name, fn, ...) fn,
	CLI_COMMANDS(CLI_FN)
#undef CLI_FN
};

/* The usage and the command list: on stdout for --help, on stderr when a
 * bare `otelsim` is a usage error. */
static void main_usage(FILE *f)
{
	fprintf(f, "usage: otelsim [OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
		   "Render YAML scenarios into realistic, correlated OpenTelemetry telemetry\n"
		   "files (OTLP protobuf, OTLP/JSON lines or flat NDJSON), byte for byte the\n"
		   "same for the same inputs. Replay them into any OTLP endpoint with\n"
		   "otlp-replay.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < CMDI_COUNT; i++)
		fprintf(f, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
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

static void command_help(const struct opt_command *d, unsigned bit)
{
	printf("usage: %s\n\n%s\n\n%s%sOptions:\n", d->usage, d->summary, d->details,
	       d->details[0] ? "\n" : "");
	cli_print_options(bit);
}

/* `otelsim help [COMMAND]`: `otelsim [COMMAND] --help` */
int cmd_help(struct cli *c)
{
	const char *names[CMDI_COUNT];
	int k;

	if (c->nargs > 1) {
		fprintf(stderr,
			"otelsim: help takes one command, got '%s' after '%s'\n"
			"Try 'otelsim --help'.\n",
			c->args[1], c->args[0]);
		return EXIT_USAGE;
	}
	if (!c->nargs || !strcmp(c->args[0], "help")) {
		main_help();
		return EXIT_OK;
	}
	k = cli_command_index(c->args[0]);
	if (k >= 0) {
		command_help(&cli_commands[k], 1u << k);
		return EXIT_OK;
	}
	for (size_t i = 0; i < CMDI_COUNT; i++)
		names[i] = cli_commands[i].name;
	c->cmd = NULL; /* the "Try" line is the general one */
	if (suggest(c->args[0], names, CMDI_COUNT))
		cli_usage_error(c, "unknown command '%s' (did you mean '%s'?)", c->args[0],
				suggest(c->args[0], names, CMDI_COUNT));
	else
		cli_usage_error(c, "unknown command '%s'", c->args[0]);
	return EXIT_USAGE;
}

static int no_command(const struct cli *c, int argc)
{
	if (c->help) {
		main_help();
		return cli_finish_stdout(c, 0);
	}
	if (argc == 1) {
		main_usage(stderr);
		fprintf(stderr, "\nRun 'otelsim --help' for the options.\n");
	} else {
		char list[256] = "";

		for (size_t i = 0; i < CMDI_COUNT; i++) {
			size_t len = strlen(list);

			snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
				 cli_commands[i].name);
		}
		cli_usage_error(c, "no command given (one of: %s)", list);
	}
	return EXIT_USAGE;
}

/* The program's name without its folder. */
static const char *base_name(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;

	return s ? s + 1 : p ? p : "";
}

/*
 * Installed as `dreamweaver` (seed 004's command): `dreamweaver FILE` is
 * `otelsim run FILE --send`. *argv becomes a malloc'd copy (NULL: none made).
 */
static char **dreamweaver_argv(int *argc, char **argv)
{
	char **v;

	if (*argc < 1 || strcmp(base_name(argv[0]), "dreamweaver"))
		return NULL;
	v = calloc((size_t)*argc + 3, sizeof(*v));
	if (!v)
		return NULL;
	v[0] = argv[0];
	v[1] = "run";
	for (int i = 1; i < *argc; i++)
		v[i + 1] = argv[i];
	v[*argc + 1] = "--send";
	*argc += 2;
	return v;
}

static int run_main(int argc, char **argv)
{
	struct cli c;
	int rc;

	/* a closed stdout (`| head`) is a write error we report, not a signal
	 * that kills us half-way through a dataset */
	signal(SIGPIPE, SIG_IGN);
	/* past `ulimit -f` a write fails with EFBIG ("File too large"), reported
	 * like a full disk (the temporary folder removed), instead of SIGXFSZ
	 * killing us without a word and leaving it */
	signal(SIGXFSZ, SIG_IGN);
	memset(&c, 0, sizeof(c));
	rc = cli_parse(&c, argc, argv);
	if (rc) {
		cli_release(&c);
		return rc < 0 ? cli_finish_stdout(&c, 0) : rc;
	}
	if (!c.cmd) {
		rc = no_command(&c, argc);
		cli_release(&c);
		return rc;
	}
	if (c.help && c.cmd_bit != CMD_HELP) {
		command_help(&cli_commands[c.parsed.cmd], c.cmd_bit);
		rc = EXIT_OK;
	} else {
		rc = handlers[c.parsed.cmd](&c);
	}
	/* output cut short fails even a command that went well otherwise */
	if (rc == EXIT_OK)
		rc = cli_finish_stdout(&c, 0);
	cli_release(&c);
	return rc;
}

int main(int argc, char **argv)
{
	char **dw = dreamweaver_argv(&argc, argv);
	int rc = run_main(argc, dw ? dw : argv);

	free(dw);
	return rc;
}
