/*
 * encode/console.h - rendered spans as text for people (--show-spans,
 * --show-full-spans): one line per span, indented by depth, with service,
 * kind, start offset from the trace's root, duration and status; the full
 * form adds every attribute, event and link. Deterministic like the other
 * encoders (no locale, no clock).
 */
#ifndef ENCODE_CONSOLE_H
#define ENCODE_CONSOLE_H

#include <stdbool.h>

#include "engine/batch.h"
#include "model/model.h"
#include "util/strbuf.h"

/* A span whose parent is not among the spans before it is printed at depth 0. */
int encode_console(const struct model *m, const struct batch *b, bool full, struct strbuf *out);

/* One value as text (strings unquoted); used by console and `show`. */
int console_value(struct strbuf *out, const struct value *v);

#endif
