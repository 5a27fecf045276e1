/*
 * encode/encode.h - rendered batches to bytes.
 *
 * One encoder per thread (it caches each resource's encoded bytes). A batch
 * becomes one or more records appended to `out`, already framed:
 *   - OTELSIM_FORMAT_OTLP: TracesData messages, each preceded by a 4-byte
 *     big-endian length (the Collector's file exporter) or a varint;
 *   - OTELSIM_FORMAT_OTLP_JSON: one OTLP/JSON TracesData per line.
 * Within a record, spans are grouped by resource (service) in order of first
 * appearance, under one scope each. A batch that would make a record larger
 * than max_record_bytes is split between spans, deterministically (the split
 * depends only on the batch's content). The streaming protobuf encoder's
 * bytes equal protobuf-c's pack of the same TracesData (proven in tests);
 * encode_traces_reference builds that protobuf-c tree.
 */
#ifndef ENCODE_ENCODE_H
#define ENCODE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/batch.h"
#include "model/model.h"
#include "util/strbuf.h"

#define ENCODE_MAX_RECORD_DEFAULT (1000u * 1000u)  /* under the Collector's 1 MiB line */

struct encoder;

struct encoder_config {
	const struct model *model;
	int format;   /* enum otelsim_format */
	int framing;  /* enum otelsim_framing */
	size_t max_record_bytes;  /* 0: ENCODE_MAX_RECORD_DEFAULT */
};

struct encoder *encoder_new(const struct encoder_config *cfg);
void encoder_free(struct encoder *e);

/* Append the batch's spans as framed records; *nrecords counts them. 0 or -1 (memory). */
int encoder_traces(struct encoder *e, const struct batch *b, struct strbuf *out,
		   uint64_t *nrecords);

/* The same records built with protobuf-c (OTLP only): the reference. */
int encode_traces_reference(const struct encoder_config *cfg, const struct batch *b,
			    struct strbuf *out, uint64_t *nrecords);

#endif
