/*
 * util/arena.h - bump allocation for everything a batch needs.
 *
 * An arena hands out memory from large blocks; nothing is freed one by one.
 * `arena_reset` makes all of it reusable at once (keeping the first block, so
 * a steady workload stops calling malloc), `arena_release` gives it back.
 * Allocations are aligned to 16 bytes. Allocation failure returns NULL.
 *
 * Loaded scenarios live in one arena for the life of the project; each render
 * batch (a block of traces) uses an arena that is reset between blocks.
 */
#ifndef UTIL_ARENA_H
#define UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* current block (newest) */
	size_t block_size;        /* default size of a new block */
	size_t used;              /* bytes handed out since init/reset */
};

#define ARENA_INIT         \
	{                  \
		NULL, 0, 0 \
	}

void arena_init(struct arena *a, size_t block_size);
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
/* printf into the arena (C-locale safe for %d/%s/%u/%x; no floats). */
char *arena_printf(struct arena *a, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

#define ARENA_NEW(a, type)     ((type *)arena_zalloc((a), sizeof(type)))
#define ARENA_NEWN(a, type, n) ((type *)arena_zalloc((a), sizeof(type) * (size_t)(n)))

#endif
