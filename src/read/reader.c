#include "read/reader.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "otelsim/otelsim.h"
#include "read/flat.h"
#include "read/jsontree.h"
#include "read/otlpjson.h"
#include "util/pbwire.h"
#include "util/dir.h"
#include "util/error.h"
#include "util/strbuf.h"

#define RAW_CHUNK      (256u * 1024u)
#define WINDOW_MIN     (1u * 1024u * 1024u)
#define DETECT_BYTES   (64u * 1024u)
#define DETECT_RECORDS 16
#define SIGNAL_ITEMS   32

static const uint8_t ZSTD_MAGIC[4] = { 0x28, 0xb5, 0x2f, 0xfd };

struct reader {
	char *path;
	int fd;
	bool own_fd;
	struct read_options opts;
	int hint;
	bool json_ext, ndjson_ext;

	/* raw (possibly compressed) input */
	uint8_t *raw;
	size_t raw_len, raw_pos;
	bool raw_eof;
	uint64_t bytes_in;
	int compression;
	z_stream z;
	bool z_init;
	ZSTD_DStream *zs;
	size_t zs_last; /* last ZSTD_decompressStream result: 0 at a frame boundary */

	/* the decompressed stream, a window of it */
	uint8_t *buf;
	size_t cap, start, end;
	uint64_t base; /* stream offset of buf[0] */
	bool eof;      /* no more decompressed bytes will come */
	bool started;

	int framing;
	bool detected, zstd_records;
	bool stream_cut; /* the gzip/zstd stream ended inside a frame */
	bool truncated;  /* the last error is a cut tail (reader_truncated) */
	uint64_t trunc_off, trunc_missing;
	uint64_t index;
	int line;          /* JSON: line at buf[start] */
	uint64_t line_off; /* JSON: stream offset where that line begins */
	int prev_signal;
	struct strbuf rec;
	struct strbuf jpb; /* a zstd record's JSON as protobuf */
	ZSTD_DCtx *zrec;

	/* flat NDJSON (read/flat.h) */
	bool flat_decided; /* JSON lines: looked at the first object */
	int flat_kind;     /* enum flat_kind, -1 until a line says */
	struct flat_builder fb;
	struct arena fa;
	uint64_t skipped;
	char skip_first[1200];
};

const char *read_framing_name(int framing)
{
	switch (framing) {
	case READ_FRAMING_BE32:
		return "be32";
	case READ_FRAMING_VARINT:
		return "varint";
	case READ_FRAMING_SINGLE:
		return "single";
	case READ_FRAMING_JSON:
		return "json";
	case READ_FRAMING_NDJSON:
		return "ndjson";
	}
	return "auto";
}

const char *read_compression_name(int compression)
{
	switch (compression) {
	case READ_GZIP:
		return "gzip";
	case READ_ZSTD:
		return "zstd";
	case READ_ZSTD_RECORDS:
		return "zstd-records";
	}
	return "none";
}

