/*
 * Fuzz target for the flat NDJSON reader (read/flat.h, the reader's
 * READ_FRAMING_NDJSON): any bytes as a flat NDJSON file, and each of their
 * lines as a record of each kind, with these invariants checked:
 *   - with skip_bad, reading never fails on a bad line: every non-blank
 *     line is either an item of a record (spans, log records, data
 *     points: one each) or counted as skipped;
 *   - without it, the read stops at a bad line, or gives exactly what the
 *     skipping read gave with nothing skipped;
 *   - every record handed over is valid OTLP (the transform's walk accepts
 *     it, and its items are the lines it took), and what flat_add builds
 *     is always valid OTLP/JSON for the kind's message;
 *   - flat_id never gives an all-zero id, and keeps 32/16 hex digits as
 *     they are.
 * `make test` runs it over tests/fuzz/corpus/flat with
 * tests/fuzz/regression_driver.c. To fuzz for real:
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Iinclude -Isrc -Ibuild/gen tests/fuzz/fuzz_flat.c src/read/[a-z]*.c src/util/[a-z]*.c \
 *     src/replay/transform.c build/gen/opentelemetry/proto/[a-z]*[a-z]/v1/[a-z]*.pb-c.c \
 *     $(pkg-config --libs libprotobuf-c libzstd zlib libcjson libcrypto) -lm -o fuzz_flat
 *   ./fuzz_flat -max_len=4096 corpus-copy/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "otelsim/otelsim.h"
#include "read/flat.h"
#include "read/jsontree.h"
#include "read/otlpjson.h"
#include "read/reader.h"
#include "replay/transform.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

#define MAX_RECORDS 100000

/* Lines with something but spaces, tabs and CRs (a leading byte-order mark dropped). */
static uint64_t nonblank_lines(const uint8_t *p, size_t n)
{
	uint64_t count = 0;
	int seen = 0;
	size_t i = n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3) ? 3 : 0;

	for (; i < n; i++) {
		if (p[i] == '\n') {
			count += seen;
			seen = 0;
		} else if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
			seen = 1;
		}
	}
	return count + seen;
}

/* Read the file: 0 and the items and skipped lines, or the reader's error code. */
static int read_all(const char *path, int skip, uint64_t *items, uint64_t *skipped)
{
	struct read_options ro = { READ_FRAMING_NDJSON, true, 64u << 20, NULL, skip };
	struct otelsim_error err;
	struct read_record rec;
	struct reader *r = NULL;
	int rc, n = 0;

	*items = *skipped = 0;
	if (reader_open(path, &ro, &r, &err))
		return -100;
	while ((rc = reader_next(r, &rec, &err)) == 1) {
		struct xform_stats st = XFORM_STATS_INIT;
		uint8_t *copy = malloc(rec.len ? rec.len : 1);

		CHECK(n++ < MAX_RECORDS);
		CHECK(copy);
		memcpy(copy, rec.data, rec.len);
		CHECK(rec.encoding == READ_PROTOBUF);
		CHECK(xform_record(rec.signal, copy, rec.len, NULL, &st, NULL) == 0);
		CHECK(st.items >= 1 && st.items <= FLAT_LINES_PER_RECORD);
		*items += st.items;
		free(copy);
	}
	*skipped = reader_skipped(r, NULL, 0);
	reader_free(r);
	return rc;
}

/* Each line as a record of each kind: what flat_add keeps is valid OTLP/JSON. */
static void each_kind(const uint8_t *data, size_t size)
{
	struct arena a;
	struct flat_builder b;
	char why[512];

	arena_init(&a, 0);
	flat_init(&b);
	for (int kind = FLAT_TRACES; kind <= FLAT_EVENTS; kind++) {
		size_t start = 0, lines = 0;

		flat_begin(&b, kind);
		while (start < size && lines++ < 64) {
			const uint8_t *nl = memchr(data + start, '\n', size - start);
			size_t end = nl ? (size_t)(nl - data) : size;
			struct jval *root = NULL;

			arena_reset(&a);
			if (json_tree_parse((const char *)data + start, end - start, &a, &root,
					    NULL) == 0) {
				int line = 0, col = 0, rc;

				(void)flat_kind(root, "x/events.ndjson");
				rc = flat_add(&b, root, why, sizeof(why), &line, &col);
				CHECK(rc == 0 || rc == 1);
				CHECK(rc == 0 || (why[0] && line >= 1 && col >= 1));
			}
			start = end + 1;
		}
		CHECK(flat_end(&b) == 0);
		{
			struct strbuf pb = STRBUF_INIT;
			struct otelsim_error err;

			CHECK(otlpjson_to_protobuf(otlpjson_descriptor(flat_signal(kind)), b.json.buf,
						   b.json.len, &pb, &err) == 0);
			strbuf_release(&pb);
		}
	}
	flat_release(&b);
	arena_release(&a);
}

static void ids(const uint8_t *data, size_t size)
{
	uint8_t t[16], s[8], zero[16] = { 0 };
	size_t n = size < 64 ? size : 64;

	flat_id((const char *)data, n, t, 16);
	flat_id((const char *)data, n, s, 8);
	CHECK(memcmp(t, zero, 16) != 0 && memcmp(s, zero, 8) != 0);
	flat_id("0af7651916cd43dd8448eb211c80319c", 32, t, 16);
	CHECK(t[0] == 0x0a && t[15] == 0x9c);
}

static int compressed(const uint8_t *p, size_t n)
{
	return (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) ||
	       (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t items, skipped, items2, skipped2;
	char path[64];
	int fd, rc;

	fd = memfd_create("fuzz_flat", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (compressed(data, size)) { /* gzip, zstd: what the reader makes of them is fuzz_read's */
		close(fd);
		each_kind(data, size);
		return 0;
	}
	rc = read_all(path, 1, &items, &skipped);
	CHECK(rc == 0);
	CHECK(items + skipped == nonblank_lines(data, size));
	rc = read_all(path, 0, &items2, &skipped2);
	CHECK(skipped2 == 0);
	CHECK(rc == OTELSIM_EINPUT || (rc == 0 && !skipped && items2 == items));
	close(fd);
	each_kind(data, size);
	ids(data, size);
	return 0;
}
