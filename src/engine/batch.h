/*
 * engine/batch.h - rendered telemetry: what the engine hands the encoders.
 *
 * A batch holds the spans of one block of traces (traces are rendered in
 * fixed blocks by global index, so any block can be rendered alone, on any
 * thread or machine). Spans appear trace by trace, each trace in depth-first
 * order (parents before children). Every pointer points into `arena`, which
 * the batch's owner resets between blocks.
 */
#ifndef ENGINE_BATCH_H
#define ENGINE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "model/value.h"
#include "util/arena.h"

#define SPAN_FLAGS_SAMPLED       0x01u
#define SPAN_FLAGS_HAS_IS_REMOTE 0x100u
#define SPAN_FLAGS_IS_REMOTE     0x200u

struct event_out {
	uint64_t time_ns;
	const char *name;
	uint32_t name_len;
	struct keyval *attrs;
	uint32_t nattrs;
};

struct link_out {
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint32_t flags;
	struct keyval *attrs;
	uint32_t nattrs;
};

struct span_out {
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint8_t parent_span_id[8];
	uint8_t has_parent;
	uint8_t kind;        /* OTLP SpanKind */
	uint8_t status_code; /* 0 unset, 1 ok, 2 error */
	uint32_t flags;      /* W3C flags | has-is-remote | is-remote */
	uint32_t resource;   /* index into model->services */
	const char *name;
	uint32_t name_len;
	const char *status_message; /* NULL or len 0: none */
	uint32_t status_message_len;
	uint64_t start_ns, end_ns;
	struct keyval *attrs;
	uint32_t nattrs;
	struct event_out *events;
	uint32_t nevents;
	struct link_out *links;
	uint32_t nlinks;
};

struct batch {
	struct arena arena;
	struct span_out *spans;
	size_t nspans, cap;
	uint64_t first_trace; /* global index of the first trace */
	uint64_t ntraces;
	uint64_t nerror_spans; /* spans with status ERROR */
	int64_t min_start_ns, max_end_ns;
};

void batch_init(struct batch *b);
void batch_reset(struct batch *b, uint64_t first_trace);
/* A zeroed span at the end (NULL when out of memory). May move `spans`. */
struct span_out *batch_add_span(struct batch *b);
void batch_release(struct batch *b);

#endif
