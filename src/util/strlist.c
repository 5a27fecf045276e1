#include "util/strlist.h"

#include <stdlib.h>
#include <string.h>

static int cmp_key(const void *pa, const void *pb)
{
	const struct strlist_key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->s, b->s, n) : 0;

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

static bool same_text(const struct strlist_key *a, const struct strlist_key *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->s, b->s, a->len));
}

int strlist_first_dup(struct strlist_key *keys, size_t n, size_t *first, size_t *second)
{
	bool found = false;

	if (n < 2)
		return 0;
	qsort(keys, n, sizeof(*keys), cmp_key);
	/* equal texts are adjacent, each run in index order: its first two count */
	for (size_t i = 1; i < n; i++) {
		if (!same_text(&keys[i - 1], &keys[i]) ||
		    (i >= 2 && same_text(&keys[i - 2], &keys[i])))
			continue;
		if (!found || keys[i].index < *second) {
			*first = keys[i - 1].index;
			*second = keys[i].index;
			found = true;
		}
	}
	return found;
}

bool strlist_intersects(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		for (size_t k = 0; k < nb; k++)
			if (!strcmp(a[i], b[k]))
				return true;
	return false;
}
