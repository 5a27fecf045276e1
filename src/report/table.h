/*
 * report/table.h - the two lookups the report needs, open addressing:
 *
 * strtab: interned strings, each stored once; an index per distinct
 * string, in first-seen order (so indexes are deterministic for the same
 * input order). idmap: a 64-bit key -> a 32-bit value, where the caller
 * compares the full identity itself (idmap_find walks every slot whose
 * key hash matches through a callback).
 *
 * Both grow at 50% load; failure to grow returns -1 and leaves the table
 * as it was.
 */
#ifndef REPORT_TABLE_H
#define REPORT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strtab {
	char **v;
	uint32_t *len;
	size_t n, cap;
	uint32_t *slots; /* index + 1, 0 = empty */
	size_t nslots;
};

/* Index of s[0..len), added when new; -1 on no memory. */
long strtab_intern(struct strtab *t, const char *s, size_t len);
void strtab_release(struct strtab *t);

struct idmap {
	uint64_t *keys;
	uint32_t *vals; /* value + 1, 0 = empty */
	size_t nslots, n;
};

/*
 * The value stored under `key` for which same(ctx, value) is true, or
 * UINT32_MAX. Several values may share a key hash: same() tells them apart.
 */
uint32_t idmap_find(const struct idmap *m, uint64_t key, bool (*same)(void *ctx, uint32_t v),
		    void *ctx);
int idmap_put(struct idmap *m, uint64_t key, uint32_t value);
void idmap_release(struct idmap *m);

/* A 64-bit mix of bytes (the key hash for both). */
uint64_t table_hash(const void *data, size_t len);

#endif
