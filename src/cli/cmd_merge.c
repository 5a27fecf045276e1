/*
 * otelsim merge SHARD_DIR... [--out DIR]: the shards of one run into the
 * single-machine dataset (otelsim_merge). Exit 2 when the folders are not
 * the shards of one run (or of another project), 1 on a runtime failure.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_merge(struct cli *c)
{
	struct otelsim_render_result res;
	struct otelsim_error err;
	struct otelsim *os;
	int rc;

	if (!c->nargs) {
		cli_usage_error(c, "merge needs the dataset folder of every shard of the run");
		return EXIT_USAGE;
	}
	rc = cli_load(c, NULL, 0, &os);
	if (rc)
		return rc;
	memset(&err, 0, sizeof(err));
	rc = otelsim_merge(os, (const char *const *)c->args, c->nargs, c->out, NULL, &res, &err);
	otelsim_free(os);
	if (rc)
		return cli_fail(c, &err);
	if (!c->quiet)
		fprintf(stderr, "merge: %zu shards, %llu traces, %llu spans, %llu metric streams -> %s/\n",
			c->nargs, (unsigned long long)res.traces, (unsigned long long)res.spans,
			(unsigned long long)res.metric_streams, res.dataset_dir);
	return EXIT_OK;
}
