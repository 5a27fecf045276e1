/*
 * encode/encode.h - rendered batches to bytes, for every signal.
 *
 * A format is a table of operations (encode_int.h: begin, spans, logs,
 * metrics, events, end), looked up by enum otelsim_format; encoder_encode
 * calls the one for the signal. Adding a format is adding a table.
 *
 * One encoder per thread (it caches each resource's encoded envelopes; the
 * model is only read). A batch's items of one signal become zero or more
 * records appended to `out`, already framed:
 *   - OTELSIM_FORMAT_OTLP: TracesData (spans), LogsData (logs, events) or
 *     MetricsData (metric items) messages, each preceded by a 4-byte
 *     big-endian length (the Collector's file exporter) or a varint;
 *   - OTELSIM_FORMAT_OTLP_JSON: one OTLP/JSON message per line, "\n"
 *     ended, `resourceSpans` / `resourceLogs` / `resourceMetrics` its first
 *     key (encode/json.c has the rules).
 * Within a record, items are grouped by resource (model->services[i], whose
 * attrs are the Resource's) in order of first appearance, batch order inside
 * each group, under exactly one ScopeX each (scope = config scope_name/
 * scope_version; config schema_url on ResourceX and ScopeX when not
 * empty). A metric item is one Metric message with all its points. No
 * envelope is ever empty.
 *
 * Record rule (deterministic: it depends only on the batch's content):
 * items are taken in batch order. A record holds the items of at most
 * traces_per_record consecutive iterations of the batch (one trace each,
 * or a session's turns: batch.h's marks; the first item of iteration
 * k * traces_per_record, k >= 1, opens a new record;
 * 0: the whole batch), and an item that would make the record larger than
 * max_record_bytes closes it and opens the next one. The size counted is
 * the whole framed record (length prefix included; for JSON the line with
 * its newline). An item too large on its own gets a record of its own, the
 * only record that may pass the limit.
 *
 * The streaming protobuf encoder's bytes equal protobuf-c's pack of the same
 * messages (proven in tests/unit/test_encode.c and test_signals.c);
 * encode_reference builds that protobuf-c tree, applying the same grouping,
 * record rule and framing. It is about ten times slower: for tests and
 * benchmarks.
 */
#ifndef ENCODE_ENCODE_H
#define ENCODE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/batch.h"
#include "model/model.h"
#include "otelsim/otelsim.h"
#include "util/strbuf.h"

#define ENCODE_MAX_RECORD_DEFAULT (1000u * 1000u) /* under the Collector's 1 MiB line */
#define ENCODE_COLLECTOR_LINE_MAX (1u << 20)     /* its otlpjsonfile receiver's default */

struct encoder;

struct encoder_config {
	const struct model *model;
	int format;                 /* enum otelsim_format */
	int framing;                /* enum otelsim_framing */
	size_t max_record_bytes;    /* 0: ENCODE_MAX_RECORD_DEFAULT */
	uint32_t traces_per_record; /* iterations per record; 0: no cut by them (only by size) */
};

/* A format's file extension ("binpb", "jsonl"); NULL for a format without a table. */
const char *encoder_file_ext(int format);

/* NULL when out of memory, without a model, or for a format without a table. */
struct encoder *encoder_new(const struct encoder_config *cfg);
void encoder_free(struct encoder *e);

/* Why encoder_encode failed (each negative). */
enum encode_error {
	ENCODE_ENOMEM = -1,    /* out of memory */
	ENCODE_ETOOBIG = -2,   /* `out` would pass its max (or a record 4 GiB) */
	ENCODE_ERESOURCE = -3, /* an item's resource is not in model->services */
	ENCODE_ESIGNAL = -4,   /* not an enum otelsim_signal */
};

/*
 * JSON lines written since the last call that pass the Collector's 1 MiB
 * line limit (each one item too large to split: a span with huge
 * attributes), and what the first of them was ("span 'x' of trace <hex>",
 * "metric 'm'", "log record of trace <hex>") in what[n]; then resets.
 */
uint64_t encoder_take_oversize(struct encoder *e, char *what, size_t n);

/* "out of memory", "over the size cap", ... for messages. */
const char *encode_error_text(int rc);

/*
 * Append the batch's items of `signal` (enum otelsim_signal) as framed
 * records; *nrecords (may be NULL) is set to their count (0 when there are
 * none, which writes nothing). 0, or an enum encode_error saying which;
 * on error, `out` is left as it was and the encoder can be used again.
 */
int encoder_encode(struct encoder *e, int signal, const struct batch *b, struct strbuf *out,
		   uint64_t *nrecords);

static inline int encoder_traces(struct encoder *e, const struct batch *b, struct strbuf *out,
				 uint64_t *nrecords)
{
	return encoder_encode(e, OTELSIM_TRACES, b, out, nrecords);
}

/*
 * The length of the framed record at the start of buf[0, len) as the
 * encoders write them (length prefix or newline included), or 0 when buf
 * does not start with a whole record of that format and framing.
 */
size_t encoder_record_len(int format, int framing, const void *buf, size_t len);

/* The same records built with protobuf-c (OTLP only, else -1): the reference. */
int encode_reference(const struct encoder_config *cfg, int signal, const struct batch *b,
		     struct strbuf *out, uint64_t *nrecords);

static inline int encode_traces_reference(const struct encoder_config *cfg, const struct batch *b,
					  struct strbuf *out, uint64_t *nrecords)
{
	return encode_reference(cfg, OTELSIM_TRACES, b, out, nrecords);
}

#endif
