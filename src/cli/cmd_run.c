#include "cli/cli.h"

int cmd_run(struct cli *c)
{
	if (c->nargs) {
		cli_usage_error(c, "unexpected argument '%s'", c->args[0]);
		return EXIT_USAGE;
	}
	if (c->ro.each_once && c->ro.count_set) {
		cli_usage_error(c, "--each-once renders each scenario once; leave out --count");
		return EXIT_USAGE;
	}
	return cli_generate(c);
}
