/*
 * encode/encode_int.h - what encode.c and the formats share (not public).
 *
 * A format is a struct encoder_ops: `begin` builds what the encoder keeps
 * for its life (the envelopes of every resource), `end` frees it, and one
 * operation per signal appends a batch's items as records. The OTLP formats
 * (pb.c, json.c) turn a signal's items in two steps:
 *   1. every item is encoded once on its own (pb.c: a Span, LogRecord or
 *      Metric message body, written back to front; json.c: its JSON object,
 *      front to back) into the encoder's scratch buffer, remembering where
 *      each landed (item_pos, item_len) and its resource (item_res);
 *   2. encode_cut walks the items in batch order, groups them by resource
 *      and, inside each, by scope, and cuts records with the record rule
 *      (encode.h), using the format's exact record size; then the format
 *      writes each record into the output by copying the item bytes between
 *      cached resource and scope envelopes.
 * Items are copied once more (step 2), which is what lets a record be sized
 * exactly before any of it is written. TracesData, LogsData and MetricsData
 * share one shape (resource = 1, scope_x = 2, schema_url = 3; scope = 1,
 * items = 2, schema_url = 3), so the protobuf envelopes serve every signal;
 * the JSON ones differ only in their keys (enum envelope).
 */
#ifndef ENCODE_ENCODE_INT_H
#define ENCODE_ENCODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "encode/encode.h"
#include "util/varint.h"

/* A byte buffer written back to front: the data is buf[cap - used, cap). */
struct rwriter {
	uint8_t *buf;
	size_t cap, used;
};

/*
 * Room for n more bytes of out, for a record: -1 when it cannot be had,
 * with e->why saying whether out's max or memory ran out.
 */
#define ENCODE_GROW_OUT(e, out, n)                                                          \
	(strbuf_grow((out), (n))                                                            \
		 ? ((e)->why = (out)->max && (n) > (out)->max - (out)->len ? ENCODE_ETOOBIG \
									   : ENCODE_ENOMEM, \
		    -1)                                                                     \
		 : 0)

/* Room for n more bytes (moves the data to the end of a larger buffer). */
int rw_grow(struct rwriter *w, size_t n);
void rw_release(struct rwriter *w);

static inline int rw_reserve(struct rwriter *w, size_t n)
{
	return w->cap - w->used >= n ? 0 : rw_grow(w, n);
}

/* A byte buffer written front to back (JSON items). */
struct fwriter {
	char *buf;
	size_t len, cap;
};

int fw_grow(struct fwriter *w, size_t n);
void fw_release(struct fwriter *w);

static inline int fw_reserve(struct fwriter *w, size_t n)
{
	return w->cap - w->len >= n ? 0 : fw_grow(w, n);
}

/* A JSON string, quoted and escaped (util/jsonw.h json_escape); 0 or -1. */
int fw_json_str(struct fwriter *w, const char *s, size_t n);
/* An id as a quoted lower-case hex string; 0 or -1. */
int fw_json_hex(struct fwriter *w, const uint8_t *id, size_t n);

/* The message family a record belongs to (logs and events share LogsData). */
enum envelope { ENV_TRACES = 0, ENV_METRICS, ENV_LOGS, ENV_COUNT };

/* Per-resource envelopes, built once per encoder. */
struct res_env {
	uint8_t *pb; /* protobuf: the ResourceX.resource field (tag, length, body) */
	size_t pb_len;
	/* JSON: `{"resource":{...},"scopeSpans":[` (per envelope) */
	char *json[ENV_COUNT];
	size_t json_len[ENV_COUNT];
};

/* Per-scope envelopes (model->scopes), built once per encoder. */
struct scope_env {
	uint8_t *pb; /* protobuf: the ScopeX.scope field (tag, length, body) */
	size_t pb_len;
	/* JSON: `{"scope":{...},"spans":[` (per envelope) */
	char *json[ENV_COUNT];
	size_t json_len[ENV_COUNT];
};

#define SUB_NONE UINT32_MAX

/* A scope's items inside a resource's group (one ScopeX). */
struct sub {
	uint32_t scope;
	uint32_t nitems;
	uint32_t next;     /* the group's next sub (index into encoder->subs), SUB_NONE */
	size_t head, tail; /* item indices; linked through encoder->next */
	size_t body; /* protobuf: bytes of its item fields; JSON: of its item objects + commas */
};

