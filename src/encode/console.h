/*
 * encode/console.h - rendered spans as text for people (--show-spans,
 * --show-full-spans): one line per span, indented by depth, with service,
 * kind, start offset from the trace's root, duration and status; the full
 * form adds every attribute, event and link. Deterministic like the other
 * encoders (no locale, no clock).
 *
 * Ownership: text is appended to the caller's strbuf; nothing is kept.
 * Errors: -1 when out of memory (or past the strbuf's cap). Threads: pure,
 * any thread with its own strbuf.
 */
#ifndef ENCODE_CONSOLE_H
#define ENCODE_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/batch.h"
#include "model/model.h"
#include "util/strbuf.h"

/* A span whose parent is not among the spans before it is printed at depth 0. */
int encode_console(const struct model *m, const struct batch *b, bool full, struct strbuf *out);

/*
 * The one span-as-text line, for --show-spans and `otelsim show` alike:
 * "<indent>name [service] kind +offset duration[ ERROR[: status]]", times
 * as milliseconds with three decimals, no newline. -1 when out of memory.
 */
struct console_span {
	const char *name;
	size_t name_len;
	const char *service;
	int kind; /* OTLP SpanKind; out of range: "unspecified" */
	int depth;
	int64_t offset_ns, duration_ns; /* from the trace's root start; the span's */
	bool error;
	const char *status; /* may be NULL */
	size_t status_len;
};

int console_span_line(struct strbuf *out, const struct console_span *s);
/* A duration as "12.345ms" (integer arithmetic, a '-' when negative). */
int console_ms(struct strbuf *out, int64_t ns);

/* One value as text (strings unquoted). */
int console_value(struct strbuf *out, const struct value *v);

#endif
