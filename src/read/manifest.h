/*
 * read/manifest.h - what a dataset's manifest.json tells a reader.
 *
 * otelsim writes manifest.json beside each dataset's files; a replay takes
 * its defaults from it and checks the files against their SHA-256 before
 * sending anything. Read fields (others are ignored):
 *   replay.endpoint, replay.protocol, replay.batch_size (the defaults),
 *   files[].name (relative to the manifest's folder), files[].sha256.
 * A missing manifest is not an error (*found = false).
 */
#ifndef READ_MANIFEST_H
#define READ_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

struct manifest_file {
	char *name;   /* as written in the manifest */
	char *sha256; /* 64 lowercase hex digits, or NULL */
};

struct manifest {
	char *dir;      /* the folder holding manifest.json */
	char *endpoint; /* NULL when absent */
	char *protocol;
	uint64_t batch_size; /* 0 when absent */
	struct manifest_file *files;
	size_t nfiles;
};

/* Read <dir>/manifest.json. Invalid JSON or field types: OTELSIM_EINPUT naming the file. */
int manifest_load(const char *dir, struct manifest *m, bool *found, struct otelsim_error *err);

/*
 * Check the SHA-256 of every listed file that has one. A missing file or a
 * different digest is OTELSIM_EIO naming the file.
 */
int manifest_verify(const struct manifest *m, struct otelsim_error *err);

/* The entry for `path` (a file in m->dir), or NULL. */
const struct manifest_file *manifest_find(const struct manifest *m, const char *path);

void manifest_release(struct manifest *m);

#endif
