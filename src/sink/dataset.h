/*
 * sink/dataset.h - a dataset folder that appears complete or not at all.
 *
 * dataset_open creates a hidden temporary folder beside the final one
 * (<parent>/.<name>.tmp.<pid>.<n>); files are written inside it, each
 * hashed (SHA-256) and counted as it goes; dataset_commit writes
 * manifest.json and swaps the folder into place (renameat2 RENAME_EXCHANGE
 * when a previous dataset exists, then removes the old one), so readers see
 * the old dataset or the new one, never a mix and never a partial file.
 * dataset_free before a commit (or any failure) removes the temporary
 * folder and leaves the previous dataset as it was.
 *
 * Durability: each file is fsynced before it is closed, then the temporary
 * folder, and the parent folder after the rename, so after a crash or power
 * loss the folder holds the old dataset or the complete new one.
 *
 * A process killed outright (SIGKILL) cannot remove its temporary folder:
 * dataset_open removes the `.<name>.tmp.<pid>.*` folders of the same name
 * whose process no longer exists (on this machine: the pid is checked with
 * kill(pid, 0)), and dataset_remove_stale every such folder of any name
 * below an --out folder.
 */
#ifndef SINK_DATASET_H
#define SINK_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

struct dataset;
struct dfile;

struct dfile_info {
	const char *name;
	uint64_t size;
	char sha256[65];
};

int dataset_open(const char *final_dir, struct dataset **out, struct otelsim_error *err);
/*
 * Remove every `.<name>.tmp.<pid>.<n>` folder below out_dir (its datasets'
 * folders, DATASET_STALE_DEPTH deep, links not followed) whose process is
 * gone. Best effort: what cannot be removed stays for the next run.
 */
#define DATASET_STALE_DEPTH 16
void dataset_remove_stale(const char *out_dir);
/* A new file in the dataset ("traces.binpb"). */
int dataset_file(struct dataset *d, const char *name, struct dfile **out,
		 struct otelsim_error *err);
int dfile_write(struct dfile *f, const void *data, size_t len, struct otelsim_error *err);
/* Flush and close; fills *info (valid until dataset_free). */
int dfile_close(struct dfile *f, struct dfile_info *info, struct otelsim_error *err);
/* Write manifest.json and move the folder into place. */
int dataset_commit(struct dataset *d, const void *manifest, size_t len, struct otelsim_error *err);
/* Remove the temporary folder (safe after commit: then a no-op). Frees d. */
void dataset_free(struct dataset *d);

/* mkdir -p; 0 or -1 with errno. */
int mkdir_p(const char *path);
/* mkdir_p; *created_at is where the first folder it made ends in path
 * (SIZE_MAX when it made none). */
int mkdir_p_created(const char *path, size_t *created_at);
/* rm -rf of a folder we created; 0 or -1. */
int remove_tree(const char *path);

#endif
