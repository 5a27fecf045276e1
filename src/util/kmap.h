/*
 * util/kmap.h - byte strings to dense indices (0, 1, 2... in the order they
 * were first added): an open-addressing hash table whose keys live in one
 * buffer. For the metrics' stream tables; no removal, reset keeps memory.
 */
#ifndef UTIL_KMAP_H
#define UTIL_KMAP_H

#include <stddef.h>
#include <stdint.h>

struct kmap {
	uint32_t *slots;   /* index + 1; 0 empty */
	size_t nslots;     /* a power of two */
	uint64_t *offsets; /* per index: where its key starts in keys; one more at the end */
	size_t n, cap;
	char *keys;
	size_t keys_len, keys_cap;
};

void kmap_init(struct kmap *m);
void kmap_reset(struct kmap *m);
void kmap_release(struct kmap *m);
/* The index of key (added when new: *added set). 0, or -1 out of memory. */
int kmap_put(struct kmap *m, const void *key, size_t len, uint32_t *idx, int *added);
/* The index of key: 0, or -1 when it is not there. */
int kmap_get(const struct kmap *m, const void *key, size_t len, uint32_t *idx);
/* Index i's key and its length. */
const char *kmap_key(const struct kmap *m, uint32_t i, size_t *len);

#endif
