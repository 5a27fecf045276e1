/*
 * util/strlist.h - questions about lists of strings that must stay fast on
 * long lists: the first repeated key (a mapping of 100k attribute keys is
 * checked in O(n log n), not n^2), and whether two tag lists meet.
 */
#ifndef UTIL_STRLIST_H
#define UTIL_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

/* One key: its bytes (they may hold NULs) and its place in the caller's list. */
struct strlist_key {
	const char *s;
	size_t len;
	size_t index;
};

/*
 * The repeat a front-to-back scan meets first: *second is the smallest
 * index whose text appeared earlier, *first the index where that text
 * appeared first. Returns 1 when there is a repeat, 0 when all are
 * distinct. Sorts keys[0..n) in place (by text, then index), so callers
 * can leave out entries (keys that are not strings) and still get their
 * own indices back.
 */
int strlist_first_dup(struct strlist_key *keys, size_t n, size_t *first, size_t *second);

/* True when some string is in both lists (exact match). */
bool strlist_intersects(const char *const *a, size_t na, const char *const *b, size_t nb);

#endif
