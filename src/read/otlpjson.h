/*
 * read/otlpjson.h - OTLP/JSON <-> protobuf, for any OTLP message.
 *
 * Driven by protobuf-c's descriptor tables (build/gen/opentelemetry/...), so
 * one converter serves every message type.
 *
 * Reading is lenient, as the OTLP specification asks: keys in lowerCamelCase
 * or snake_case; unknown keys and `null` values ignored; 64-bit integers as
 * strings or numbers (read from the number's text, never through a double,
 * so nanoseconds stay exact; "1.5e9" is accepted when it is an integer);
 * 32-bit integers, floats and booleans also as strings; enums as integers
 * or names ("SPAN_KIND_SERVER"); trace_id/span_id/parent_span_id (spans,
 * links, log records, exemplars) as hex (base64 of the right length is
 * accepted too), other bytes as base64 (standard or URL alphabet, padding
 * optional); doubles as numbers or "NaN", "Infinity", "-Infinity". An id of
 * the wrong length, a bad value or malformed JSON fails with OTELSIM_EINPUT
 * and the 1-based line and column (relative to the text given) in *err.
 *
 * Writing gives the strict form of otlp-facts.md: lowerCamelCase keys in the
 * .proto's declaration order, lowercase hex ids, base64 bytes, integer enums,
 * 64-bit integers as decimal strings, doubles in their shortest round-trip
 * form ("NaN", "Infinity", "-Infinity" as strings), fields holding their
 * default value omitted (a oneof member that is set is always written), no
 * whitespace. Invalid UTF-8 in a string comes out as U+FFFD.
 *
 * Why not cJSON (which the manifest and gRPC status readers use): cJSON
 * keeps a number only as a double, so a 64-bit integer written as a JSON
 * number (timeUnixNano: 1767225600000000001, as other tools write them)
 * would lose its low bits past 2^53; it also keeps no line and column for
 * the error messages. The small tree here keeps each number's text.
 *
 * Three files: read/jsontree.c (the JSON tree), otlpjson.c (tree ->
 * protobuf), otlpjson_write.c (protobuf -> JSON). Errors: as above;
 * ownership: parsed trees live in the caller's arena; threads: reentrant.
 *
 * Round trip: for a canonical protobuf message m,
 * otlpjson_to_protobuf(otlpjson_from_protobuf(m)) == m, byte for byte.
 */
#ifndef READ_OTLPJSON_H
#define READ_OTLPJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "otelsim/error.h"
#include "util/arena.h"
#include "util/strbuf.h"

#define OTLPJSON_MAX_DEPTH 128 /* = JSON_TREE_MAX_DEPTH */

/* TracesData / MetricsData / LogsData for OTELSIM_TRACES / METRICS / LOGS (events: logs). */
const ProtobufCMessageDescriptor *otlpjson_descriptor(int signal);

/*
 * The signal of one JSON text from its top-level key (resourceSpans,
 * resourceMetrics, resourceLogs, or their snake_case forms): 0 and *signal
 * set; -1 when the text is not a JSON object or has none of them.
 */
int otlpjson_signal(const char *json, size_t len, int *signal);

/*
 * Parse one JSON value as message `desc` into a protobuf-c tree allocated
 * in `a` (free it by resetting the arena). Trailing whitespace is allowed,
 * anything else after the value is an error.
 */
int otlpjson_parse(const ProtobufCMessageDescriptor *desc, const char *json, size_t len,
		   struct arena *a, ProtobufCMessage **out, struct otelsim_error *err);

/* Parse and pack: the protobuf encoding appended to out. */
int otlpjson_to_protobuf(const ProtobufCMessageDescriptor *desc, const char *json, size_t len,
			 struct strbuf *out, struct otelsim_error *err);

/* A protobuf-c tree as strict OTLP/JSON, appended to out (no newline). 0 or -1 (memory). */
int otlpjson_write(const ProtobufCMessage *msg, struct strbuf *out);

/* Protobuf bytes of `desc` as strict OTLP/JSON appended to out; OTELSIM_EINPUT if they do not unpack. */
int otlpjson_from_protobuf(const ProtobufCMessageDescriptor *desc, const uint8_t *pb, size_t len,
			   struct strbuf *out, struct otelsim_error *err);

/* Shared by the reader and the writer: trace_id, span_id and parent_span_id
 * are hex, not base64; the storage of one element of a field. */
bool otlpjson_is_id_field(const ProtobufCFieldDescriptor *f);
size_t otlpjson_elem_size(const ProtobufCFieldDescriptor *f);

#endif
