/*
 * read/flat.h - seed 003's flat NDJSON records as OTLP/JSON, for the reader.
 *
 * A flat NDJSON file holds one JSON object a line, all of one kind, the
 * keys otelsim's `--format ndjson` writes (encode/ndjson.c) and seed 003's
 * tool writes:
 *   traces   timestamp, trace_id, span_id, parent_span_id, service,
 *            operation, duration_ms, status
 *   logs     timestamp, service, level, message, trace_id
 *   metrics  timestamp, service, metric, value, unit
 *   events   timestamp, type, service, details, severity, version
 * The kind comes from the first line's keys (span_id or operation: traces;
 * metric: metrics; type or details: events; level or message: logs), else
 * from the file name (traces, metrics, logs, events).
 *
 * The mapping to OTLP (a record is a TracesData, MetricsData or LogsData of
 * up to FLAT_LINES_PER_RECORD lines; consecutive lines of one service share
 * a ResourceX whose only attribute is service.name, under one scope named
 * "otelsim.ndjson"):
 *   traces  -> a Span: trace_id, span_id, parent_span_id (none when null or
 *              absent), name = operation, start = timestamp, end = start +
 *              duration_ms (exact to the nanosecond, up to six decimals),
 *              status "error" (any case) -> STATUS_CODE_ERROR, anything
 *              else -> unset;
 *   logs    -> a LogRecord: time and observed time = timestamp,
 *              severity_text = level, severity_number from it (TRACE 1,
 *              DEBUG 5, INFO 9, WARN/WARNING 13, ERROR 17, FATAL/CRITICAL
 *              21, other 0), body = message (a string), trace_id (no span
 *              id: flat logs have none);
 *   metrics -> a Metric named `metric` with `unit`, one Gauge point at
 *              timestamp: as_int when value is an integer, else as_double;
 *              a null value is a point flagged "no recorded value";
 *   events  -> a LogRecord with event_name = type, body = details,
 *              severity_text = severity (number as for logs), and the
 *              attribute service.version = version when not null.
 * Ids: 32 (trace) or 16 (span) hex digits, not all zero, are taken as
 * they are; any other string (seed 003 writes "abc123def456", "xyz789") is
 * mapped to the first 16 or 8 bytes of its SHA-256 (a last byte 1 if that
 * were all zero), so the same text gives the same id in every file: logs
 * keep pointing at their traces, children at their parents.
 *
 * An empty optional id ("") is none, as null. Required (present and not
 * null): timestamp, service and trace_id,
 * span_id, operation, duration_ms (traces); metric and value, present
 * but possibly null (metrics); type (events); level and message may be
 * null, the rest may be null or absent. Timestamps are RFC 3339 with a
 * date, a time and an offset ("Z" or +HH:MM) - no offset is an error, not
 * a guess. Other keys are ignored. Strings must be strings, numbers
 * numbers.
 *
 * Threads: reentrant, the builder is the caller's.
 */
#ifndef READ_FLAT_H
#define READ_FLAT_H

#include <stddef.h>
#include <stdint.h>

#include "read/jsontree.h"
#include "util/strbuf.h"

#define FLAT_LINES_PER_RECORD 512

enum flat_kind { FLAT_TRACES = 0, FLAT_METRICS, FLAT_LOGS, FLAT_EVENTS };

/* The kind of a line's object by its keys, else by the file name; -1: neither. */
int flat_kind(const struct jval *obj, const char *path);
/* OTELSIM_TRACES, OTELSIM_METRICS or OTELSIM_LOGS (events are log records). */
int flat_signal(int kind);
/* "traces", "metrics", "logs", "events" */
const char *flat_kind_name(int kind);

/* One record being built. */
struct flat_builder {
	int kind;
	struct strbuf json;    /* the OTLP/JSON record so far */
	struct strbuf item;    /* the item being converted */
	struct strbuf service; /* of the open ResourceX */
	size_t nitems;
	int open; /* a ResourceX is open */
};

void flat_init(struct flat_builder *b);
void flat_release(struct flat_builder *b);
/* Start a record of `kind` (forgets the last one). */
void flat_begin(struct flat_builder *b, int kind);
/*
 * Convert one line's object and append it: 0; -1 out of memory; or 1 when
 * the line is bad: why[] names the field and what is wrong ("field
 * 'timestamp': no UTC offset"), *line and *col (may be NULL) where (the
 * object's or the field's position in the line's text), and nothing is
 * added.
 */
int flat_add(struct flat_builder *b, const struct jval *obj, char *why, size_t n, int *line,
	     int *col);
/* Close the record: b->json holds it (no newline). 0 or -1 (memory). */
int flat_end(struct flat_builder *b);

/* The id for a flat id text: hex as it is, else its SHA-256 prefix (n is 16 or 8). */
void flat_id(const char *s, size_t len, uint8_t *out, size_t n);

#endif
