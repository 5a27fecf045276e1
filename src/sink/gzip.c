#include "sink/gzip.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

void gzipper_init(struct gzipper *g, int level)
{
	memset(g, 0, sizeof(*g));
	g->level = level;
}

/* A fresh stream the first time, a reset one after: the same state. */
static int gzipper_start(struct gzipper *g)
{
	int rc;

	if (!g->ready) {
		rc = deflateInit2(&g->zs, g->level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		if (rc != Z_OK)
			return rc;
		g->ready = true;
	} else {
		rc = deflateReset(&g->zs);
		if (rc != Z_OK)
			return rc;
	}
	memset(&g->hdr, 0, sizeof(g->hdr));
	g->hdr.os = 255; /* unknown: the same bytes on every OS */
	g->hdr.time = 0;
	return deflateSetHeader(&g->zs, &g->hdr);
}

int gzipper_member(struct gzipper *g, const void *data, size_t len, struct strbuf *out)
{
	const Bytef *in = data;
	size_t start = out->len, left = len;
	uLong bound;
	int rc = gzipper_start(g);

	if (rc != Z_OK)
		return rc;
	bound = deflateBound(&g->zs, (uLong)len);
	if (bound < len || strbuf_grow(out, (size_t)bound + 32))
		return Z_MEM_ERROR;
	/* avail_in and avail_out are 32-bit: feed larger inputs in pieces */
	do {
		uInt piece = left > UINT_MAX ? UINT_MAX : (uInt)left;
		size_t room = out->alloc - out->len - 1;

		g->zs.next_in = (Bytef *)(uintptr_t)in;
		g->zs.avail_in = piece;
		g->zs.next_out = (Bytef *)out->buf + out->len;
		g->zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		rc = deflate(&g->zs, left == piece ? Z_FINISH : Z_NO_FLUSH);
		out->len = (size_t)((char *)g->zs.next_out - out->buf);
		in += piece - g->zs.avail_in;
		left -= piece - g->zs.avail_in;
	} while (rc == Z_OK); /* Z_BUF_ERROR when no progress is possible */
	if (rc != Z_STREAM_END) {
		strbuf_truncate(out, start);
		return rc;
	}
	out->buf[out->len] = '\0';
	return Z_OK;
}

void gzipper_release(struct gzipper *g)
{
	if (g->ready)
		deflateEnd(&g->zs);
	g->ready = false;
}
