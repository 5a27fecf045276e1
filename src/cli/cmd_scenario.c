#include "cli/cli.h"

int cmd_scenario(struct cli *c)
{
	if (!c->name) {
		cli_usage_error(c, "--name is required (see 'otelsim list' for the scenarios)");
		return EXIT_USAGE;
	}
	if (c->nargs) {
		cli_usage_error(c, "unexpected argument '%s'", c->args[0]);
		return EXIT_USAGE;
	}
	return cli_generate(c);
}
