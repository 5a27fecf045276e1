/*
 * Fuzz target for load/ (and what a loaded scenario feeds): any bytes as a
 * scenario file, loaded with the bundled config and conventions through
 * the public API; when it loads, a few traces of it are rendered to OTLP
 * protobuf and to OTLP/JSON. Checked:
 *   - loading either succeeds or fails with an input or limit error that
 *     names the file (never an internal error, never a crash);
 *   - a scenario that loads renders without error (the loader let nothing
 *     through that the engine cannot draw).
 * `make test` runs it over tests/fuzz/corpus/load with
 * tests/fuzz/regression_driver.c (from the repository root); `make fuzz
 * FUZZ_TARGETS=load` runs it under libFuzzer.
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
	char path[] = "/tmp/otelsim-fuzz-load.XXXXXX";
	const char *files[1] = { path };
	struct otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	struct otelsim_error err;
	struct otelsim *os = NULL;
	int fd = mkstemp(path), rc;

	CHECK(fd >= 0);
	CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	lo.root = ".";
	lo.files = files;
	lo.nfiles = 1;
	memset(&err, 0, sizeof(err));
	rc = otelsim_load(&lo, &os, &err);
	if (rc) {
		CHECK(rc == OTELSIM_EINPUT || rc == OTELSIM_ELIMIT);
		CHECK(err.message[0]);
		CHECK(!strcmp(err.file, path) || err.file[0] == '\0');
	} else {
		for (size_t i = 0; i < otelsim_scenario_count(os); i++) {
			struct otelsim_scenario_info si;
			struct otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;

			CHECK(otelsim_scenario_info(os, i, &si) == 0);
			ro.scenario = si.name;
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
		}
		otelsim_free(os);
	}
	unlink(path);
	return 0;
}
