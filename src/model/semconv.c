/*
 * model/semconv.c - the registry's questions: lookups in its sorted tables.
 */
#include "model/semconv.h"

#include <stdlib.h>
#include <string.h>

static int cmp_key(const char *key, size_t len, const char *s)
{
	int c = strncmp(key, s, len);

	if (c)
		return c;
	return s[len] ? -1 : 0;
}

const void *semconv_find_sorted(const void *base, size_t n, size_t stride, const char *key,
				size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = *(const char *const *)((const char *)base + mid * stride);
		int c = cmp_key(key, len, s);

		if (!c)
			return (const char *)base + mid * stride;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void semconv_free(struct semconv *sc)
{
	if (!sc)
		return;
	arena_release(&sc->arena);
	free(sc);
}

const struct sc_attr *semconv_attr(const struct semconv *sc, const char *id)
{
	const struct sc_attr *a;
	size_t len;

	if (!sc || !id)
		return NULL;
	len = strlen(id);
	if ((a = semconv_find_sorted(sc->attrs, sc->nattrs, sizeof(*a), id, len)))
		return a;
	/* "http.request.header.accept" is an instance of template "http.request.header" */
	while (len) {
		while (len && id[len - 1] != '.')
			len--;
		if (!len--)
			break;
		a = semconv_find_sorted(sc->attrs, sc->nattrs, sizeof(*a), id, len);
		if (a && a->type == SC_TEMPLATE)
			return a;
	}
	return NULL;
}

const struct sc_metric *semconv_metric(const struct semconv *sc, const char *name)
{
	if (!sc || !name)
		return NULL;
	return semconv_find_sorted(sc->metrics, sc->nmetrics, sizeof(*sc->metrics), name,
				   strlen(name));
}

const struct sc_span *semconv_span(const struct semconv *sc, const char *type)
{
	const struct sc_span *s;
	const struct sc_alias *al;
	size_t len;

	if (!sc || !type)
		return NULL;
	len = strlen(type);
	if ((s = semconv_find_sorted(sc->spans, sc->nspans, sizeof(*s), type, len)))
		return s;
	al = semconv_find_sorted(sc->aliases, sc->naliases, sizeof(*al), type, len);
	if (!al)
		return NULL;
	while (al + 1 < sc->aliases + sc->naliases && !strcmp(al[1].name, type))
		al++; /* the later span wins */
	return &sc->spans[al->span];
}

void semconv_counts(const struct semconv *sc, struct sc_counts *out)
{
	if (!sc) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = sc->counts;
}

const char *semconv_schema_url(const struct semconv *sc)
{
	return sc ? sc->schema_url : "";
}

size_t semconv_warning_count(const struct semconv *sc)
{
	return sc ? sc->nwarnings : 0;
}

const char *semconv_warning(const struct semconv *sc, size_t i)
{
	return sc && i < sc->nwarnings ? sc->warnings[i] : NULL;
}
