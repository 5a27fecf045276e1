/*
 * A user's test suite, built against an installed otelsim with pkg-config
 * only: load the installed scenarios, render one through the callback and
 * into files, with every signal (the synthetic test signal adds logs,
 * events and metrics to the traces). Prints "records N spans N traces N
 * metrics N logs N events N files OK" (records of each signal, as the
 * callback names them) or the error.
 */
#include <otelsim/otelsim.h>
#include <stdio.h>

struct counts {
	size_t records, by_signal[4], unknown;
};

static int count(void *ctx, int signal, const void *bytes, size_t len)
{
	struct counts *c = ctx;

	(void)bytes;
	c->records += len > 0;
	switch (signal) {
	case OTELSIM_TRACES:
	case OTELSIM_METRICS:
	case OTELSIM_LOGS:
	case OTELSIM_EVENTS:
		c->by_signal[signal]++;
		break;
	default:
		c->unknown++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct otelsim *os;
	struct otelsim_error err;
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;
	struct counts c = { 0, { 0, 0, 0, 0 }, 0 };

	if (argc != 3)
		return 2;
	lo.root = argv[1];
	if (otelsim_load(&lo, &os, &err)) {
		fprintf(stderr, "load: %s\n", err.message);
		return 1;
	}
	ro.scenario = "checkout_flow";
	ro.count = 3;
	ro.count_set = true;
	ro.synthetic_signals = true;
	if (otelsim_render(os, &ro, count, &c, &res, &err)) {
		fprintf(stderr, "render: %s\n", err.message);
		return 1;
	}
	if (c.unknown || c.records != res.records) {
		fprintf(stderr, "render: %zu records of no known signal, %zu of %llu\n", c.unknown,
			c.records, (unsigned long long)res.records);
		return 1;
	}
	printf("records %zu spans %llu traces %zu metrics %zu logs %zu events %zu ", c.records,
	       (unsigned long long)res.spans, c.by_signal[OTELSIM_TRACES],
	       c.by_signal[OTELSIM_METRICS], c.by_signal[OTELSIM_LOGS],
	       c.by_signal[OTELSIM_EVENTS]);
	ro.out_dir = argv[2];
	if (otelsim_render_files(os, &ro, &res, &err)) {
		fprintf(stderr, "render_files: %s\n", err.message);
		return 1;
	}
	/* the synthetic record of each trace beside checkout_flow's own three (its
	 * start log, the payment's debug log, payment.authorized mirrored), the
	 * synthetic events beside its two timeline events */
	printf("files %s\n", res.spans && res.log_records == 12 && res.events == 5 && res.data_points
				     ? "OK"
				     : "EMPTY");
	otelsim_free(os);
	return 0;
}
