#include "net/wire.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/text.h"

#define ZCHUNK 16384

int wire_gzip(const void *in, size_t len, struct strbuf *out)
{
	z_stream z;
	size_t start = out->len;
	int rc = Z_OK, ret = -1;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper with mtime 0, OS 255 (unknown) */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	do {
		size_t chunk = len > UINT32_MAX / 2 ? UINT32_MAX / 2 : len;

		z.avail_in = (uInt)chunk;
		len -= chunk;
		do {
			if (strbuf_grow(out, ZCHUNK))
				goto cleanup;
			z.next_out = (Bytef *)out->buf + out->len;
			z.avail_out = ZCHUNK;
			rc = deflate(&z, len ? Z_NO_FLUSH : Z_FINISH);
			if (rc == Z_STREAM_ERROR)
				goto cleanup;
			out->len += ZCHUNK - z.avail_out;
			out->buf[out->len] = '\0';
		} while (z.avail_out == 0);
	} while (len);
	if (rc != Z_STREAM_END)
		goto cleanup;
	ret = 0;
cleanup:
	deflateEnd(&z);
	if (ret)
		strbuf_truncate(out, start);
	return ret;
}

int wire_gunzip(const void *in, size_t len, struct strbuf *out)
{
	z_stream z;
	const uint8_t *p = in;
	size_t start = out->len;
	int rc = Z_OK, ret = -1;

	memset(&z, 0, sizeof(z));
	/* 15 + 32: detect gzip or zlib from the header */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return -1;
	if (len > UINT32_MAX)
		goto cleanup;
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	while (rc != Z_STREAM_END) {
		size_t room = ZCHUNK;
		uint8_t probe;

		if (out->max && out->max - out->len < room)
			room = out->max - out->len;
		if (room == 0) {
			/* at the cap: the stream may only end now, without another byte */
			z.next_out = &probe;
			z.avail_out = 1;
			rc = inflate(&z, Z_NO_FLUSH);
			if ((rc == Z_OK || rc == Z_STREAM_END) && z.avail_out == 0) {
				ret = WIRE_TOO_BIG;
				goto cleanup;
			}
			if (rc == Z_OK && z.avail_in > 0)
				continue; /* read a trailer, nothing made yet */
			if (rc != Z_STREAM_END)
				goto cleanup; /* truncated or corrupt */
			break;
		}
		if (strbuf_grow(out, room))
			goto cleanup;
		z.next_out = (Bytef *)out->buf + out->len;
		z.avail_out = (uInt)room;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			goto cleanup;
		out->len += room - z.avail_out;
		out->buf[out->len] = '\0';
		if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0)
			goto cleanup; /* truncated */
	}
	ret = 0;
cleanup:
	inflateEnd(&z);
	if (ret)
		strbuf_truncate(out, start);
	return ret;
}

void wire_grpc_prefix(uint8_t out[5], bool compressed, uint32_t len)
{
	out[0] = compressed ? 1 : 0;
	out[1] = (uint8_t)(len >> 24);
	out[2] = (uint8_t)(len >> 16);
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
}

int wire_grpc_unframe(const void *body, size_t len, bool *compressed, const uint8_t **msg,
		      size_t *msglen)
{
	const uint8_t *p = body;
	uint32_t n;

	if (len < 5 || p[0] > 1)
		return -1;
	n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	if (n > len - 5)
		return -1;
	*compressed = p[0] == 1;
	*msg = p + 5;
	*msglen = n;
	return 0;
}

void wire_grpc_timeout(int64_t ms, char out[16])
{
	static const struct {
		char unit;
		int64_t ms;
	} units[] = { { 'm', 1 }, { 'S', 1000 }, { 'M', 60000 }, { 'H', 3600000 } };
	int64_t v = ms < 1 ? 1 : ms;
	size_t i = 0;
	char digits[24];
	int n = 0;

	/* the largest unit whose rounded-up value fits 8 digits */
	for (i = 0; i < 3; i++) {
		if (v / units[i].ms <= 99999999)
			break;
	}
	v = (v + units[i].ms - 1) / units[i].ms;
	if (v > 99999999)
		v = 99999999;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int k = 0; k < n; k++)
		out[k] = digits[n - 1 - k];
	out[n] = units[i].unit;
	out[n + 1] = '\0';
}

int wire_percent_decode(const char *in, size_t len, bool strict, struct strbuf *out)
{
	size_t start = out->len;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi = i + 2 < len ? hex_digit_value((unsigned char)in[i + 1]) : -1;
			int lo = i + 2 < len ? hex_digit_value((unsigned char)in[i + 2]) : -1;

			if (hi >= 0 && lo >= 0) {
				c = hi << 4 | lo;
				i += 2;
			} else if (strict) {
				goto fail;
			}
		}
		if (strbuf_addch(out, c))
			goto fail;
	}
	return 0;
fail:
	strbuf_truncate(out, start);
	return -1;
}

int wire_base64_decode(const char *in, size_t len, struct strbuf *out)
{
	uint8_t *buf = malloc(len / 4 * 3 + 2);
	size_t n;
	int rc = -1;

	if (buf && base64_decode(in, len, BASE64_URL | BASE64_ANY_PAD, buf, &n, NULL) == 0)
		rc = strbuf_add(out, buf, n);
	free(buf);
	return rc;
}
