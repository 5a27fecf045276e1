/*
 * util/strbuf.h - a growable byte buffer.
 *
 * Invariants: `buf` is NULL or points at `alloc` bytes; `len < alloc` when
 * buf is non-NULL and buf[len] == '\0', so buf is always a C string (the
 * content itself may hold NULs). `max` (0 = none) caps `len`: a call that
 * would pass it fails with -1 and leaves the buffer as it was, like curl's
 * dynbuf `toobig`. Every adder returns 0 or -1 (out of memory or over max).
 */
#ifndef UTIL_STRBUF_H
#define UTIL_STRBUF_H

#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;
	size_t len, alloc;
	size_t max;
};

#define STRBUF_INIT           \
	{                     \
		NULL, 0, 0, 0 \
	}

void strbuf_init(struct strbuf *sb, size_t max);
int strbuf_grow(struct strbuf *sb, size_t extra); /* room for extra more */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, int c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void strbuf_reset(struct strbuf *sb); /* len = 0, keeps memory */
/* Back to its first len bytes (len <= sb->len: undoing appends), keeps memory. */
void strbuf_truncate(struct strbuf *sb, size_t len);
void strbuf_release(struct strbuf *sb); /* frees, back to STRBUF_INIT (max kept) */
/* Take the buffer (caller frees); the strbuf is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
