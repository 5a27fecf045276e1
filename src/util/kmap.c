/* util/kmap.c - byte strings to dense indices (kmap.h). */
#include "util/kmap.h"

#include <stdlib.h>
#include <string.h>


void kmap_init(struct kmap *m)
{
	memset(m, 0, sizeof(*m));
}

void kmap_reset(struct kmap *m)
{
	if (m->slots)
		memset(m->slots, 0, m->nslots * sizeof(*m->slots));
	m->n = 0;
	m->keys_len = 0;
}

void kmap_release(struct kmap *m)
{
	free(m->slots);
	free(m->offsets);
	free(m->keys);
	kmap_init(m);
}

const char *kmap_key(const struct kmap *m, uint32_t i, size_t *len)
{
	*len = (size_t)(m->offsets[i + 1] - m->offsets[i]);
	return m->keys + m->offsets[i];
}

/* 8 bytes at a time (the table's own: indices never depend on it) */
static uint64_t hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static size_t slot_of(const struct kmap *m, const void *key, size_t len)
{
	return (size_t)hash_bytes(key, len) & (m->nslots - 1);
}

static int rehash(struct kmap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	for (size_t i = 0; i < m->n; i++) {
		size_t len;
		const char *k = kmap_key(m, (uint32_t)i, &len);
		size_t h = slot_of(m, k, len);

		while (m->slots[h])
			h = (h + 1) & (n - 1);
		m->slots[h] = (uint32_t)i + 1;
	}
	return 0;
}

static int append(struct kmap *m, const void *key, size_t len)
{
	if (m->n + 2 > m->cap) {
		size_t c = m->cap ? m->cap * 2 : 64;
		uint64_t *o = realloc(m->offsets, c * sizeof(*o));

		if (!o)
			return -1;
		m->offsets = o;
		m->cap = c;
	}
	if (m->keys_len + len > m->keys_cap) {
		size_t c = m->keys_cap ? m->keys_cap * 2 : 4096;
		char *k;

		while (c < m->keys_len + len)
			c *= 2;
		if (!(k = realloc(m->keys, c)))
			return -1;
		m->keys = k;
		m->keys_cap = c;
	}
	memcpy(m->keys + m->keys_len, key, len);
	m->offsets[m->n] = m->keys_len;
	m->keys_len += len;
	m->offsets[m->n + 1] = m->keys_len;
	m->n++;
	return 0;
}

int kmap_put(struct kmap *m, const void *key, size_t len, uint32_t *idx, int *added)
{
	size_t h;

	*added = 0;
	if ((m->n + 1) * 2 > m->nslots && rehash(m))
		return -1;
	for (h = slot_of(m, key, len);; h = (h + 1) & (m->nslots - 1)) {
		uint32_t s = m->slots[h];
		size_t klen;
		const char *k;

		if (!s)
			break;
		k = kmap_key(m, s - 1, &klen);
		if (klen == len && !memcmp(k, key, len)) {
			*idx = s - 1;
			return 0;
		}
	}
	if (m->n >= UINT32_MAX - 1 || append(m, key, len))
		return -1;
	m->slots[h] = (uint32_t)m->n;
	*idx = (uint32_t)m->n - 1;
	*added = 1;
	return 0;
}

int kmap_get(const struct kmap *m, const void *key, size_t len, uint32_t *idx)
{
	if (!m->n)
		return -1;
	for (size_t h = slot_of(m, key, len);; h = (h + 1) & (m->nslots - 1)) {
		uint32_t s = m->slots[h];
		size_t klen;
		const char *k;

		if (!s)
			return -1;
		k = kmap_key(m, s - 1, &klen);
		if (klen == len && !memcmp(k, key, len)) {
			*idx = s - 1;
			return 0;
		}
	}
}
