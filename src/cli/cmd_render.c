#include "cli/cli.h"

int cmd_render(struct cli *c)
{
	if (c->nargs) {
		cli_usage_error(c, "unexpected argument '%s'", c->args[0]);
		return EXIT_USAGE;
	}
	return cli_generate(c);
}
