/*
 * Fuzz target for the config loader (load/config.c): any bytes as the
 * config file, loaded through the public API with the bundled conventions
 * and one bundled scenario that names nothing of the config (no agent
 * context: its errors are the config's); when it loads, a few traces are rendered to
 * OTLP protobuf and to OTLP/JSON. Checked:
 *   - loading either succeeds or fails with an input, usage or limit error
 *     with a message (never an internal error, never a crash);
 *   - an error at a place names the config file (the scenario is valid);
 *   - a config that loads renders without error.
 * `make test` runs it over tests/fuzz/corpus/config with
 * tests/fuzz/regression_driver.c (from the repository root); `make fuzz
 * FUZZ_TARGETS=config` runs it under libFuzzer (each run loads the bundled
 * conventions: a few thousand runs a minute).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "otelsim/otelsim.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

static int discard(void *ctx, int signal, const void *bytes, size_t len)
{
	(void)ctx;
	(void)signal;
	CHECK(bytes && len > 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/otelsim-fuzz-config.XXXXXX";
	const char *files[1] = { "scenarios/commerce/checkout_flow.yaml" };
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;
	struct otelsim *os = NULL;
	int fd = mkstemp(path), rc;

	CHECK(fd >= 0);
	CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	lo.root = ".";
	lo.config_path = path;
	lo.files = files;
	lo.nfiles = 1;
	memset(&err, 0, sizeof(err));
	rc = otelsim_load(&lo, &os, &err);
	if (rc) {
		CHECK(rc == OTELSIM_EINPUT || rc == OTELSIM_EUSAGE || rc == OTELSIM_ELIMIT);
		CHECK(err.message[0]);
		CHECK(err.line == 0 || !strcmp(err.file, path));
	} else {
		struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;

		ro.scenario = "checkout_flow";
		ro.count_set = true;
		ro.count = 3;
		ro.threads = 1;
		for (int f = OTELSIM_FORMAT_OTLP; f <= OTELSIM_FORMAT_OTLP_JSON; f++) {
			ro.format = f;
			rc = otelsim_render(os, &ro, discard, NULL, NULL, &err);
			if (rc)
				fprintf(stderr, "render: %s\n", err.message);
			CHECK(rc == 0);
		}
		otelsim_free(os);
	}
	unlink(path);
	return 0;
}
