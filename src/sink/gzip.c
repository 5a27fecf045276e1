#include "sink/gzip.h"

#include <string.h>
#include <zlib.h>

int gzip_member(const void *data, size_t len, int level, struct strbuf *out)
{
	z_stream zs;
	gz_header hdr;
	int rc;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	memset(&hdr, 0, sizeof(hdr));
	hdr.os = 255;  /* unknown: the same bytes on every OS */
	hdr.time = 0;
	if (deflateSetHeader(&zs, &hdr) != Z_OK) {
		deflateEnd(&zs);
		return -1;
	}
	if (strbuf_grow(out, deflateBound(&zs, (uLong)len) + 32)) {
		deflateEnd(&zs);
		return -1;
	}
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out->buf + out->len;
	zs.avail_out = (uInt)(out->alloc - out->len - 1);
	rc = deflate(&zs, Z_FINISH);
	if (rc != Z_STREAM_END) {
		deflateEnd(&zs);
		return -1;
	}
	out->len += zs.total_out;
	out->buf[out->len] = '\0';
	deflateEnd(&zs);
	return 0;
}
