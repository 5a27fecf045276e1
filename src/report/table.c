/*
 * Open-addressing tables for the report (see table.h).
 */
#include <stdlib.h>
#include <string.h>

#include "report/table.h"

uint64_t table_hash(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;

	/* FNV-1a over the bytes, then a splitmix64 finish for the low bits */
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

static int strtab_grow(struct strtab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = calloc(ns, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t k = table_hash(t->v[i], t->len[i]) & (ns - 1);

		while (slots[k])
			k = (k + 1) & (ns - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	return 0;
}

long strtab_intern(struct strtab *t, const char *s, size_t len)
{
	size_t k;
	char *copy;

	if ((t->n + 1) * 2 > t->nslots && strtab_grow(t))
		return -1;
	k = table_hash(s, len) & (t->nslots - 1);
	while (t->slots[k]) {
		uint32_t i = t->slots[k] - 1;

		if (t->len[i] == len && !memcmp(t->v[i], s, len))
			return i;
		k = (k + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 256;
		char **v = realloc(t->v, nc * sizeof(*v));
		uint32_t *l;

		if (!v)
			return -1;
		t->v = v;
		l = realloc(t->len, nc * sizeof(*l));
		if (!l)
			return -1;
		t->len = l;
		t->cap = nc;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	t->v[t->n] = copy;
	t->len[t->n] = (uint32_t)len;
	t->slots[k] = (uint32_t)t->n + 1;
	return (long)t->n++;
}

void strtab_release(struct strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->len);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

uint32_t idmap_find(const struct idmap *m, uint64_t key, bool (*same)(void *ctx, uint32_t v),
		    void *ctx)
{
	size_t k;

	if (!m->nslots)
		return UINT32_MAX;
	k = key & (m->nslots - 1);
	while (m->vals[k]) {
		if (m->keys[k] == key && same(ctx, m->vals[k] - 1))
			return m->vals[k] - 1;
		k = (k + 1) & (m->nslots - 1);
	}
	return UINT32_MAX;
}

static int idmap_grow(struct idmap *m)
{
	size_t ns = m->nslots ? m->nslots * 2 : 1024;
	uint64_t *keys = malloc(ns * sizeof(*keys));
	uint32_t *vals = calloc(ns, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->nslots; i++) {
		size_t k;

		if (!m->vals[i])
			continue;
		k = m->keys[i] & (ns - 1);
		while (vals[k])
			k = (k + 1) & (ns - 1);
		keys[k] = m->keys[i];
		vals[k] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->nslots = ns;
	return 0;
}

int idmap_put(struct idmap *m, uint64_t key, uint32_t value)
{
	size_t k;

	if ((m->n + 1) * 2 > m->nslots && idmap_grow(m))
		return -1;
	k = key & (m->nslots - 1);
	while (m->vals[k])
		k = (k + 1) & (m->nslots - 1);
	m->keys[k] = key;
	m->vals[k] = value + 1;
	m->n++;
	return 0;
}

void idmap_release(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
