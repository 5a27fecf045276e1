/*
 * encode/encode_int.h - what encode.c, pb.c and json.c share (not public).
 *
 * An encoder turns a batch in two steps:
 *   1. every span is encoded once on its own (pb.c: a Span message body,
 *      written back to front; json.c: a Span JSON object, front to back)
 *      into the encoder's scratch buffer, remembering where each landed;
 *   2. encode.c walks the spans in batch order, groups them by resource and
 *      cuts records with the split rule (encode.h), using each format's exact
 *      record size; then the format writes each record into the output by
 *      copying the span bytes between cached resource/scope envelopes.
 * Encoded spans are copied once more (step 2), which is what lets a record
 * be sized exactly before any of it is written.
 */
#ifndef ENCODE_ENCODE_INT_H
#define ENCODE_ENCODE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "encode/encode.h"
#include "util/varint.h"

/* A byte buffer written back to front: the data is buf[cap - used, cap). */
struct rwriter {
	uint8_t *buf;
	size_t cap, used;
};

/* Room for n more bytes (moves the data to the end of a larger buffer). */
int rw_grow(struct rwriter *w, size_t n);
void rw_release(struct rwriter *w);

static inline int rw_reserve(struct rwriter *w, size_t n)
{
	return w->cap - w->used >= n ? 0 : rw_grow(w, n);
}

/* A byte buffer written front to back (JSON spans). */
struct fwriter {
	char *buf;
	size_t len, cap;
};

int fw_grow(struct fwriter *w, size_t n);
void fw_release(struct fwriter *w);

static inline int fw_reserve(struct fwriter *w, size_t n)
{
	return w->cap - w->len >= n ? 0 : fw_grow(w, n);
}

/* Per-resource envelopes, built once per encoder. */
struct res_env {
	uint8_t *pb; /* protobuf: the ResourceSpans.resource field (tag, length, body) */
	size_t pb_len;
	char *json; /* JSON: `{"resource":{...},"scopeSpans":[{"scope":{...},"spans":[` */
	size_t json_len;
};

/* A resource's spans inside the record being cut. */
struct group {
	uint32_t res;
	uint32_t nspans;
	size_t head, tail; /* span indices; linked through encoder->next */
	size_t body; /* protobuf: bytes of its span fields; JSON: of its span objects + commas */
};

struct encoder {
	struct encoder_config cfg;
	size_t max;
	uint32_t nres;
	struct res_env *res;
	/* protobuf: ScopeSpans.scope field and the schema_url field (both tag/length framed) */
	uint8_t *scope_pb, *schema_pb;
	size_t scope_pb_len, schema_pb_len;
	/* JSON: what closes a resource's group: `]` [schema] `}]` [schema] `}` */
	char *json_tail;
	size_t json_tail_len;

	/* step 1 */
	struct rwriter rw;
	struct fwriter fw;
	size_t *span_pos; /* pb: `used` after the span was written; JSON: start offset */
	uint32_t *span_len;
	size_t span_cap;

	/* step 2 */
	struct group *groups;
	uint32_t ngroups;
	uint32_t *res_group; /* resource -> group index + 1 in the current record, 0 = none */
	size_t *next;        /* span -> next span of its group */
};

/* Step 1 for each format: fill span_pos/span_len for every span. 0 or -1. */
int pb_encode_spans(struct encoder *e, const struct batch *b);
int json_encode_spans(struct encoder *e, const struct batch *b);

/* Envelopes (called by encoder_new). 0 or -1. */
int pb_build_envelopes(struct encoder *e);
int json_build_envelopes(struct encoder *e);

/* Bytes a group adds to a record (its whole ResourceSpans). */
size_t pb_group_size(const struct encoder *e, const struct group *g);
size_t json_group_size(const struct encoder *e, const struct group *g);

/*
 * Appends the record made of e->groups, whose group sizes add up to `sum`
 * (for protobuf that is the TracesData size). 0 or -1.
 */
int pb_write_record(struct encoder *e, size_t sum, struct strbuf *out);
int json_write_record(struct encoder *e, size_t sum, struct strbuf *out);

#endif
