/*
 * util/jsonw.h - a small JSON writer for manifests and summaries (not the
 * telemetry hot path: encode/ has its own). Output is deterministic and
 * locale-free: keys in the order written, two-space indentation when
 * `pretty`, numbers via util/text.h. Commas are placed automatically.
 * Errors (out of memory) are sticky: check jsonw_finish's return.
 * Ownership: the writer appends to the caller's strbuf and owns nothing.
 * Threads: one writer per thread; json_escape is pure.
 */
#ifndef UTIL_JSONW_H
#define UTIL_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strbuf.h"

#define JSONW_MAX_DEPTH 32

struct jsonw {
	struct strbuf *out;
	bool pretty;
	int depth;
	bool first[JSONW_MAX_DEPTH]; /* no value yet at this depth */
	bool after_key;
	int failed;
};

void jsonw_init(struct jsonw *w, struct strbuf *out, bool pretty);
void jsonw_begin_object(struct jsonw *w);
void jsonw_end_object(struct jsonw *w);
void jsonw_begin_array(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_string(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_stringn(struct jsonw *w, const char *s, size_t len);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_double(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A value already written as JSON text (the caller vouches for it). */
void jsonw_raw(struct jsonw *w, const char *json, size_t len);
/* Adds the final newline when pretty; 0 or -1 (memory). */
int jsonw_finish(struct jsonw *w);

/* Room json_escape needs for n bytes: the quotes, and at most 6 bytes each. */
#define JSON_ESCAPED_MAX(n) ((n)*6 + 2)

/*
 * The one JSON string escaper, every JSON writer's (manifests, summaries,
 * the report's data, OTLP/JSON files and requests): s[0..n) as a quoted
 * RFC 8259 string into dst, which has room for JSON_ESCAPED_MAX(n) bytes.
 * '"' and '\' get a backslash, control characters are \u00XX (lowercase
 * hex), valid UTF-8 is kept as is, and each byte of an invalid UTF-8
 * sequence is written \ufffd, so the output is always valid UTF-8. Returns
 * the bytes written (no NUL). Pure: any thread.
 */
size_t json_escape(char *dst, const char *s, size_t n);
/* json_escape appended to out: 0, or -1 (out of memory or past out->max). */
int jsonw_add_str(struct strbuf *out, const char *s, size_t len);

#endif
