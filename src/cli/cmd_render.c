#include "cli/cli.h"

int cmd_render(struct cli *c)
{
	struct otelsim *os;
	int rc;

	if (c->nargs) {
		cli_usage_error(c, "unexpected argument '%s'", c->args[0]);
		return EXIT_USAGE;
	}
	rc = cli_load(c, NULL, 0, &os);
	if (rc)
		return rc;
	rc = cli_generate(c, os);
	otelsim_free(os);
	return rc;
}
