/*
 * read/reader.h - OTLP files in, records out.
 *
 * A reader opens one input (a file, or "-" for stdin) and yields its
 * records in order, each a whole TracesData/MetricsData/LogsData. Nothing is
 * taken from the file name but a hint; from the content it detects:
 *   - compression: gzip (any number of members), zstd as one stream over
 *     the whole file, or zstd per record ([4-byte BE length][zstd frame],
 *     the Collector's legacy mode);
 *   - framing: a 4-byte big-endian length before each message (the
 *     Collector's file exporter, otelsim's default), a varint length
 *     (writeDelimitedTo), a single message filling the file, or OTLP/JSON
 *     (one value per line, or pretty-printed values one after another), or
 *     seed 003's flat NDJSON (a file named *.ndjson, or JSON lines whose
 *     first object is not OTLP/JSON but a flat record: read/flat.h), whose
 *     lines are handed over as OTLP records of up to FLAT_LINES_PER_RECORD
 *     lines each.
 *     Protobuf framings are tried in that order: one fits when its records
 *     parse cleanly as TracesData-shaped messages and end exactly at the end
 *     of what was examined. `framing` in the options overrides;
 *   - signal: JSON's top-level key; for protobuf the items' shape (all
 *     three signals use field 1 at the top): spans have 16/8-byte ids and
 *     fixed64 times, log records a fixed64 field 1 or a varint severity,
 *     metrics a name and a Gauge/Sum/... message. The file name ("traces",
 *     "metrics", "logs", "events") only breaks ties.
 *
 * Errors name the file and the position: "traces.binpb: record 3 at byte
 * 1234: ..." for protobuf, "logs.jsonl:12:7: ..." (line:column) for JSON.
 *
 * Directories expand recursively, sorted by name, to their telemetry files:
 * those ending in .binpb, .pb, .jsonl, .json or .ndjson (each optionally followed by
 * .gz or .zst), and any other whose first record reads as OTLP (the
 * Collector's traces.proto, x.log, rotated files without an extension) or
 * that is empty; hidden entries, manifest.json and ground_truth.* are left
 * out, and so is a symbolic link back to a folder being walked (a loop).
 */
#ifndef READ_READER_H
#define READ_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"
#include "otelsim/otelsim.h"
#include "util/dir.h"

enum read_encoding { READ_PROTOBUF = 0, READ_JSON };
enum read_framing {
	READ_FRAMING_AUTO = 0,
	READ_FRAMING_BE32,
	READ_FRAMING_VARINT,
	READ_FRAMING_SINGLE,
	READ_FRAMING_JSON,
	READ_FRAMING_NDJSON /* seed 003's flat records (read/flat.h), as OTLP */
};
enum read_compression { READ_PLAIN = 0, READ_GZIP, READ_ZSTD, READ_ZSTD_RECORDS };

#define READ_MAX_RECORD_DEFAULT ((size_t)1 << 30)

struct read_options {
	int framing;       /* enum read_framing; AUTO: detect */
	bool to_protobuf;  /* hand JSON records over as protobuf */
	size_t max_record; /* bytes per (decompressed) record; 0: 1 GiB */
	/* when set (by a signal handler: its sigaction has no SA_RESTART, so a
	 * blocked open() or read() returns EINTR), an open or read waiting on a
	 * FIFO or a terminal gives up with OTELSIM_EIO "interrupted" instead of
	 * waiting on; NULL: EINTR is retried */
	const otelsim_cancel_flag *cancel;
	/* flat NDJSON: a bad line (not an object, a field missing or wrong) is
	 * skipped and counted (reader_skipped) instead of failing the read */
	bool skip_bad;
};

struct read_record {
	int signal;          /* OTELSIM_TRACES, OTELSIM_METRICS or OTELSIM_LOGS */
	int encoding;        /* of data: enum read_encoding */
	int source_encoding; /* as stored in the file */
	uint8_t *data;       /* writable; valid until the next reader_next */
	size_t len;
	uint64_t index;  /* 0-based record number in the file */
	uint64_t offset; /* byte offset of the record in the decompressed stream */
	int line;        /* JSON: 1-based line where the record starts; else 0 */
	bool empty;      /* holds no ResourceX at all (signal is then a guess) */
};

struct reader;

/* Open one input: a path, or "-" for standard input. */
int reader_open(const char *path, const struct read_options *opts, struct reader **out,
		struct otelsim_error *err);
/* 1 and *rec filled, 0 at the end, or a negative code (file and position in *err). */
int reader_next(struct reader *r, struct read_record *rec, struct otelsim_error *err);
/*
 * After reader_next failed: true when the file ends inside a record (a
 * file still being written, cut mid-rotation): *offset is where that
 * record starts (in the decompressed stream), *missing how many bytes it
 * lacks (0: unknown: JSON, or a compressed stream cut short). Every
 * complete record before it was returned.
 */
bool reader_truncated(const struct reader *r, uint64_t *offset, uint64_t *missing);
/* What was detected (valid once reader_next has been called). */
int reader_framing(const struct reader *r);
int reader_compression(const struct reader *r);
/*
 * Flat NDJSON lines skipped as bad (skip_bad), and the first one's message
 * ("file:line:col: field 'timestamp': ...") in first[n] when there is one.
 */
uint64_t reader_skipped(const struct reader *r, char *first, size_t n);
/* Records returned so far. */
uint64_t reader_records(const struct reader *r);
/* Bytes taken from the file so far (compressed): for progress. */
uint64_t reader_bytes_in(const struct reader *r);
void reader_free(struct reader *r);

/* Names for messages: "be32", "varint", "single", "json", "ndjson"; "none", "gzip", "zstd", "zstd-records". */
const char *read_framing_name(int framing);
const char *read_compression_name(int compression);
/* "be32"/"varint"/"single"/"json"/"ndjson"/"auto" -> enum, -1 when unknown. */
int read_framing_parse(const char *s);

/*
 * Expand inputs: "-" stays, a directory becomes its telemetry files (see
 * above), anything else must be a readable file. *out is a malloc'ed array
 * of malloc'ed paths (free with read_paths_free). The files of a folder
 * that are not telemetry are appended to *skipped (may be NULL) as
 * "path: why" lines, for the caller to report: a FIFO or socket, or a file
 * not named as OTLP whose content is not (one named as OTLP is listed, and
 * its reader says what is wrong).
 */
int read_expand(const char *const *args, size_t n, char ***out, size_t *nout,
		struct dir_list *skipped, struct otelsim_error *err);
void read_paths_free(char **paths, size_t n);

/* The signal a file name suggests (-1: none). */
int read_signal_hint(const char *path);

#endif