/* A resource's items inside the record being cut (one ResourceX): its subs, in order. */
struct group {
	uint32_t res;
	uint32_t first, last; /* subs */
	size_t inner;         /* bytes its subs add (sub_size of each) */
};

struct encoder_ops {
	const char *name;
	int format;      /* enum otelsim_format */
	const char *ext; /* the files' extension: <signal>.<ext>[.gz] */
	/* per encoder: envelopes and caches (0 or -1); end frees them */
	int (*begin)(struct encoder *e);
	/* per signal: append the batch's items as records (encoder_encode's contract) */
	int (*spans)(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n);
	int (*logs)(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n);
	int (*metrics)(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n);
	int (*events)(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *n);
	void (*end)(struct encoder *e);
};

extern const struct encoder_ops encode_pb_ops;   /* OTELSIM_FORMAT_OTLP */
extern const struct encoder_ops encode_json_ops; /* OTELSIM_FORMAT_OTLP_JSON */
extern const struct encoder_ops encode_ndjson_ops; /* OTELSIM_FORMAT_NDJSON */

struct encoder {
	struct encoder_config cfg;
	const struct encoder_ops *ops;
	size_t max;
	uint32_t nres;
	struct res_env *res;
	uint32_t nscopes; /* model->nscopes, or 1 (the config's) for a model without */
	struct scope_env *scopes;
	/* protobuf: the schema_url field (tag/length framed) */
	uint8_t *schema_pb;
	size_t schema_pb_len;
	/* JSON: what closes a scope's sub and a resource's group: `]` [schema] `}` */
	char *json_tail;
	size_t json_tail_len;
	int env; /* enum envelope of the records being cut */
	/* JSON lines past the Collector's 1 MiB line limit (one item too large
	 * to split), since encoder_take_oversize; the first one described */
	uint64_t oversize;
	char oversize_what[200];
	int why; /* enum encode_error of a failure in progress (0: out of memory) */
	void *state; /* what a format keeps across batches (ndjson.c); its end frees it */

	/* step 1 */
	struct rwriter rw;
	struct fwriter fw;
	size_t *item_pos; /* pb: `used` after the item was written; JSON: start offset */
	uint32_t *item_len;
	uint32_t *item_res;
	uint32_t *item_scope;
	size_t item_cap;

	/* step 2 */
	struct group *groups;
	uint32_t ngroups;
	struct sub *subs; /* item_cap of them (a sub holds an item at least) */
	uint32_t nsubs;
	uint32_t *res_group; /* resource -> group index + 1 in the current record, 0 = none */
	size_t *next;        /* item -> next item of its group */
};

/* Room for n items in item_pos/item_len/item_res/item_scope/next/subs. 0 or -1. */
int encode_reserve_items(struct encoder *e, size_t n);

/* The scope of envelope i (model->scopes[i], or the config's for a model without). */
struct scope_def encode_scope(const struct encoder *e, uint32_t i);

/* What encode_cut needs from a format. */
struct cut_format {
	/* bytes an item of `len` adds to its group (first: the group's first) */
	size_t (*item_size)(size_t len, bool first);
	/* bytes a sub adds to its group (its whole ScopeX; first: the group's first) */
	size_t (*sub_size)(const struct encoder *e, const struct sub *s, bool first);
	/* bytes a group adds to a record (its whole ResourceX) */
	size_t (*group_size)(const struct encoder *e, const struct group *g);
	/* the framed size of a record whose groups add up to sum */
	size_t (*record_size)(const struct encoder *e, size_t sum, uint32_t ngroups);
	/* append the record made of e->groups (sizes adding up to sum); 0 or -1 */
	int (*write_record)(struct encoder *e, size_t sum, struct strbuf *out);
};

/* Forget the current record's groups. */
static inline void cut_clear(struct encoder *e)
{
	for (uint32_t gi = 0; gi < e->ngroups; gi++)
		e->res_group[e->groups[gi].res] = 0;
	e->ngroups = 0;
	e->nsubs = 0;
}

/* Write the current record (its groups adding up to *sum) and start the next. */
static inline __attribute__((always_inline)) int cut_flush(struct encoder *e,
							   const struct cut_format *f, size_t *sum,
							   struct strbuf *out, uint64_t *nrec)
{
	if (f->write_record(e, *sum, out))
		return -1;
	(*nrec)++;
	*sum = 0;
	cut_clear(e);
	return 0;
}

