#include <stdio.h>

#include "cli/cli.h"

int cmd_show(struct cli *c)
{
	cli_usage_error(c, "'show' is not available in this build yet");
	return EXIT_USAGE;
}
