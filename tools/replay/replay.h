/*
 * tools/replay/replay.h - otlp-replay's pieces: options (options.c), the
 * resume state (state.c), progress and summary (report.c), files written
 * whole (file.c); main.c drives read -> transform -> split -> send with them.
 */
#ifndef REPLAY_REPLAY_H
#define REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "net/endpoint.h"
#include "otelsim/error.h"
#include "util/parseopt.h"

enum shift_mode { SHIFT_AUTO = 0, SHIFT_NONE, SHIFT_BY };

struct replay_options {
	char **inputs; /* FILE, DIR or - (into argv) */
	size_t ninputs;
	struct endpoint_flags net;    /* endpoint, protocol, headers, TLS, ... */
	struct opt_list headers;      /* storage behind net.headers */
	struct opt_parsed parsed;     /* what the parser saw (owns inputs) */
	unsigned concurrency;         /* default 4 */
	int64_t retry_max_elapsed_ms; /* -1: the sender's default */
	double rate;                  /* items per second; 0: as fast as possible */
	double speed;                 /* x original pace; 0: off */
	int shift_mode;               /* enum shift_mode */
	int64_t shift_ns;             /* SHIFT_BY */
	const char *shift_text;       /* as given (resume checks it) */
	bool new_ids;
	bool seed_set;
	uint64_t seed;
	uint64_t loop;              /* passes; 0 = forever; default 1 */
	uint64_t max_request_bytes; /* default 4 MiB */
	uint64_t max_items;         /* 0: none */
	bool max_items_set;
	int framing;        /* enum read_framing */
	const char *resume; /* state file */
	const char *summary_json;
	bool dry_run;
	int progress; /* -1 auto (a terminal), 0 off, 1 on */
	bool quiet;
	bool verify; /* manifest SHA-256 check; default on */
};

/*
 * Parse argv. Returns 0 to go on, 1 when --help/--version was printed (exit
 * 0), or OTELSIM_EUSAGE with the message in *err (exit 2).
 */
int options_parse(struct replay_options *o, int argc, char **argv, struct otelsim_error *err);
void options_release(struct replay_options *o);

/* ---- files (file.c) ---- */

/*
 * Write data to path whole or not at all: to "<path>.tmp" in the same
 * folder, then renamed over path; on any failure the temporary file is
 * removed and path keeps what it held. sync: fsync the file and its
 * folder. OTELSIM_EIO naming path (never the temporary name).
 */
int replay_write_file(const char *path, const void *data, size_t len, bool sync,
		      struct otelsim_error *err);

/* ---- resume state (state.c) ---- */

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

/* ---- progress and summary (report.c) ---- */

struct totals {
	uint64_t items_read, items_sent, items_accepted, items_rejected, items_failed;
	uint64_t items_retried, retries, requests, requests_failed, bytes, wire_bytes;
	uint64_t items_skipped;   /* already sent before a resume */
	uint64_t items_cancelled; /* in requests cancelled by an interruption (not sent) */
	uint64_t requests_cancelled;
	uint64_t items_total;        /* expected items read (0: unknown) */
	uint64_t in_bytes, in_total; /* input bytes read / to read, for the ETA */
	uint64_t clamped;
	uint64_t passes;
	uint64_t oversize_requests; /* over max_request_bytes: one item that cannot be split */
	uint64_t oversize_max;      /* the largest of them, bytes */
	unsigned oversize_signals;  /* 1 << signal of each */
	uint64_t max_request_bytes;
	int64_t start_ns, end_ns; /* monotonic; end_ns 0: now */
	bool dry_run, interrupted;
	bool stopped;          /* the endpoint failed past the retry budget: replay stopped */
	bool input_unread;     /* ... before the whole input was read */
	char stop_reason[600]; /* what failed (no credentials, terminal-safe) */
};

/*
 * "sent": items of requests the server gave a final answer on (accepted,
 * rejected in part, or refused, e.g. HTTP 400); items of a request still
 * failing when the retry budget ran out are failed and not sent.
 */
void report_progress(const struct totals *t, bool final);
void report_summary(FILE *f, const struct totals *t);
int report_json(const char *path, const struct totals *t, int exit_code, struct otelsim_error *err);

#endif