/*
 * Step 2 for the batch's first n items of `signal` (item_len/item_res
 * filled), into records of e->env. 0 or -1 (out then left as it was).
 * Inlined into each format's operations so its calls are direct.
 */
/* Remember a JSON line no cut can keep under 1 MiB: what item i of the batch is. */
void encode_note_oversize(struct encoder *e, const struct batch *b, int signal, size_t i);

static inline __attribute__((always_inline)) int encode_cut(struct encoder *e,
							    const struct batch *b, int signal,
							    size_t n, const struct cut_format *f,
							    struct strbuf *out, uint64_t *nrecords)
{
	size_t start_len = out->len, sum = 0, next_break = SIZE_MAX, mark = 0;
	uint32_t per = e->cfg.traces_per_record;
	uint64_t nrec = 0;
	int rc = -1;

	/* the first item of iteration k * per (k >= 1) opens a record */
	if (per && (mark = batch_record_mark(b, 0, per)) < b->nmarks)
		next_break = b->marks[mark].first[signal];
	e->ngroups = 0;
	for (size_t i = 0; i < n;) {
		uint32_t r = e->item_res[i], sc = e->item_scope[i];
		size_t newsum;
		struct group gt, *g;
		struct sub st, *sb = NULL;
		bool sb_first = false;

		while (i >= next_break) { /* (traces without items: several marks here) */
			mark = batch_record_mark(b, mark, per);
			next_break = mark < b->nmarks ? b->marks[mark].first[signal] : SIZE_MAX;
			if (e->ngroups && cut_flush(e, f, &sum, out, &nrec))
				goto cleanup;
		}
		g = e->res_group[r] ? &e->groups[e->res_group[r] - 1] : NULL;
		for (uint32_t j = g ? g->first : SUB_NONE; j != SUB_NONE; j = e->subs[j].next)
			if (e->subs[j].scope == sc) {
				sb = &e->subs[j];
				sb_first = j == g->first;
				break;
			}
		if (sb) {
			st = *sb;
			st.body += f->item_size(e->item_len[i], false);
		} else {
			memset(&st, 0, sizeof(st));
			st.scope = sc;
			st.next = SUB_NONE;
			st.body = f->item_size(e->item_len[i], true);
		}
		if (g) {
			gt = *g;
			gt.inner += f->sub_size(e, &st, sb ? sb_first : false);
			if (sb)
				gt.inner -= f->sub_size(e, sb, sb_first);
			newsum = sum - f->group_size(e, g) + f->group_size(e, &gt);
		} else {
			memset(&gt, 0, sizeof(gt));
			gt.res = r;
			gt.inner = f->sub_size(e, &st, true);
			newsum = sum + f->group_size(e, &gt);
		}
		if (e->ngroups && f->record_size(e, newsum, e->ngroups + !g) > e->max) {
			if (cut_flush(e, f, &sum, out, &nrec))
				goto cleanup;
			continue; /* the same item opens the next record */
		}
		if (!e->ngroups && e->cfg.format == OTELSIM_FORMAT_OTLP_JSON &&
		    f->record_size(e, newsum, 1) > ENCODE_COLLECTOR_LINE_MAX)
			encode_note_oversize(e, b, signal, i); /* alone, and still too long */
		if (sb) {
			sb->body = st.body;
			sb->nitems++;
			e->next[sb->tail] = i;
			sb->tail = i;
		} else {
			uint32_t j = e->nsubs++;

			e->subs[j] = st;
			e->subs[j].nitems = 1;
			e->subs[j].head = e->subs[j].tail = i;
			if (g) {
				e->subs[g->last].next = j;
				g->last = j;
			} else {
				gt.first = gt.last = j;
			}
		}
		if (g) {
			g->inner = gt.inner;
		} else {
			e->groups[e->ngroups++] = gt;
			e->res_group[r] = e->ngroups;
		}
		sum = newsum;
		i++;
	}
	if (e->ngroups && cut_flush(e, f, &sum, out, &nrec))
		goto cleanup;
	rc = 0;
cleanup:
	cut_clear(e);
	if (rc)
		strbuf_truncate(out, start_len);
	else if (nrecords)
		*nrecords = nrec;
	return rc;
}

#endif
