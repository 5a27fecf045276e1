/*
 * Fuzz target for the OTLP/JSON reader (read/otlpjson.c) on its own: any
 * bytes as one JSON text, parsed as TracesData, MetricsData and LogsData.
 * Checked:
 *   - parsing either succeeds or fails with a message (never a crash);
 *   - what parses is written back as strict OTLP/JSON that parses again and
 *     is written the same (the writer's output is a fixed point), and packs
 *     to protobuf that reads back to the same JSON;
 *   - the signal detection (otlpjson_signal) agrees with the descriptor the
 *     text parses as when it names one.
 * (fuzz_read reaches the same reader through the file reader's framing;
 * this target spends its time in the JSON grammar.) `make test` runs it over
 * tests/fuzz/corpus/otlpjson with tests/fuzz/regression_driver.c; `make fuzz`
 * runs it under libFuzzer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otelsim/otelsim.h"
#include "read/otlpjson.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void one_signal(int signal, const char *json, size_t len)
{
	const ProtobufCMessageDescriptor *d = otlpjson_descriptor(signal);
	struct strbuf j1 = STRBUF_INIT, j2 = STRBUF_INIT, pb = STRBUF_INIT, j3 = STRBUF_INIT;
	struct otelsim_error err;
	ProtobufCMessage *msg = NULL, *again = NULL;
	struct arena a;

	arena_init(&a, 0);
	memset(&err, 0, sizeof(err));
	if (otlpjson_parse(d, json, len, &a, &msg, &err) != 0) {
		CHECK(err.message[0] != '\0');
		goto done;
	}
	CHECK(msg != NULL);
	CHECK(otlpjson_write(msg, &j1) == 0);
	if (otlpjson_parse(d, j1.buf ? j1.buf : "", j1.len, &a, &again, &err) != 0) {
		/* only an id of the wrong length is written (as hex) but refused */
		CHECK(strstr(err.message, "hex digits") != NULL);
		goto done;
	}
	CHECK(otlpjson_write(again, &j2) == 0);
	CHECK(j1.len == j2.len && (!j1.len || memcmp(j1.buf, j2.buf, j1.len) == 0));
	CHECK(otlpjson_to_protobuf(d, j1.buf ? j1.buf : "", j1.len, &pb, &err) == 0);
	CHECK(otlpjson_from_protobuf(d, (const uint8_t *)pb.buf, pb.len, &j3, NULL) == 0);
	/* the same, unless a string held invalid UTF-8 (written \ufffd, then kept) */
	if (!strstr(j1.buf ? j1.buf : "", "\\ufffd"))
		CHECK(j1.len == j3.len && (!j1.len || memcmp(j1.buf, j3.buf, j1.len) == 0));
done:
	strbuf_release(&j1);
	strbuf_release(&j2);
	strbuf_release(&j3);
	strbuf_release(&pb);
	arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int signals[] = { OTELSIM_TRACES, OTELSIM_METRICS, OTELSIM_LOGS };
	char *json = malloc(size + 1); /* the reader takes text: NUL after it for safety checks */
	int detected;

	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';
	(void)otlpjson_signal(json, size, &detected);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		one_signal(signals[i], json, size);
	free(json);
	return 0;
}
