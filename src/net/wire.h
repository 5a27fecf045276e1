/*
 * net/wire.h - byte-level pieces of OTLP transports: gzip bodies, gRPC
 * message framing and timeouts, percent and base64 decoding.
 *
 * Pure functions, no I/O; every output is appended to a caller's strbuf
 * (whose `max` bounds it). Each returns 0 or -1 (bad input, out of memory,
 * or over the strbuf's max); on failure the strbuf is as it was.
 */
#ifndef NET_WIRE_H
#define NET_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

/* gzip (RFC 1952) of in[0..len): mtime 0, unknown OS, so deterministic. */
int wire_gzip(const void *in, size_t len, struct strbuf *out);

#define WIRE_TOO_BIG (-2)

/*
 * gunzip (gzip, or zlib when the gzip magic is absent) into out. Inflating
 * stops at out->max: a stream whose output would pass it is WIRE_TOO_BIG
 * (not -1), so a small compressed reply cannot become gigabytes in memory.
 */
int wire_gunzip(const void *in, size_t len, struct strbuf *out);

/* gRPC length prefix: compressed flag, then the length big-endian. */
void wire_grpc_prefix(uint8_t out[5], bool compressed, uint32_t len);

/*
 * The first message of a gRPC response body: sets *msg and *msglen (pointing
 * into body) and *compressed. An empty body gives -1 (no message); a body
 * shorter than its prefix says is -1 too.
 */
int wire_grpc_unframe(const void *body, size_t len, bool *compressed, const uint8_t **msg,
		      size_t *msglen);

/* grpc-timeout value for ms milliseconds: "<up to 8 digits>m", or S/M/H when larger. */
void wire_grpc_timeout(int64_t ms, char out[16]);

/*
 * %XX decoding (either hex case; '+' stays '+'). strict: a bad escape is
 * an error; otherwise it is copied as is (gRPC says so for grpc-message).
 */
int wire_percent_decode(const char *in, size_t len, bool strict, struct strbuf *out);

/* Base64, standard or URL alphabet, padding optional (grpc-*-bin headers). */
int wire_base64_decode(const char *in, size_t len, struct strbuf *out);

#endif
