/*
 * util/dir.h - every folder otelsim reads, read here (dir.c is the one file
 * that calls opendir), by one set of rules.
 *
 * dir_walk lists the files below a folder that a caller's filter wants:
 * the scenarios (load/), a conventions registry (load/semconv), OTLP inputs
 * (read/reader). The rules are the same for all:
 *   - names starting with '.' are skipped (hidden files, and the temporary
 *     folders of datasets being written);
 *   - each folder's entries are visited in byte order of their names, so
 *     the list (and everything made from it) is the same on every machine;
 *   - symbolic links are followed, except to a folder being walked (a loop);
 *   - at most DIR_WALK_DEPTH folders deep (OTELSIM_ELIMIT past it);
 *   - an entry that cannot be examined (a dangling link, a link loop) is
 *     offered to the filter as a file, so whoever opens it says why it
 *     cannot be read: nothing wanted is silently left out;
 *   - a wanted entry that is neither a file nor a folder (a FIFO, a
 *     socket, a device: reading one could block forever) is not listed
 *     but appended to *skipped, for the caller to warn about.
 * The filter sees each name with whether it is a folder: true takes a file
 * or walks into a folder.
 *
 * Errors: 0, or a negative otelsim code with err->file the folder:
 * "cannot read WHAT: reason" (OTELSIM_EINPUT when it is not there or not a
 * folder, else OTELSIM_EIO), OTELSIM_ENOMEM. Ownership: the list owns its
 * paths (dir_list_release). Threads: reentrant; nothing is shared.
 */
#ifndef UTIL_DIR_H
#define UTIL_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "otelsim/error.h"

#define DIR_WALK_DEPTH 32

struct dir_list {
	char **v; /* "root/sub/name", in walk order */
	size_t n, cap;
};

struct dir_walk {
	const char *what; /* how messages name the root ("the scenarios folder") */
	bool (*want)(void *ctx, const char *name, bool is_dir);
	void *ctx;
};

/* Append the wanted files below root to *out, the non-regular ones to *skipped. */
int dir_walk(const char *root, const struct dir_walk *w, struct dir_list *out,
	     struct dir_list *skipped, struct otelsim_error *err);
/* A path that is there and neither a regular file nor a folder (FIFO, socket, device). */
bool dir_is_special(const char *path);
/* The names in one folder (not "." or ".."), sorted, into an empty *out; 0, or -1 with
 * errno (*out released). */
int dir_names(const char *path, struct dir_list *out);
/* Append a copy of s; 0 or -1 (out of memory). */
int dir_list_add(struct dir_list *l, const char *s);
void dir_list_release(struct dir_list *l);

/*
 * Remove path and everything below it (links are removed, not followed);
 * a file is unlinked. 0, or -1 when something could not be removed.
 */
int dir_remove_tree(const char *path);

#endif
