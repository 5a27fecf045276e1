/*
 * replay/replay_int.h - what the replay engine's files share: the --resume
 * state (state.c) and files written whole (file.c). Not for the programs.
 *
 * Ownership: a struct state owns its strings and inputs (state_release).
 * Errors: 0 or a negative otelsim code with *err. Threads: one caller each.
 */
#ifndef REPLAY_REPLAY_INT_H
#define REPLAY_REPLAY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

/*
 * Write data to path whole or not at all: to "<path>.tmp" in the same
 * folder, then renamed over path; on any failure the temporary file is
 * removed and path keeps what it held. sync: fsync the file and its
 * folder. OTELSIM_EIO naming path (never the temporary name).
 */
int replay_write_file(const char *path, const void *data, size_t len, bool sync,
		      struct otelsim_error *err);

struct state_input {
	char *path;
	uint64_t size;
	uint64_t record, leaf; /* everything before this position is acknowledged */
	bool done;             /* the whole file is */
};

struct state {
	char *path;        /* the state file */
	char *fingerprint; /* options that change what is sent */
	uint64_t seed;
	uint64_t pass; /* the pass in progress */
	bool shift_known;
	int64_t shift_ns; /* of that pass */
	bool complete;
	struct state_input *inputs;
	size_t ninputs;
	int64_t last_sync_ns;
};

/*
 * Load `path` into *st when it exists (*found), checking it belongs to these
 * inputs and options; otherwise set up a fresh state for them.
 */
int state_open(struct state *st, const char *path, const char *fingerprint, char *const *inputs,
	       size_t ninputs, bool *found, struct otelsim_error *err);
/* Write atomically (temp file + rename); fsync when `sync` or a second has passed. */
int state_save(struct state *st, bool sync, struct otelsim_error *err);
void state_release(struct state *st);

#endif