int read_framing_parse(const char *s)
{
	static const char *const names[] = { "auto", "be32", "varint", "single", "json", "ndjson" };

	for (int i = 0; i < 6; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int read_signal_hint(const char *path)
{
	const char *b = base_name(path);

	if (strstr(b, "trace") || strstr(b, "span"))
		return OTELSIM_TRACES;
	if (strstr(b, "metric"))
		return OTELSIM_METRICS;
	if (strstr(b, "log") || strstr(b, "event"))
		return OTELSIM_LOGS;
	return -1;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Length of the name without a .gz/.zst/.zstd suffix. */
static size_t strip_compression(const char *name)
{
	size_t n = strlen(name);

	if (ends_with(name, n, ".gz"))
		return n - 3;
	if (ends_with(name, n, ".zst"))
		return n - 4;
	if (ends_with(name, n, ".zstd"))
		return n - 5;
	return n;
}

static bool is_json_name(const char *name)
{
	size_t n = strip_compression(name);

	return ends_with(name, n, ".json") || ends_with(name, n, ".jsonl");
}

static bool is_ndjson_name(const char *name)
{
	return ends_with(name, strip_compression(name), ".ndjson");
}

static bool is_otlp_name(const char *name)
{
	size_t n = strip_compression(name);

	return ends_with(name, n, ".binpb") || ends_with(name, n, ".pb") ||
	       ends_with(name, n, ".json") || ends_with(name, n, ".jsonl") ||
	       ends_with(name, n, ".ndjson");
}

/* ------------------------------------------------------------------ */
/* input expansion                                                    */

/* a dataset's own descriptions, not telemetry */
static bool is_description(const char *name)
{
	return strcmp(name, "manifest.json") == 0 || strncmp(name, "ground_truth.", 13) == 0;
}

static bool folder_entry(void *ctx, const char *name, bool is_dir)
{
	(void)ctx;
	return is_dir || !is_description(name);
}

/*
 * Whether a file a folder holds is OTLP telemetry, by its content (the
 * Collector names files as its `path` says: traces.proto, x.log, rotated
 * names without an extension): its first record reads, or it is empty.
 * NULL when it is; else why not, in *why.
 */
static bool sniff_telemetry(const char *path, char *why, size_t n)
{
	struct read_options o = { READ_FRAMING_AUTO, false, 0, NULL };
	struct otelsim_error err;
	struct read_record rec;
	struct reader *r;
	int rc;

	memset(&err, 0, sizeof(err));
	if (reader_open(path, &o, &r, &err) == 0) {
		rc = reader_next(r, &rec, &err);
		if (rc < 0 && reader_truncated(r, &(uint64_t){ 0 }, &(uint64_t){ 0 }))
			rc = 0; /* telemetry being written: the replay reports the cut */
		reader_free(r);
		if (rc >= 0)
			return true;
	}
	/* the message without the file name the caller puts first */
	snprintf(why, n, "%s", err.message);
	return false;
}

/* The wanted files of a folder; those not named as OTLP are checked by content. */
static int expand_folder(const char *dir, struct dir_list *pl, struct dir_list *skipped,
			 struct otelsim_error *err)
{
	static const struct dir_walk w = { "the folder", folder_entry, NULL };
	struct dir_list all = { 0 }, special = { 0 };
	struct strbuf line = STRBUF_INIT;
	char why[1100];
	int rc = dir_walk(dir, &w, &all, &special, err);

	for (size_t i = 0; i < special.n && !rc; i++) {
		strbuf_reset(&line);
		if (strbuf_addf(&line, "%s: not a regular file (a FIFO, socket or device)",
				special.v[i]) ||
		    (skipped && dir_list_add(skipped, line.buf)))
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < all.n && !rc; i++) {
		const char *p = all.v[i], *slash = strrchr(p, '/');

		if (is_otlp_name(slash ? slash + 1 : p) || sniff_telemetry(p, why, sizeof(why))) {
			if (dir_list_add(pl, p))
				rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			continue;
		}
		strbuf_reset(&line);
		if (strbuf_addf(&line, "%s: not OTLP telemetry (%s)", p, why) ||
		    (skipped && dir_list_add(skipped, line.buf)))
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	dir_list_release(&all);
	dir_list_release(&special);
	strbuf_release(&line);
	return rc;
}

int read_expand(const char *const *args, size_t n, char ***out, size_t *nout,
		struct dir_list *skipped, struct otelsim_error *err)
{
	struct dir_list pl = { 0 };
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (strcmp(args[i], "-") == 0) {
			if (dir_list_add(&pl, "-"))
				goto nomem;
			continue;
		}
		if (stat(args[i], &st) != 0) {
			rc = error_set(err, OTELSIM_EINPUT, "cannot open '%s': %s", args[i],
				       strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			size_t before = pl.n;

			rc = expand_folder(args[i], &pl, skipped, err);
			if (rc)
				goto fail;
			if (pl.n == before) {
				rc = error_set(err, OTELSIM_EINPUT, "no OTLP telemetry files in '%s'",
					       args[i]);
				goto fail;
			}
		} else if (dir_list_add(&pl, args[i])) {
			goto nomem;
		}
	}
	*out = pl.v;
	*nout = pl.n;
	return 0;
nomem:
	rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
fail:
	dir_list_release(&pl);
	return rc;
}

void read_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ------------------------------------------------------------------ */
/* raw input and decompression                                        */

static bool cancelled(const struct reader *r)
{
	return r->opts.cancel && atomic_load(r->opts.cancel);
}

/* read(2), retried after a signal unless the read was cancelled (errno EINTR then). */
static ssize_t read_some(struct reader *r, void *buf, size_t n)
{
	ssize_t got;

	do
		got = read(r->fd, buf, n);
	while (got < 0 && errno == EINTR && !cancelled(r));
	return got;
}

/* "interrupted" for a cancelled read, else "cannot read: reason". */
static int fail_read(struct reader *r, struct otelsim_error *err)
{
	if (errno == EINTR)
		return error_at(err, OTELSIM_EIO, r->path, 0, 0, "interrupted");
	return error_at(err, OTELSIM_EINPUT, r->path, 0, 0, "cannot read: %s", strerror(errno));
}

static int fail_io(struct reader *r, struct otelsim_error *err, const char *what)
{
	return error_at(err, OTELSIM_EINPUT, r->path, 0, 0, "%s", what);
}

/* More raw bytes into r->raw when it is used up; 0, or a negative code. */
static int raw_fill(struct reader *r, struct otelsim_error *err)
{
	ssize_t n;

	if (r->raw_pos < r->raw_len || r->raw_eof)
		return 0;
	n = read_some(r, r->raw, RAW_CHUNK);
	if (n < 0)
		return fail_read(r, err);
	r->raw_pos = 0;
	r->raw_len = (size_t)n;
	r->bytes_in += (uint64_t)n;
	if (n == 0)
		r->raw_eof = true;
	return 0;
}

/* Decompressed bytes into buf[end..cap): at least one unless at the end. */
static int produce(struct reader *r, struct otelsim_error *err)
{
	size_t room = r->cap - r->end;
	int rc;

	while (room > 0) {
		if (r->compression == READ_PLAIN) {
			if (r->raw_pos < r->raw_len) {
				size_t k = r->raw_len - r->raw_pos;

				if (k > room)
					k = room;
				memcpy(r->buf + r->end, r->raw + r->raw_pos, k);
				r->raw_pos += k;
				r->end += k;
				return 0;
			}
			ssize_t n;

			n = read_some(r, r->buf + r->end, room);
			if (n < 0)
				return fail_read(r, err);
			r->bytes_in += (uint64_t)n;
			if (n == 0) {
				r->raw_eof = true;
				r->eof = true;
			}
			r->end += (size_t)n;
			return 0;
		}
		rc = raw_fill(r, err);
		if (rc)
			return rc;
		if (r->compression == READ_GZIP) {
			int zr;

			if (r->raw_pos == r->raw_len && r->raw_eof) {
				/* a member cut short: what came out is kept, the cut is reported */
				r->stream_cut = r->z_init && r->z.total_in > 0;
				r->eof = true;
				return 0;
			}
			r->z.next_in = r->raw + r->raw_pos;
			r->z.avail_in = (uInt)(r->raw_len - r->raw_pos);
			r->z.next_out = r->buf + r->end;
			r->z.avail_out = (uInt)(room > 0x40000000u ? 0x40000000u : room);
			zr = inflate(&r->z, Z_NO_FLUSH);
			r->raw_pos = r->raw_len - r->z.avail_in;
			size_t made = (size_t)(r->z.next_out - (r->buf + r->end));

			r->end += made;
			if (zr == Z_STREAM_END) {
				/* another member may follow */
				if (inflateReset(&r->z) != Z_OK)
					return fail_io(r, err, "corrupt gzip data");
				r->z.total_in = 0;
				if (made)
					return 0;
				continue;
			}
			if (zr != Z_OK && zr != Z_BUF_ERROR)
				return fail_io(r, err, "corrupt gzip data");
			if (made)
				return 0;
			continue;
		}
		/* zstd over the whole file */
		{
			ZSTD_inBuffer in = { r->raw + r->raw_pos, r->raw_len - r->raw_pos, 0 };
			ZSTD_outBuffer out = { r->buf + r->end, room, 0 };

			if (in.size == 0 && r->raw_eof) {
				r->stream_cut = r->zs_last != 0; /* as gzip's above */
				r->eof = true;
				return 0;
			}
			r->zs_last = ZSTD_decompressStream(r->zs, &out, &in);
			if (ZSTD_isError(r->zs_last)) {
				error_at(err, OTELSIM_EINPUT, r->path, 0, 0,
					 "corrupt zstd data: %s", ZSTD_getErrorName(r->zs_last));
				return OTELSIM_EINPUT;
			}
			r->raw_pos += in.pos;
			r->end += out.pos;
			if (out.pos)
				return 0;
		}
	}
	return 0;
}

/*
 * Make n bytes available from start (fewer only at the end); returns what
 * is there. The window grows by doubling as bytes arrive, never ahead of them.
 */
static size_t ensure(struct reader *r, size_t n, int *rc, struct otelsim_error *err)
{
	*rc = 0;
	while (r->end - r->start < n && !r->eof) {
		if (r->cap - r->end < RAW_CHUNK / 4) {
			if (r->start > 0 && r->start >= (r->cap - r->start) / 4) {
				memmove(r->buf, r->buf + r->start, r->end - r->start);
				r->base += r->start;
				r->end -= r->start;
				r->start = 0;
			}
			if (r->cap - r->end < RAW_CHUNK / 4) {
				size_t nc = r->cap ? r->cap * 2 : WINDOW_MIN;
				uint8_t *nb = realloc(r->buf, nc);

				if (!nb) {
					*rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
					break;
				}
				r->buf = nb;
				r->cap = nc;
			}
		}
		*rc = produce(r, err);
		if (*rc)
			break;
	}
	return r->end - r->start;
}

int reader_open(const char *path, const struct read_options *opts, struct reader **out,
		struct otelsim_error *err)
{
	struct reader *r = calloc(1, sizeof(*r));
	struct stat st;

	if (!r)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	r->opts = *opts;
	if (!r->opts.max_record)
		r->opts.max_record = READ_MAX_RECORD_DEFAULT;
	if (r->opts.max_record > SIZE_MAX / 4)
		r->opts.max_record = SIZE_MAX /
				     4; /* max_record + 1 and a window twice that must fit */
	r->path = strdup(path);
	r->raw = malloc(RAW_CHUNK);
	r->hint = read_signal_hint(path);
	r->json_ext = is_json_name(base_name(path));
	r->ndjson_ext = is_ndjson_name(base_name(path));
	r->flat_kind = -1;
	flat_init(&r->fb);
	arena_init(&r->fa, 0);
	r->prev_signal = -1;
	r->line = 1;
	r->fd = -1;
	strbuf_init(&r->rec, 0);
	strbuf_init(&r->jpb, 0);
	if (!r->path || !r->raw) {
		reader_free(r);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
	} else {
		int rc;

		do /* a FIFO without a writer blocks here */
			r->fd = open(path, O_RDONLY | O_CLOEXEC);
		while (r->fd < 0 && errno == EINTR && !cancelled(r));
		if (r->fd < 0) {
			rc = errno == EINTR ? error_at(err, OTELSIM_EIO, path, 0, 0, "interrupted")
					    : error_set(err, OTELSIM_EINPUT, "cannot open '%s': %s",
							path, strerror(errno));
			reader_free(r);
			return rc;
		}
		r->own_fd = true;
		if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			error_set(err, OTELSIM_EINPUT, "'%s' is a directory", path);
			reader_free(r);
			return OTELSIM_EINPUT;
		}
	}
	*out = r;
	return 0;
}

void reader_free(struct reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (r->z_init)
		inflateEnd(&r->z);
	ZSTD_freeDStream(r->zs);
	ZSTD_freeDCtx(r->zrec);
	strbuf_release(&r->rec);
	strbuf_release(&r->jpb);
	flat_release(&r->fb);
	arena_release(&r->fa);
	free(r->raw);
	free(r->buf);
	free(r->path);
	free(r);
}

int reader_framing(const struct reader *r)
{
	return r->framing;
}

int reader_compression(const struct reader *r)
{
	return r->zstd_records ? READ_ZSTD_RECORDS : r->compression;
}

uint64_t reader_records(const struct reader *r)
{
	return r->index;
}

uint64_t reader_skipped(const struct reader *r, char *first, size_t n)
{
	if (n)
		snprintf(first, n, "%s", r->skipped ? r->skip_first : "");
	return r->skipped;
}

uint64_t reader_bytes_in(const struct reader *r)
{
	return r->bytes_in;
}

/* Look at the first raw bytes: gzip, zstd or plain. */
static int start_stream(struct reader *r, struct otelsim_error *err)
{
	int rc;

	r->started = true;
	/* up to 4 bytes of magic, possibly over several reads (pipes) */
	for (;;) {
		rc = raw_fill(r, err);
		if (rc)
			return rc;
		if (r->raw_len - r->raw_pos >= 4 || r->raw_eof)
			break;
		/* keep what we have and read on */
		size_t have = r->raw_len - r->raw_pos;
		ssize_t n;

		memmove(r->raw, r->raw + r->raw_pos, have);
		r->raw_pos = 0;
		r->raw_len = have;
		n = read_some(r, r->raw + have, RAW_CHUNK - have);
		if (n < 0)
			return fail_read(r, err);
		r->bytes_in += (uint64_t)n;
		if (n == 0)
			r->raw_eof = true;
		r->raw_len += (size_t)n;
	}
	if (r->raw_len - r->raw_pos >= 2 && r->raw[r->raw_pos] == 0x1f &&
	    r->raw[r->raw_pos + 1] == 0x8b) {
		r->compression = READ_GZIP;
		if (inflateInit2(&r->z, 15 + 16) != Z_OK)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		r->z_init = true;
	} else if (r->raw_len - r->raw_pos >= 4 &&
		   memcmp(r->raw + r->raw_pos, ZSTD_MAGIC, 4) == 0) {
		r->compression = READ_ZSTD;
		r->zs = ZSTD_createDStream();
		if (!r->zs || ZSTD_isError(ZSTD_initDStream(r->zs)))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		r->zs_last = 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* framing and signal detection                                       */

/* Is p a plausible TracesData/MetricsData/LogsData (two levels deep)? */
static bool valid_message(const uint8_t *p, size_t len)
{
	const uint8_t *q = p, *end = p + len;
	struct wire_field f, g;

	while (q < end) {
		if (wire_next(&q, end, &f) || f.num != 1 || f.type != WT_LEN)
			return false;
		const uint8_t *s = f.data, *se = f.data + f.v;

		while (s < se) {
			if (wire_next(&s, se, &g))
				return false;
			if (g.num <= 3 && g.type != WT_LEN)
				return false;
		}
	}
	return true;
}

/* Could the first `avail` bytes of a message of `len` bytes start a valid one? */
static bool valid_prefix(const uint8_t *p, size_t avail, uint64_t len)
{
	const uint8_t *q = p, *end = p + avail;
	struct wire_field f;

	if (avail >= len)
		return valid_message(p, (size_t)len);
	while (q < end) {
		const uint8_t *at = q;
		uint64_t tag, flen;

		if (varint_get(&at, end, &tag))
			return true; /* cut by the window */
		if (tag != (1 << 3 | WT_LEN))
			return false;
		if (varint_get(&at, end, &flen))
			return true;
		if (flen > len)
			return false;
		if (wire_next(&q, end, &f))
			return true; /* the field runs past the window */
	}
	return true;
}

static bool is_zstd_frame(const uint8_t *p, size_t len)
{
	return len >= 4 && memcmp(p, ZSTD_MAGIC, 4) == 0;
}

/* Header of the record at window offset pos: 1 ok, 0 need more bytes, -1 bad. */
static int record_header(const struct reader *r, int framing, size_t pos, uint64_t *len,
			 size_t *hlen)
{
	const uint8_t *p = r->buf + r->start + pos, *end = r->buf + r->end;

	if (framing == READ_FRAMING_BE32) {
		if (end - p < 4)
			return 0;
		*len = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
		*hlen = 4;
		return 1;
	}
	const uint8_t *q = p;

	if (varint_get(&q, end, len))
		return (end - p) >= 10 ? -1 : 0;
	*hlen = (size_t)(q - p);
	return 1;
}

/* Do the records at the start of the window fit `framing`? */
static int fits(struct reader *r, int framing, bool *ok, struct otelsim_error *err)
{
	size_t pos = 0;
	int n = 0, rc;

	*ok = false;
	while (n < DETECT_RECORDS) {
		size_t avail = r->end - r->start, hlen = 0;
		uint64_t len = 0;
		int h;

		if (pos == avail) {
			*ok = n > 0 || r->eof;
			return 0;
		}
		h = record_header(r, framing, pos, &len, &hlen);
		if (h < 0)
			return 0;
		if (h == 0) {
			if (r->eof) {
				*ok = n > 0; /* records, then a cut prefix: reading reports where */
				return 0;
			}
			if (n > 0) {
				*ok = true;
				return 0;
			}
			ensure(r, pos + 10, &rc, err);
			if (rc)
				return rc;
			if (r->end - r->start == avail)
				return 0;
			continue;
		}
		if (len > r->opts.max_record)
			return 0;
		if (pos + hlen + len > avail) {
			if (r->eof) {
				*ok = n > 0; /* records, then a cut one: reading reports where */
				return 0;
			}
			if (n > 0) {
				*ok = true;
				return 0;
			}
			/* read the whole first record only when its start looks right */
			const uint8_t *pp = r->buf + r->start + pos + hlen;

			if (!valid_prefix(pp, avail - pos - hlen, len) &&
			    !(framing == READ_FRAMING_BE32 &&
			      is_zstd_frame(pp, avail - pos - hlen)))
				return 0;
			if (ensure(r, pos + hlen + (size_t)len, &rc, err) < pos + hlen + len)
				return rc;
			continue;
		}
		const uint8_t *payload = r->buf + r->start + pos + hlen;

		if (!valid_message(payload, (size_t)len) &&
		    !(framing == READ_FRAMING_BE32 && is_zstd_frame(payload, (size_t)len)))
			return 0;
		pos += hlen + (size_t)len;
		n++;
	}
	*ok = true;
	return 0;
}

static int rec_fail(struct reader *r, struct otelsim_error *err, int code, uint64_t off,
		    const char *what);

/*
 * No framing fits: say where, for a file that starts like the Collector's
 * (a 4-byte length the record size limit allows): its first length prefix
 * runs past the end, or its first record is not a message.
 */
static int no_framing(struct reader *r, struct otelsim_error *err)
{
	const uint8_t *b = r->buf + r->start;
	size_t avail = r->end - r->start;
	uint64_t len = avail >= 4 ? (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
					    (uint64_t)b[2] << 8 | b[3]
				  : 0;
	char what[200];

	if (avail >= 4 && len > 0 && len <= r->opts.max_record && r->eof) {
		if (len > avail - 4) {
			snprintf(what, sizeof(what),
				 "not an OTLP file, or cut: its 4-byte length prefix says %llu "
				 "bytes, %zu follow",
				 (unsigned long long)len, avail - 4);
			return rec_fail(r, err, OTELSIM_EINPUT, 0, what);
		}
		return rec_fail(r, err, OTELSIM_EINPUT, 4,
				"not an OTLP file: after a 4-byte length prefix, not a "
				"TracesData, MetricsData or LogsData message");
	}
	error_at(err, OTELSIM_EINPUT, r->path, 0, 0,
		 "not an OTLP file: no framing fits (4-byte big-endian, varint, single "
		 "message or JSON); it starts with %02x %02x %02x %02x",
		 avail > 0 ? b[0] : 0, avail > 1 ? b[1] : 0, avail > 2 ? b[2] : 0,
		 avail > 3 ? b[3] : 0);
	return OTELSIM_EINPUT;
}

static int detect(struct reader *r, struct otelsim_error *err)
{
	size_t avail, i;
	bool ok = false;
	int rc;
	uint8_t first = 0;

	avail = ensure(r, DETECT_BYTES, &rc, err);
	if (rc)
		return rc;
	for (i = 0; i < avail; i++) {
		uint8_t c = r->buf[r->start + i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			first = c;
			break;
		}
	}
	r->detected = true;
	if (r->opts.framing != READ_FRAMING_AUTO) {
		r->framing = r->opts.framing;
		return 0;
	}
	if (avail == 0) {
		r->framing = READ_FRAMING_BE32; /* empty: nothing to read either way */
		return 0;
	}
	if (r->ndjson_ext) {
		r->framing = READ_FRAMING_NDJSON;
		return 0;
	}
	if (r->json_ext && first == '{') {
		r->framing = READ_FRAMING_JSON;
		return 0;
	}
	static const int order[] = { READ_FRAMING_BE32, READ_FRAMING_VARINT };

	for (size_t k = 0; k < 2; k++) {
		rc = fits(r, order[k], &ok, err);
		if (rc)
			return rc;
		if (ok) {
			r->framing = order[k];
			return 0;
		}
	}
	/* a single message: the whole stream (if it starts like one) */
	if (avail >= 2 && valid_prefix(r->buf + r->start, avail, r->opts.max_record)) {
		avail = ensure(r, r->opts.max_record + 1, &rc, err);
		if (rc)
			return rc;
		if (avail <= r->opts.max_record && valid_message(r->buf + r->start, avail)) {
			r->framing = READ_FRAMING_SINGLE;
			return 0;
		}
	}
	if (first == '{') {
		r->framing = READ_FRAMING_JSON;
		return 0;
	}
	return no_framing(r, err);
}

/* Allowed wire type per field number for each signal's item (-1: not a field of it). */
static const int8_t span_wt[] = { -1,        WT_LEN, WT_LEN,    WT_LEN, WT_LEN,    WT_LEN,
				  WT_VARINT, WT_I64, WT_I64,    WT_LEN, WT_VARINT, WT_LEN,
				  WT_VARINT, WT_LEN, WT_VARINT, WT_LEN, WT_I32 };
static const int8_t log_wt[] = { -1,        WT_I64, WT_VARINT, WT_LEN, -1,     WT_LEN, WT_LEN,
				 WT_VARINT, WT_I32, WT_LEN,    WT_LEN, WT_I64, WT_LEN };
static const int8_t metric_wt[] = { -1,     WT_LEN, WT_LEN, WT_LEN, -1,     WT_LEN, -1,
				    WT_LEN, -1,     WT_LEN, WT_LEN, WT_LEN, WT_LEN };

struct sigvote {
	unsigned mask;  /* signals every item so far is compatible with */
	unsigned ev[3]; /* evidence per signal */
	unsigned items;
};

static bool wt_ok(const int8_t *tab, size_t n, const struct wire_field *f)
{
	return f->num < n && tab[f->num] == f->type;
}

static void vote_item(const uint8_t *p, size_t len, struct sigvote *v)
{
	const uint8_t *q = p, *end = p + len;
	struct wire_field f;
	unsigned m = 7;

	while (q < end) {
		if (wire_next(&q, end, &f))
			return;
		if (!wt_ok(span_wt, sizeof(span_wt), &f) ||
		    (f.type == WT_LEN && f.num == 1 && f.v != 0 && f.v != 16) ||
		    (f.type == WT_LEN && (f.num == 2 || f.num == 4) && f.v != 0 && f.v != 8))
			m &= ~(1u << OTELSIM_TRACES);
		if (!wt_ok(log_wt, sizeof(log_wt), &f) ||
		    (f.type == WT_LEN && f.num == 9 && f.v != 0 && f.v != 16) ||
		    (f.type == WT_LEN && f.num == 10 && f.v != 0 && f.v != 8))
			m &= ~(1u << OTELSIM_LOGS);
		if (!wt_ok(metric_wt, sizeof(metric_wt), &f))
			m &= ~(1u << OTELSIM_METRICS);
		if (f.type == WT_I64 && (f.num == 7 || f.num == 8))
			v->ev[OTELSIM_TRACES]++;
		if (f.type == WT_LEN && ((f.num == 1 && f.v == 16) || (f.num == 2 && f.v == 8)))
			v->ev[OTELSIM_TRACES]++;
		if ((f.type == WT_I64 && (f.num == 1 || f.num == 11)) ||
		    (f.type == WT_VARINT && f.num == 2))
			v->ev[OTELSIM_LOGS]++;
		if (f.type == WT_LEN &&
		    (f.num == 5 || f.num == 7 || f.num == 9 || f.num == 10 || f.num == 11))
			v->ev[OTELSIM_METRICS] += 2;
	}
	v->mask &= m;
	v->items++;
}

/* Walk record -> ResourceX -> ScopeX -> items, voting on up to SIGNAL_ITEMS items. */
static void vote_record(const uint8_t *p, size_t len, struct sigvote *v, bool *any_resource)
{
	const uint8_t *q = p, *end = p + len;
	struct wire_field f, g, h;

	*any_resource = false;
	while (q < end && v->items < SIGNAL_ITEMS) {
		if (wire_next(&q, end, &f))
			return;
		if (f.num != 1 || f.type != WT_LEN)
			continue;
		*any_resource = true;
		const uint8_t *s = f.data, *se = f.data + f.v;

		while (s < se && v->items < SIGNAL_ITEMS) {
			if (wire_next(&s, se, &g))
				return;
			if (g.num != 2 || g.type != WT_LEN)
				continue;
			const uint8_t *t = g.data, *te = g.data + g.v;

			while (t < te && v->items < SIGNAL_ITEMS) {
				if (wire_next(&t, te, &h))
					return;
				if (h.num == 2 && h.type == WT_LEN)
					vote_item(h.data, h.v, v);
			}
		}
	}
}

static int pick_signal(const struct reader *r, const struct sigvote *v)
{
	static const int order[] = { OTELSIM_TRACES, OTELSIM_LOGS, OTELSIM_METRICS };
	unsigned cand = v->mask ? v->mask : 7;
	unsigned best = 0;
	int pick = -1;

	if (v->items == 0)
		return r->prev_signal >= 0 ? r->prev_signal
		       : r->hint >= 0      ? r->hint
					   : OTELSIM_TRACES;
	for (int i = 0; i < 3; i++) {
		int s = order[i];

		if (!(cand & (1u << s)))
			continue;
		if (pick < 0 || v->ev[s] > best) {
			pick = s;
			best = v->ev[s];
		}
	}
	/* ties: the file name, then what the file said before */
	for (int k = 0; k < 2; k++) {
		int s = k == 0 ? r->hint : r->prev_signal;

		if (s >= 0 && (cand & (1u << s)) && v->ev[s] == best)
			return s;
	}
	return pick;
}

/* ------------------------------------------------------------------ */
/* records                                                            */

static int rec_fail(struct reader *r, struct otelsim_error *err, int code, uint64_t off,
		    const char *what)
{
	error_at(err, code, r->path, 0, 0, "record %llu at byte %llu: %s",
		 (unsigned long long)r->index, (unsigned long long)off, what);
	return code;
}

/*
 * The file ends inside the record at `off` (a file still being written):
 * `missing` bytes short (0: unknown). Records before it were returned.
 */
static int cut_at(struct reader *r, struct otelsim_error *err, uint64_t off, uint64_t missing)
{
	char what[160];

	r->truncated = true;
	r->trunc_off = off;
	r->trunc_missing = missing;
	if (missing)
		snprintf(what, sizeof(what), "truncated: %llu bytes missing",
			 (unsigned long long)missing);
	else
		snprintf(what, sizeof(what), "truncated: the %s stream ends inside it",
			 r->compression == READ_GZIP ? "gzip"
			 : r->compression == READ_ZSTD ? "zstd"
						       : "file");
	return rec_fail(r, err, OTELSIM_EINPUT, off, what);
}

bool reader_truncated(const struct reader *r, uint64_t *offset, uint64_t *missing)
{
	if (r->truncated) {
		*offset = r->trunc_off;
		*missing = r->trunc_missing;
	}
	return r->truncated;
}

static int unzstd_record(struct reader *r, const uint8_t *p, size_t len, uint64_t off,
			 struct otelsim_error *err)
{
	unsigned long long size = ZSTD_getFrameContentSize(p, len);

	strbuf_reset(&r->rec);
	if (!r->zrec && !(r->zrec = ZSTD_createDCtx()))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (size != ZSTD_CONTENTSIZE_UNKNOWN && size != ZSTD_CONTENTSIZE_ERROR) {
		size_t got;

		if (size > r->opts.max_record)
			return rec_fail(r, err, OTELSIM_ELIMIT, off, "record over the size limit");
		if (strbuf_grow(&r->rec, (size_t)size + 1))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		got = ZSTD_decompressDCtx(r->zrec, r->rec.buf, (size_t)size + 1, p, len);
		if (ZSTD_isError(got) || got != size)
			return rec_fail(r, err, OTELSIM_EINPUT, off, "corrupt zstd frame");
		r->rec.len = got;
		return 0;
	}
	/* unknown size: stream it */
	ZSTD_inBuffer in = { p, len, 0 };
	size_t zr = 1;

	ZSTD_DCtx_reset(r->zrec, ZSTD_reset_session_only);
	while (in.pos < in.size || zr != 0) {
		if (strbuf_grow(&r->rec, 64 * 1024))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		ZSTD_outBuffer out = { r->rec.buf + r->rec.len, r->rec.alloc - r->rec.len - 1, 0 };

		zr = ZSTD_decompressStream(r->zrec, &out, &in);
		if (ZSTD_isError(zr))
			return rec_fail(r, err, OTELSIM_EINPUT, off, "corrupt zstd frame");
		r->rec.len += out.pos;
		if (r->rec.len > r->opts.max_record)
			return rec_fail(r, err, OTELSIM_ELIMIT, off, "record over the size limit");
		if (out.pos == 0 && in.pos == in.size && zr != 0)
			return rec_fail(r, err, OTELSIM_EINPUT, off, "truncated zstd frame");
	}
	return 0;
}

/* Does the text start (after whitespace) with '{'? */
static bool starts_json(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < len && p[i] == '{';
}

/*
 * A zstd record holding OTLP/JSON (the Collector's file exporter with
 * `format: json` and `compression: zstd`: each record is a 4-byte length
 * and zstd(JSON), no newline): the JSON is in r->rec.
 */
static int zstd_json_record(struct reader *r, struct read_record *rec, uint64_t off,
			    struct otelsim_error *err)
{
	const char *text = r->rec.buf;
	size_t len = r->rec.len;
	int rc;

	if (otlpjson_signal(text, len, &rec->signal))
		return rec_fail(r, err, OTELSIM_EINPUT, off,
				"zstd record holds JSON without 'resourceSpans', "
				"'resourceMetrics' or 'resourceLogs'");
	rec->source_encoding = READ_JSON;
	rec->offset = off;
	rec->line = 0;
	rec->empty = false;
	if (!r->opts.to_protobuf) {
		rec->data = (uint8_t *)r->rec.buf;
		rec->len = len;
		rec->encoding = READ_JSON;
		return 1;
	}
	strbuf_reset(&r->jpb);
	rc = otlpjson_to_protobuf(otlpjson_descriptor(rec->signal), text, len, &r->jpb, err);
	if (rc) {
		if (err) {
			char msg[sizeof(err->message)];

			snprintf(msg, sizeof(msg), "%s", err->message);
			error_at(err, rc, r->path, 0, 0,
				 "record %llu at byte %llu: its JSON at line %d column %d: %s",
				 (unsigned long long)r->index, (unsigned long long)off, err->line,
				 err->column, msg);
		}
		return rc;
	}
	rec->data = (uint8_t *)r->jpb.buf;
	rec->len = r->jpb.len;
	rec->encoding = READ_PROTOBUF;
	rec->empty = r->jpb.len == 0;
	return 1;
}

static int next_protobuf(struct reader *r, struct read_record *rec, struct otelsim_error *err)
{
	uint64_t off = r->base + r->start, len = 0;
	size_t avail, hlen = 0;
	uint8_t *data;
	int rc, h;

	if (r->framing == READ_FRAMING_SINGLE) {
		if (r->index > 0)
			return 0;
		avail = ensure(r, r->opts.max_record + 1, &rc, err);
		if (rc)
			return rc;
		if (avail == 0)
			return 0;
		if (avail > r->opts.max_record)
			return rec_fail(r, err, OTELSIM_ELIMIT, off, "message over the size limit");
		len = avail;
	} else {
		avail = ensure(r, r->framing == READ_FRAMING_BE32 ? 4 : 10, &rc, err);
		if (rc)
			return rc;
		if (avail == 0)
			return 0;
		h = record_header(r, r->framing, 0, &len, &hlen);
		if (h < 0)
			return rec_fail(r, err, OTELSIM_EINPUT, off, "bad varint length prefix");
		if (h == 0)
			return cut_at(r, err, off,
				      r->framing == READ_FRAMING_BE32 && !r->stream_cut ? 4 - avail
											: 0);
		if (len > r->opts.max_record)
			return rec_fail(
				r, err, OTELSIM_ELIMIT, off,
				"length prefix over the record size limit (wrong --framing?)");
		avail = ensure(r, hlen + (size_t)len, &rc, err);
		if (rc)
			return rc;
		if (avail < hlen + len) /* the prefix says more than is left */
			return cut_at(r, err, off,
				      r->stream_cut ? 0 : hlen + (size_t)len - avail);
	}
	data = r->buf + r->start + hlen;
	r->start += hlen + (size_t)len;
	if (r->framing == READ_FRAMING_BE32 && is_zstd_frame(data, (size_t)len)) {
		r->zstd_records = true;
		rc = unzstd_record(r, data, (size_t)len, off, err);
		if (rc)
			return rc;
		data = (uint8_t *)r->rec.buf;
		len = r->rec.len;
		if (!valid_message(data, (size_t)len) && starts_json(data, (size_t)len))
			return zstd_json_record(r, rec, off, err);
	}
	if (!valid_message(data, (size_t)len))
		return rec_fail(r, err, OTELSIM_EINPUT, off,
				"not a TracesData, MetricsData or LogsData message");
	struct sigvote v = { 7, { 0, 0, 0 }, 0 };
	bool any;

	vote_record(data, (size_t)len, &v, &any);
	rec->signal = pick_signal(r, &v);
	rec->empty = !any;
	rec->encoding = rec->source_encoding = READ_PROTOBUF;
	rec->data = data;
	rec->len = (size_t)len;
	rec->offset = off;
	rec->line = 0;
	return 1;
}

/* a + b for line and column numbers: they stop at INT_MAX (a file of 2^31 lines) */
static int pos_add(int a, uint64_t b)
{
	return b >= (uint64_t)(INT_MAX - a) ? INT_MAX : a + (int)b;
}

/* Count lines in window bytes [a, b) (offsets from start). */
static void count_lines(struct reader *r, size_t a, size_t b)
{
	const uint8_t *p = r->buf + r->start;

	for (size_t i = a; i < b; i++) {
		if (p[i] == '\n') {
			r->line = pos_add(r->line, 1);
			r->line_off = r->base + r->start + i + 1;
		}
	}
}

/* ---- flat NDJSON (read/flat.h) ---------------------------------------------- */

/* A first JSON object that is not OTLP/JSON: is it a flat record? */
static bool looks_flat(struct reader *r, const uint8_t *text, size_t len)
{
	struct jval *root = NULL;
	bool flat;

	arena_reset(&r->fa);
	flat = json_tree_parse((const char *)text, len, &r->fa, &root, NULL) == 0 && root &&
	       root->type == J_OBJ && flat_kind(root, NULL) >= 0;
	arena_reset(&r->fa);
	return flat;
}

/*
 * The next line: its text at r->buf + r->start, *len bytes without the
 * newline, *nl whether one ends it. 0, or a code; *len 0 and !*nl at the end.
 */
static int flat_line(struct reader *r, size_t *len, bool *nl, struct otelsim_error *err)
{
	size_t avail, scanned = 0;

	*len = 0;
	int rc;

	*nl = false;
	avail = ensure(r, 1, &rc, err);
	for (;;) {
		const uint8_t *p;

		if (rc)
			return rc;
		p = memchr(r->buf + r->start + scanned, '\n', avail - scanned);
		if (p) {
			*len = (size_t)(p - (r->buf + r->start));
			*nl = true;
			return 0;
		}
		if (r->eof) {
			*len = avail;
			return 0;
		}
		if (avail > r->opts.max_record)
			return error_at(err, OTELSIM_ELIMIT, r->path, r->line, 1,
					"a line over the record size limit");
		scanned = avail;
		avail = ensure(r, avail + avail / 2 + 4096, &rc, err);
	}
}

static void flat_consume(struct reader *r, size_t len, bool nl)
{
	r->start += len + nl;
	if (nl) {
		r->line = pos_add(r->line, 1);
		r->line_off = r->base + r->start;
	}
}

static bool blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

/* A bad line: an error, or (skip_bad) counted and passed. */
static int flat_bad(struct reader *r, int line, int col, const char *why,
		    struct otelsim_error *err)
{
	if (!r->opts.skip_bad)
		return error_at(err, OTELSIM_EINPUT, r->path, line, col, "%s", why);
	if (!r->skipped++)
		snprintf(r->skip_first, sizeof(r->skip_first), "%s:%d:%d: %s", r->path, line, col,
			 why);
	return 0;
}

/* One line into the record being built: 1 added, 0 bad and skipped, or a code. */
static int flat_take(struct reader *r, const uint8_t *text, size_t len, int line,
		     struct otelsim_error *err)
{
	struct otelsim_error jerr;
	struct jval *root = NULL;
	char why[1024];
	int l = 1, c = 1, rc;
	size_t skip = 0;

	memset(&jerr, 0, sizeof(jerr));
	arena_reset(&r->fa);
	rc = json_tree_parse((const char *)text, len, &r->fa, &root, &jerr);
	if (rc == OTELSIM_ENOMEM)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	while (rc && skip < len && (text[skip] == ' ' || text[skip] == '\t'))
		skip++;
	if (rc && (skip == len || text[skip] != '{'))
		return flat_bad(r, line, 1, "not a JSON object (flat NDJSON: one object a line)",
				err);
	if (rc)
		return flat_bad(r, line, jerr.column > 0 ? jerr.column : 1, jerr.message, err);
	if (root->type != J_OBJ)
		return flat_bad(r, line, 1, "not a JSON object (flat NDJSON: one object a line)",
				err);
	if (r->flat_kind < 0) {
		r->flat_kind = flat_kind(root, r->path);
		if (r->flat_kind < 0)
			return flat_bad(r, line, 1,
					"not a flat NDJSON record: no span_id, metric, type or "
					"level key, and the file name says no signal",
					err);
		flat_begin(&r->fb, r->flat_kind);
	}
	rc = flat_add(&r->fb, root, why, sizeof(why), &l, &c);
	if (rc < 0)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (rc)
		return flat_bad(r, pos_add(line, l > 1 ? (uint64_t)l - 1 : 0), c, why, err);
	return 1;
}

static int next_flat(struct reader *r, struct read_record *rec, struct otelsim_error *err)
{
	size_t lines = 0, len = 0;
	bool nl;
	int rc;

	if (r->flat_kind >= 0)
		flat_begin(&r->fb, r->flat_kind);
	while (lines < FLAT_LINES_PER_RECORD) {
		const uint8_t *text;
		int line = r->line;

		rc = flat_line(r, &len, &nl, err);
		if (rc)
			return rc;
		if (!len && !nl)
			break;
		text = r->buf + r->start;
		if (r->base + r->start == 0 && len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
			r->start += 3; /* a byte-order mark */
			continue;
		}
		if (!blank(text, len)) {
			uint64_t off = r->base + r->start;

			rc = flat_take(r, text, len, line, err);
			if (rc < 0)
				return rc;
			if (rc && !lines++) {
				rec->line = line;
				rec->offset = off;
			}
		}
		flat_consume(r, len, nl);
	}
	if (!lines)
		return 0;
	if (flat_end(&r->fb))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	rec->signal = flat_signal(r->flat_kind);
	rec->source_encoding = READ_JSON;
	rec->empty = false;
	if (!r->opts.to_protobuf) {
		rec->data = (uint8_t *)r->fb.json.buf;
		rec->len = r->fb.json.len;
		rec->encoding = READ_JSON;
		return 1;
	}
	strbuf_reset(&r->rec);
	rc = otlpjson_to_protobuf(otlpjson_descriptor(rec->signal), r->fb.json.buf, r->fb.json.len,
				  &r->rec, err);
	if (rc) {
		error_prefix(err, "%s:%d: flat NDJSON record", r->path, rec->line);
		return rc;
	}
	rec->data = (uint8_t *)r->rec.buf;
	rec->len = r->rec.len;
	rec->encoding = READ_PROTOBUF;
	return 1;
}

static int next_json(struct reader *r, struct read_record *rec, struct otelsim_error *err)
{
	size_t avail, i = 0, vend = 0;
	int rc, depth = 0, col;
	bool in_str = false, esc = false;
	uint8_t *text;

	/* whitespace (and a byte-order mark at the very start) */
	for (;;) {
		avail = ensure(r, 1, &rc, err);
		if (rc)
			return rc;
		if (avail == 0)
			return 0;
		uint8_t c = r->buf[r->start];

		if (r->base + r->start == 0 && avail >= 3 &&
		    memcmp(r->buf + r->start, "\xef\xbb\xbf", 3) == 0) {
			r->start += 3;
			r->line_off = 3;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			count_lines(r, 0, 1);
			r->start++;
			continue;
		}
		break;
	}
	col = pos_add(1, r->base + r->start - r->line_off);
	if (r->buf[r->start] != '{') {
		error_at(err, OTELSIM_EINPUT, r->path, r->line, col,
			 "expected '{' to start an OTLP/JSON object");
		return OTELSIM_EINPUT;
	}
	/* find the end of the value */
	for (;;) {
		const uint8_t *p = r->buf + r->start;

		for (; i < avail && !vend; i++) {
			uint8_t c = p[i];

			if (in_str) {
				if (esc)
					esc = false;
				else if (c == '\\')
					esc = true;
				else if (c == '"')
					in_str = false;
			} else if (c == '"') {
				in_str = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					vend = i + 1;
			}
		}
		if (vend)
			break;
		if (r->eof) {
			r->truncated = true; /* a line being written: its end is not there yet */
			r->trunc_off = r->base + r->start;
			r->trunc_missing = 0;
			error_at(err, OTELSIM_EINPUT, r->path, r->line, col,
				 "truncated: unterminated JSON object");
			return OTELSIM_EINPUT;
		}
		if (avail > r->opts.max_record) {
			error_at(err, OTELSIM_ELIMIT, r->path, r->line, col,
				 "JSON object over the record size limit");
			return OTELSIM_ELIMIT;
		}
		avail = ensure(r, avail + avail / 2 + 4096, &rc, err);
		if (rc)
			return rc;
	}
	text = r->buf + r->start;
	rec->offset = r->base + r->start;
	rec->line = r->line;
	if (!r->flat_decided) {
		r->flat_decided = true;
		if (otlpjson_signal((const char *)text, vend, &rec->signal) &&
		    looks_flat(r, text, vend)) {
			r->framing = READ_FRAMING_NDJSON;
			return next_flat(r, rec, err);
		}
	}
	if (otlpjson_signal((const char *)text, vend, &rec->signal)) {
		error_at(err, OTELSIM_EINPUT, r->path, r->line, col,
			 "not OTLP/JSON: no 'resourceSpans', 'resourceMetrics' or 'resourceLogs' "
			 "key");
		return OTELSIM_EINPUT;
	}
	rec->source_encoding = READ_JSON;
	rec->empty = false;
	if (r->opts.to_protobuf) {
		strbuf_reset(&r->rec);
		rc = otlpjson_to_protobuf(otlpjson_descriptor(rec->signal), (const char *)text,
					  vend, &r->rec, err);
		if (rc) {
			if (err) {
				int l = err->line, c = err->column;

				err->line = pos_add(r->line, l > 0 ? (uint64_t)l - 1 : 0);
				err->column = l <= 1 ? pos_add(col, c > 0 ? (uint64_t)c - 1 : 0)
						     : c;
				snprintf(err->file, sizeof(err->file), "%s", r->path);
			}
			return rc;
		}
		rec->data = (uint8_t *)r->rec.buf;
		rec->len = r->rec.len;
		rec->encoding = READ_PROTOBUF;
		rec->empty = r->rec.len == 0;
	} else {
		rec->data = text;
		rec->len = vend;
		rec->encoding = READ_JSON;
	}
	count_lines(r, 0, vend);
	r->start += vend;
	return 1;
}

int reader_next(struct reader *r, struct read_record *rec, struct otelsim_error *err)
{
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (!r->started) {
		rc = start_stream(r, err);
		if (rc)
			return rc;
	}
	if (!r->detected) {
		rc = detect(r, err);
		if (rc)
			return rc;
	}
	if (r->framing == READ_FRAMING_NDJSON)
		rc = next_flat(r, rec, err);
	else if (r->framing == READ_FRAMING_JSON)
		rc = next_json(r, rec, err);
	else
		rc = next_protobuf(r, rec, err);
	if (rc == 0 && r->stream_cut) /* records whole, the compressed stream not */
		return cut_at(r, err, r->base + r->start, 0);
	if (rc == 1) {
		rec->index = r->index++;
		r->prev_signal = rec->signal;
	}
	return rc;
}
