/*
 * replay/replay.h - the replay engine: OTLP files in, paced and retried
 * export requests out. otlp-replay (tools/replay/) is a thin front end to
 * it; its send path (replay/stream.h) is the one otelsim --endpoint uses.
 *
 * replay_run reads every input (files, folders, "-"; read/reader.h) in
 * lanes, one per file, record by record; moves timestamps and gives new ids
 * in place (replay/transform.h); cuts requests of bounded size
 * (replay/split.h); converts them to OTLP/JSON when the endpoint wants JSON;
 * paces them (as fast as possible, --rate items per second, or --speed
 * times the files' own pace, lanes merged by time) and posts them
 * (net/sender.h), counting every outcome in replay_totals. A dataset's
 * manifest.json is checked against its SHA-256s on a second thread before
 * anything is sent, and gives the lowest layer of the endpoint's settings
 * (net/endpoint.h decides the precedence). With `resume`, a state file
 * records how far every input was acknowledged (only a contiguous,
 * acknowledged prefix counts), so running the same replay again sends
 * only the rest.
 *
 * Errors: replay_run returns 0 or a negative otelsim code with *err (bad
 * input: OTELSIM_EINPUT, at "file: record N: ..."; bad settings:
 * OTELSIM_EUSAGE; a dataset that changed, a state file that cannot be
 * written: OTELSIM_EIO). An endpoint that fails is not an error: its
 * requests are counted as failed, and one still failing after the retry
 * budget stops the replay (totals.stopped). *tot is filled in every case.
 *
 * Threads: replay_run drives everything on the calling thread (the manifest
 * check aside, which only reads files); the hooks run on that thread.
 * `cancel` may be set from a signal handler: the replay stops within
 * ~100 ms, requests in flight are cancelled (not sent, not acknowledged).
 * The library prints nothing: warnings and server messages reach `message`.
 */
#ifndef REPLAY_REPLAY_H
#define REPLAY_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/endpoint.h"
#include "otelsim/otelsim.h"
#include "util/strbuf.h"

#define REPLAY_MESSAGES_SHOWN 5
#define REPLAY_TRUNCATED_KEPT 8

enum replay_shift { REPLAY_SHIFT_AUTO = 0, REPLAY_SHIFT_NONE, REPLAY_SHIFT_BY };

struct replay_totals;

struct replay_config {
	char **inputs; /* FILE, DIR or - */
	size_t ninputs;
	struct endpoint_flags net;    /* endpoint, protocol, headers, TLS, ... */
	unsigned concurrency;         /* default 4 */
	int64_t retry_max_elapsed_ms; /* -1: the sender's default */
	double rate;                  /* items per second; 0: as fast as possible */
	double speed;                 /* x original pace; 0: off */
	int shift_mode;               /* enum replay_shift */
	int64_t shift_ns;             /* REPLAY_SHIFT_BY */
	const char *shift_text;       /* as given (a resume checks it) */
	bool new_ids;
	bool seed_set;
	uint64_t seed;
	uint64_t loop;              /* passes; 0 = forever; default 1 */
	uint64_t max_request_bytes; /* default 4 MiB */
	uint64_t max_items;         /* 0: none */
	bool max_items_set;
	int framing;        /* enum read_framing */
	const char *resume; /* state file, or NULL */
	bool dry_run;       /* read, transform, split, encode and count; send nothing */
	bool verify;        /* manifest SHA-256 check; default on */
	/* a file that ends inside a record (still being written) is read up to
	 * its last complete record and reported; without this the exit status
	 * says the input was bad (2) */
	bool allow_truncated;
	/* flat NDJSON: a bad line (not an object, a field missing or wrong) is
	 * skipped and counted instead of stopping the replay with exit 2 */
	bool skip_bad_records;
	const otelsim_cancel_flag *cancel; /* may be NULL */
	/* a warning or a server's message, one line without the program's name */
	void (*message)(void *ctx, const char *line);
	/* the totals so far, at most every 200 ms (NULL: not called) */
	void (*progress)(void *ctx, const struct replay_totals *t);
	void *ctx;
};

/* The defaults above (concurrency 4, loop 1, 4 MiB requests, verify). */
void replay_config_init(struct replay_config *c);

struct replay_totals {
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
	unsigned messages;        /* server messages; the first REPLAY_MESSAGES_SHOWN go to
				     the message hook, the summary counts the rest */
	int64_t start_ns, end_ns; /* monotonic; end_ns 0: now */
	bool dry_run, interrupted;
	bool complete;         /* the resume state says it was all sent before */
	bool stopped;          /* the endpoint failed past the retry budget: replay stopped */
	bool input_unread;     /* ... before the whole input was read */
	char stop_reason[600]; /* what failed (no credentials, terminal-safe) */
	/* inputs that end inside a record: the first REPLAY_TRUNCATED_KEPT kept */
	uint64_t inputs_not_telemetry; /* files of a folder skipped, each said by `message` */
	uint64_t inputs_empty;         /* inputs without a record, each said too */
	uint64_t inputs_truncated;
	bool truncation_allowed; /* --allow-truncated */
	/* flat NDJSON lines skipped as bad (--skip-bad-records), the first one said */
	uint64_t bad_records_skipped;
	char first_bad_record[600];
	struct replay_cut {
		char file[512];
		uint64_t offset;  /* where the cut record starts (decompressed) */
		uint64_t missing; /* bytes it lacks; 0: unknown */
	} truncated[REPLAY_TRUNCATED_KEPT];
};

int replay_run(const struct replay_config *c, struct replay_totals *tot, struct otelsim_error *err);

/*
 * 0 when every item read was accepted (or read, in a dry run), else 1;
 * 2 when an input was truncated and truncation was not allowed.
 */
int replay_exit_status(const struct replay_totals *t);

/*
 * "sent": items of requests the server gave a final answer on (accepted,
 * rejected in part, or refused, e.g. HTTP 400); items of a request still
 * failing when the retry budget ran out are failed and not sent.
 * The summary's lines (each "otlp-replay: ...\n") and the progress line
 * (a bar when the total is known; no newline) are appended to out; -1 when
 * out of memory.
 */
int replay_summary(const struct replay_totals *t, struct strbuf *out);
int replay_progress_line(const struct replay_totals *t, bool final, struct strbuf *out);
/* The summary as JSON, written whole (temp file + rename) to path. */
int replay_summary_json(const char *path, const struct replay_totals *t, int exit_code,
			struct otelsim_error *err);

#endif
