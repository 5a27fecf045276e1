/*
 * A user's test suite, built against an installed otelsim with pkg-config
 * only: load the installed scenarios, render one through the callback and
 * into files. Prints "records N spans N files OK" or the error.
 */
#include <otelsim/otelsim.h>
#include <stdio.h>

static int count(void *ctx, int signal, const void *bytes, size_t len)
{
	(void)signal;
	(void)bytes;
	*(size_t *)ctx += len > 0;
	return 0;
}

int main(int argc, char **argv)
{
	struct otelsim *os;
	struct otelsim_error err;
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	struct otelsim_render_result res;
	size_t records = 0;

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
	if (otelsim_render(os, &ro, count, &records, &res, &err)) {
		fprintf(stderr, "render: %s\n", err.message);
		return 1;
	}
	printf("records %zu spans %llu ", records, (unsigned long long)res.spans);
	ro.out_dir = argv[2];
	if (otelsim_render_files(os, &ro, &res, &err)) {
		fprintf(stderr, "render_files: %s\n", err.message);
		return 1;
	}
	printf("files %s\n", res.spans ? "OK" : "EMPTY");
	otelsim_free(os);
	return 0;
}
