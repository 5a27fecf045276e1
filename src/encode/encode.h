/*
 * encode/encode.h - rendered batches to bytes.
 *
 * One encoder per thread (it caches each resource's encoded bytes; the model
 * is only read). A batch becomes one or more records appended to `out`,
 * already framed:
 *   - OTELSIM_FORMAT_OTLP: TracesData messages, each preceded by a 4-byte
 *     big-endian length (the Collector's file exporter) or a varint;
 *   - OTELSIM_FORMAT_OTLP_JSON: one OTLP/JSON TracesData per line, "\n"
 *     ended, `resourceSpans` its first key (encode/json.c has the rules).
 * Within a record, spans are grouped by resource (model->services[i], whose
 * attrs are the Resource's) in order of first appearance, batch order inside
 * each group, under exactly one ScopeSpans each (scope = config scope_name/
 * scope_version; config schema_url on ResourceSpans and ScopeSpans when not
 * empty). No envelope is ever empty.
 *
 * Split rule (deterministic: it depends only on the batch's content): spans
 * are taken in batch order; a span that would make the record larger than
 * max_record_bytes closes it, and opens the next one. The size counted is the
 * whole framed record (length prefix included; for JSON the line with its
 * newline). A span too large on its own gets a record of its own, the only
 * record that may pass the limit.
 *
 * The streaming protobuf encoder's bytes equal protobuf-c's pack of the same
 * TracesData (proven in tests/unit/test_encode.c); encode_traces_reference
 * builds that protobuf-c tree, applying the same grouping, split rule and
 * framing. It is about ten times slower: for tests and benchmarks.
 */
#ifndef ENCODE_ENCODE_H
#define ENCODE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/batch.h"
#include "model/model.h"
#include "util/strbuf.h"

#define ENCODE_MAX_RECORD_DEFAULT (1000u * 1000u) /* under the Collector's 1 MiB line */

struct encoder;

struct encoder_config {
	const struct model *model;
	int format;              /* enum otelsim_format */
	int framing;             /* enum otelsim_framing */
	size_t max_record_bytes; /* 0: ENCODE_MAX_RECORD_DEFAULT */
};

/* NULL when out of memory, without a model, or for a format other than OTLP/OTLP_JSON. */
struct encoder *encoder_new(const struct encoder_config *cfg);
void encoder_free(struct encoder *e);

/*
 * Append the batch's spans as framed records; *nrecords (may be NULL) is set
 * to their count (0 for an empty batch, which writes nothing). 0, or -1 when
 * out of memory, when `out` would pass its max, or when a span's resource is
 * not in model->services; on -1, `out` is left as it was.
 */
int encoder_traces(struct encoder *e, const struct batch *b, struct strbuf *out,
		   uint64_t *nrecords);

/* The same records built with protobuf-c (OTLP only, else -1): the reference. */
int encode_traces_reference(const struct encoder_config *cfg, const struct batch *b,
			    struct strbuf *out, uint64_t *nrecords);

#endif
