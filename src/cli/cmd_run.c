#include "cli/cli.h"

int cmd_run(struct cli *c)
{
	if (c->nargs > 1) {
		cli_usage_error(c, "unexpected argument '%s' (run takes one scenario file)",
				c->args[1]);
		return EXIT_USAGE;
	}
	if (c->nargs)
		c->run_file = c->args[0];
	if (c->send && !c->run_file) {
		cli_usage_error(c, "--send streams a scenario file: give it (otelsim run FILE "
				   "--send)");
		return EXIT_USAGE;
	}
	if (c->ro.each_once && c->ro.count_set) {
		cli_usage_error(c, "--each-once renders each scenario once; leave out --count");
		return EXIT_USAGE;
	}
	return cli_generate(c);
}
