/*
 * sink/gzip.h - deterministic gzip members.
 *
 * Each call compresses one chunk into one complete gzip member with a fixed
 * header (mtime 0, no name, OS 255 "unknown"), so the bytes depend only on
 * the input and zlib's version, never on the clock or machine. A file made
 * of several members is a valid gzip file (gzip, zlib's gzread and every
 * OTLP reader decompress members one after another), which lets each block
 * of traces be compressed on its own thread and lets shards be concatenated.
 */
#ifndef SINK_GZIP_H
#define SINK_GZIP_H

#include <stddef.h>

#include "util/strbuf.h"

/* Append one gzip member holding data[0..len) to out. 0 or -1. */
int gzip_member(const void *data, size_t len, int level, struct strbuf *out);

#endif
