/*
 * sink/gzip.h - deterministic gzip members.
 *
 * Each call compresses one chunk into one complete gzip member with a fixed
 * header (mtime 0, no name, OS 255 "unknown"), so the bytes depend only on
 * the input and zlib's version, never on the clock or machine. A file made
 * of several members is a valid gzip file (gzip, zlib's gzread and every
 * OTLP reader decompress members one after another), which lets each block
 * of traces be compressed on its own thread and lets shards be concatenated.
 *
 * A gzipper keeps one zlib stream (about 256 KiB at level 6) and resets it
 * between members instead of allocating it again: one per thread. A reset
 * stream gives exactly the bytes of a fresh one.
 */
#ifndef SINK_GZIP_H
#define SINK_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include <zlib.h>

#include "util/strbuf.h"

struct gzipper {
	z_stream zs;
	gz_header hdr; /* zlib keeps a pointer to it */
	int level;
	bool ready; /* zs initialised */
};

/* level 0..9 (6: gzip's default); the stream is set up on first use. */
void gzipper_init(struct gzipper *g, int level);
/*
 * Append one gzip member holding data[0..len) to out (any len). 0, or a
 * zlib error (Z_MEM_ERROR when out of memory); out is left as it was then.
 */
int gzipper_member(struct gzipper *g, const void *data, size_t len, struct strbuf *out);
void gzipper_release(struct gzipper *g);

#endif
