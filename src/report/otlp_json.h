/*
 * report/otlp_json.h - OTLP items as the page's JSON (pass 2).
 *
 * Values are typed the way the page shows them: a string, a bool, an int
 * (a JSON number within +-2^53, else its decimal string), a double (NaN
 * and infinities as strings), bytes as {"b64": "..."}, an array as an
 * array, a kvlist as {"kv": [[key, value], ...]}. Attributes are
 * [[key, value], ...] in their order in the file. Strings longer than
 * REPORT_MAX_TEXT bytes are cut (with "… (N bytes)" after them) and
 * invalid UTF-8 becomes U+FFFD, so any file gives a valid page.
 *
 * A span is [span_id, parent_span_id, name, service, kind, start, duration,
 * status_code, status_message, attributes, events, links, resource,
 * flags], start relative to its trace's start; an event [time since the
 * span's start, name, attributes]; a link [trace_id, span_id, attributes].
 * A log record is [time since the report's start, severity_number,
 * severity_text, service, event_name, body, trace_id, span_id, attributes,
 * resource]. Ids are lowercase hex ("" when absent); resource indexes the
 * page's resource table: [attributes, "scope version"].
 */
#ifndef REPORT_OTLP_JSON_H
#define REPORT_OTLP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "opentelemetry/proto/logs/v1/logs.pb-c.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "util/jsonw.h"

#define REPORT_MAX_TEXT 4096

struct report;

void report_json_text(struct jsonw *w, const char *s, size_t len);
void report_json_attrs(struct jsonw *w, Opentelemetry__Proto__Common__V1__KeyValue **kv, size_t n);
/* The scope (InstrumentationScope bytes, or NULL) as "name version". */
void report_json_scope(struct jsonw *w, const uint8_t *p, const uint8_t *end);
/* Append one span / log record (a leading comma after the first) to sb; 0 or -1 (memory). */
int report_json_span(struct report *r, struct strbuf *sb, int32_t row,
		     const Opentelemetry__Proto__Trace__V1__Span *s, uint32_t resource,
		     uint32_t svc);
int report_json_log(struct report *r, struct strbuf *sb,
		    const Opentelemetry__Proto__Logs__V1__LogRecord *l, uint32_t resource,
		    uint32_t svc);

#endif
