#include "replay/split.h"

#include <stdlib.h>
#include <string.h>

#include "util/pbwire.h"
#include "util/error.h"

#define NONE       UINT32_MAX
#define MAX_DEPTH  4
#define MAX_RECORD (((size_t)1 << 31) - 1)

/*
 * A container: its envelope is the bytes before its first child (one run
 * of buf, pre_*) and the fields after it, which children may interleave:
 * a chain of runs of buf (post_first .. post_last through sseg.next).
 * Nothing is copied, so the memory stays linear in the record's size
 * whatever the order of its fields.
 */
struct snode {
	uint32_t parent; /* NONE at level 0 */
	uint32_t field;  /* field number in the parent (1 at level 0) */
	uint32_t pre_off, pre_len;
	uint32_t post_first, post_last, post_len; /* runs (NONE: none), their total */
	uint32_t first_leaf, end_leaf;
	uint64_t tmp; /* payload size while emitting */
	uint8_t level;
};

struct sseg {
	uint32_t off, len; /* a run of buf */
	uint32_t next;     /* the node's next run, or NONE */
};

struct sleaf {
	uint32_t node;
	uint32_t field;
	uint32_t off, len;
	uint64_t ts;
	uint8_t items;
};

struct srec {
	uint8_t *buf; /* the record, transformed in place */
	size_t len, cap;
	struct sseg *segs; /* envelope runs after the first child */
	size_t nsegs, cap_segs;
	struct snode *nodes;
	size_t nnodes, cap_nodes;
	struct sleaf *leaves;
	size_t nleaves, cap_leaves;
	size_t next; /* first leaf not handed out */
	uint64_t index;
	uint64_t est; /* estimated bytes of what is left */
	struct srec *qnext;
};

struct splitter {
	struct split_config cfg;
	struct srec *head, *tail, *spare;
	int signal;
	uint64_t pending_leaves, pending_items, pending_est;
	uint8_t *out;
	size_t out_cap;
};

struct splitter *split_new(const struct split_config *cfg)
{
	struct splitter *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (!s->cfg.max_bytes)
		s->cfg.max_bytes = SPLIT_MAX_BYTES_DEFAULT;
	s->signal = -1;
	return s;
}

static void srec_free(struct srec *r)
{
	free(r->buf);
	free(r->segs);
	free(r->nodes);
	free(r->leaves);
	free(r);
}

void split_free(struct splitter *s)
{
	struct srec *r, *n;

	if (!s)
		return;
	for (r = s->head; r; r = n) {
		n = r->qnext;
		srec_free(r);
	}
	if (s->spare)
		srec_free(s->spare);
	free(s->out);
	free(s);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* Append the field [p, p+n) of buf to node's post envelope. */
static int post_add(struct srec *r, struct snode *nd, const uint8_t *p, size_t n)
{
	uint32_t off = (uint32_t)(p - r->buf);
	struct sseg *last = nd->post_last == NONE ? NULL : &r->segs[nd->post_last];

	if (last && last->off + last->len == off) {
		last->len += (uint32_t)n;
	} else {
		if (grow((void **)&r->segs, &r->cap_segs, r->nsegs + 1, sizeof(struct sseg)))
			return -1;
		r->segs[r->nsegs] = (struct sseg){ off, (uint32_t)n, NONE };
		if (nd->post_last == NONE)
			nd->post_first = (uint32_t)r->nsegs;
		else
			r->segs[nd->post_last].next = (uint32_t)r->nsegs;
		nd->post_last = (uint32_t)r->nsegs++;
	}
	nd->post_len += (uint32_t)n;
	return 0;
}

/* Copy node's post envelope to o; returns the end. */
static uint8_t *post_write(const struct srec *r, const struct snode *nd, uint8_t *o)
{
	for (uint32_t i = nd->post_first; nd->post_len && i != NONE; i = r->segs[i].next) {
		memcpy(o, r->buf + r->segs[i].off, r->segs[i].len);
		o += r->segs[i].len;
	}
	return o;
}

struct addctx {
	struct srec *r;
	int signal;
	uint64_t skip;
	const struct xform *x;
	struct xform_stats *st;
	struct otelsim_error *err;
};

static int push_leaf(struct addctx *c, uint32_t node, uint32_t field, const uint8_t *data,
		     size_t len, int kind)
{
	struct srec *r = c->r;
	struct sleaf *lf;

	if (grow((void **)&r->leaves, &r->cap_leaves, r->nleaves + 1, sizeof(*lf)))
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	lf = &r->leaves[r->nleaves];
	lf->node = node;
	lf->field = field;
	lf->off = (uint32_t)(data - r->buf);
	lf->len = (uint32_t)len;
	lf->items = kind == XLEAF_METRIC ? 0 : 1;
	lf->ts = 0;
	if (r->nleaves >= c->skip && kind != XLEAF_METRIC) {
		int rc = xform_leaf(kind, (uint8_t *)data, len, c->x, c->st, &lf->ts, c->err);

		if (rc) {
			error_prefix(c->err, "item at byte %u", lf->off);
			return rc;
		}
	}
	r->nleaves++;
	return 0;
}

static int walk(struct addctx *c, int level, uint32_t parent, uint32_t field, uint32_t data_field,
		const uint8_t *p, size_t len)
{
	struct srec *r = c->r;
	const uint8_t *q = p, *end = p + len;
	struct wire_field f;
	uint32_t me;
	int saw_child = 0, kind = 0, rc;

	if (level >= MAX_DEPTH)
		return error_set(c->err, OTELSIM_EINTERNAL, "split tree too deep");
	if (grow((void **)&r->nodes, &r->cap_nodes, r->nnodes + 1, sizeof(struct snode)))
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	me = (uint32_t)r->nnodes++;
	memset(&r->nodes[me], 0, sizeof(struct snode));
	r->nodes[me].parent = parent;
	r->nodes[me].field = field;
	r->nodes[me].level = (uint8_t)level;
	r->nodes[me].pre_off = (uint32_t)(p - r->buf);
	r->nodes[me].post_first = r->nodes[me].post_last = NONE;
	r->nodes[me].first_leaf = (uint32_t)r->nleaves;
	while (q < end) {
		if (wire_next(&q, end, &f))
			return error_set(c->err, OTELSIM_EINPUT,
					 "invalid protobuf: malformed field at byte %zu",
					 (size_t)(q - r->buf));
		int shape = f.type == WT_LEN
				    ? xform_shape(c->signal, level, f.num, data_field, &kind)
				    : XSHAPE_NONE;

		if (shape == XSHAPE_NONE) {
			if (!saw_child)
				r->nodes[me].pre_len = (uint32_t)(f.end - p);
			else if (post_add(r, &r->nodes[me], f.start, (size_t)(f.end - f.start)))
				return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
			continue;
		}
		saw_child = 1;
		if (shape == XSHAPE_NODE)
			rc = walk(c, level + 1, me, f.num, level == 2 ? f.num : data_field, f.data,
				  f.v);
		else
			rc = push_leaf(c, me, f.num, f.data, f.v, kind);
		if (rc)
			return rc;
	}
	r->nodes[me].end_leaf = (uint32_t)r->nleaves;
	if (r->nodes[me].end_leaf == r->nodes[me].first_leaf) {
		/* no items: never write an empty envelope; a Metric travels whole */
		r->nnodes = me;
		if (level == 3)
			return 0; /* the Metric above turns into a leaf */
		if (level == 2)
			return push_leaf(c, parent, field, p, len, XLEAF_METRIC);
	}
	return 0;
}

static uint64_t leaf_cost(const struct sleaf *lf)
{
	return wire_len_field_size(lf->field, lf->len);
}

static uint64_t node_cost(const struct snode *nd)
{
	/* tag (fields <= 15: one byte), a length of at most 5 bytes, envelope */
	return 1 + 5 + (uint64_t)nd->pre_len + nd->post_len;
}

static struct srec *srec_get(struct splitter *s)
{
	struct srec *r = s->spare;

	if (r) {
		s->spare = NULL;
		r->len = r->nsegs = r->nnodes = r->nleaves = r->next = 0;
		r->qnext = NULL;
		return r;
	}
	return calloc(1, sizeof(*r));
}

static void srec_put(struct splitter *s, struct srec *r)
{
	if (s->spare)
		srec_free(s->spare);
	s->spare = r;
}

int split_add(struct splitter *s, int signal, const uint8_t *rec, size_t len, uint64_t record_index,
	      uint64_t skip_leaves, const struct xform *x, struct xform_stats *st,
	      struct otelsim_error *err)
{
	struct addctx c;
	struct srec *r;
	const uint8_t *q, *end;
	struct wire_field f;
	int rc = 0;

	if (s->head && signal != s->signal)
		return error_set(err, OTELSIM_EINTERNAL,
				 "split_add: signal changed without a flush");
	if (len > MAX_RECORD)
		return error_set(err, OTELSIM_ELIMIT, "record of %zu bytes is over the 2 GiB limit",
				 len);
	r = srec_get(s);
	if (!r || grow((void **)&r->buf, &r->cap, len ? len : 1, 1)) {
		if (r)
			srec_put(s, r);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	memcpy(r->buf, rec, len);
	r->len = len;
	r->index = record_index;
	c = (struct addctx){ r, signal, skip_leaves, x, st, err };
	q = r->buf;
	end = r->buf + len;
	while (q < end) {
		if (wire_next(&q, end, &f)) {
			rc = error_set(err, OTELSIM_EINPUT,
				       "invalid protobuf: malformed field at byte %zu",
				       (size_t)(q - r->buf));
			break;
		}
		if (f.num != 1 || f.type != WT_LEN) {
			rc = error_set(
				err, OTELSIM_EINPUT,
				"invalid protobuf: unexpected top-level field %u at byte %zu",
				f.num, (size_t)(f.start - r->buf));
			break;
		}
		rc = walk(&c, 0, NONE, 1, 0, f.data, f.v);
		if (rc)
			break;
	}
	if (rc || r->nleaves <= skip_leaves) {
		srec_put(s, r);
		return rc;
	}
	r->next = (size_t)skip_leaves;
	r->est = 0;
	for (size_t i = 0; i < r->nnodes; i++)
		r->est += node_cost(&r->nodes[i]);
	for (size_t i = r->next; i < r->nleaves; i++) {
		r->est += leaf_cost(&r->leaves[i]);
		s->pending_items += r->leaves[i].items;
	}
	s->pending_leaves += r->nleaves - r->next;
	s->pending_est += r->est;
	s->signal = signal;
	if (s->tail)
		s->tail->qnext = r;
	else
		s->head = r;
	s->tail = r;
	return 0;
}

uint64_t split_pending(const struct splitter *s)
{
	return s->pending_leaves;
}

bool split_ready(const struct splitter *s)
{
	if (!s->head)
		return false;
	return s->pending_est >= s->cfg.max_bytes ||
	       (s->cfg.max_items && s->pending_items >= s->cfg.max_items);
}

int split_signal(const struct splitter *s)
{
	return s->head ? s->signal : -1;
}

/* The chain of containers above leaf i, outermost first; returns its depth. */
static int leaf_path(const struct srec *r, const struct sleaf *lf, uint32_t path[MAX_DEPTH])
{
	uint32_t tmp[MAX_DEPTH];
	int n = 0;

	for (uint32_t nd = lf->node; nd != NONE && n < MAX_DEPTH; nd = r->nodes[nd].parent)
		tmp[n++] = nd;
	for (int i = 0; i < n; i++)
		path[i] = tmp[n - 1 - i];
	return n;
}

static uint8_t *put_len_header(uint8_t *o, uint32_t field, uint64_t len)
{
	o += varint_put(o, (uint64_t)field << 3 | WT_LEN);
	o += varint_put(o, len);
	return o;
}

/* Size leaves [a, b) of r; returns the bytes of its TracesData piece. */
static uint64_t piece_size(struct srec *r, size_t a, size_t b)
{
	uint64_t total = 0;

	for (size_t i = 0; i < r->nnodes; i++)
		r->nodes[i].tmp = 0;
	for (size_t i = a; i < b; i++)
		r->nodes[r->leaves[i].node].tmp += leaf_cost(&r->leaves[i]);
	for (size_t i = r->nnodes; i-- > 0;) {
		struct snode *nd = &r->nodes[i];

		if (nd->first_leaf >= b || nd->end_leaf <= a)
			continue;
		nd->tmp += (uint64_t)nd->pre_len + nd->post_len;
		if (nd->parent != NONE)
			r->nodes[nd->parent].tmp += wire_len_field_size(nd->field, nd->tmp);
		else
			total += wire_len_field_size(nd->field, nd->tmp);
	}
	return total;
}

static uint8_t *piece_write(const struct srec *r, size_t a, size_t b, uint8_t *o)
{
	uint32_t open[MAX_DEPTH] = { 0 }, path[MAX_DEPTH] = { 0 };
	int depth = 0;

	for (size_t i = a; i < b; i++) {
		const struct sleaf *lf = &r->leaves[i];
		int n = leaf_path(r, lf, path), common = 0;

		while (common < depth && common < n && open[common] == path[common])
			common++;
		while (depth > common)
			o = post_write(r, &r->nodes[open[--depth]], o);
		while (depth < n) {
			const struct snode *nd = &r->nodes[path[depth]];

			o = put_len_header(o, nd->field, nd->tmp);
			memcpy(o, r->buf + nd->pre_off, nd->pre_len);
			o += nd->pre_len;
			open[depth] = path[depth];
			depth++;
		}
		o = put_len_header(o, lf->field, lf->len);
		memcpy(o, r->buf + lf->off, lf->len);
		o += lf->len;
	}
	while (depth > 0)
		o = post_write(r, &r->nodes[open[--depth]], o);
	return o;
}

int split_peek(struct splitter *s, uint64_t max_leaves, uint64_t ts_window,
	       struct split_request *out)
{
	uint64_t est = 0, items = 0, leaves = 0, min_ts = 0, total = 0;
	struct srec *r, *last = NULL;
	size_t last_end = 0;
	bool stop = false;
	uint8_t *o;

	if (!s->head)
		return -1;
	memset(out, 0, sizeof(*out));
	/* choose the leaves */
	for (r = s->head; r && !stop; r = r->qnext) {
		uint32_t open[MAX_DEPTH] = { 0 }, path[MAX_DEPTH] = { 0 };
		int depth = 0;
		size_t i;

		for (i = r->next; i < r->nleaves; i++) {
			const struct sleaf *lf = &r->leaves[i];
			int n = leaf_path(r, lf, path), common = 0;
			uint64_t cost = leaf_cost(lf);

			while (common < depth && common < n && open[common] == path[common])
				common++;
			for (int d = common; d < n; d++)
				cost += node_cost(&r->nodes[path[d]]);
			if (leaves > 0 &&
			    (est + cost > s->cfg.max_bytes ||
			     (s->cfg.max_items && items + lf->items > s->cfg.max_items) ||
			     (max_leaves && leaves >= max_leaves) ||
			     (ts_window && min_ts && lf->ts > min_ts &&
			      lf->ts - min_ts > ts_window))) {
				stop = true;
				break;
			}
			for (int d = common; d < n; d++)
				open[d] = path[d];
			depth = n;
			est += cost;
			items += lf->items;
			leaves++;
			if (lf->ts && (!min_ts || lf->ts < min_ts))
				min_ts = lf->ts;
		}
		if (i > r->next) {
			last = r;
			last_end = i;
		}
	}
	if (!last)
		return -1; /* cannot happen: a queued record always has a leaf to give */
	out->oversize = leaves == 1 && est > s->cfg.max_bytes;
	/* size, then write */
	for (r = s->head;; r = r->qnext) {
		size_t b = r == last ? last_end : r->nleaves;

		total += piece_size(r, r->next, b);
		if (r == last)
			break;
	}
	if (total > s->out_cap) {
		uint8_t *n = realloc(s->out, total);

		if (!n)
			return -1;
		s->out = n;
		s->out_cap = total;
	}
	o = s->out;
	for (r = s->head;; r = r->qnext) {
		size_t b = r == last ? last_end : r->nleaves;

		o = piece_write(r, r->next, b, o);
		if (r == last)
			break;
	}
	out->body = s->out;
	out->len = (size_t)(o - s->out);
	out->signal = s->signal;
	out->items = items;
	out->leaves = leaves;
	out->min_ts = min_ts;
	if (last_end == last->nleaves) {
		out->end_record = last->index + 1;
		out->end_leaf = 0;
	} else {
		out->end_record = last->index;
		out->end_leaf = last_end;
	}
	return 0;
}

void split_consume(struct splitter *s, const struct split_request *req)
{
	uint64_t left = req->leaves;

	while (left && s->head) {
		struct srec *r = s->head;
		size_t avail = r->nleaves - r->next;
		size_t take = left < avail ? (size_t)left : avail;

		for (size_t i = r->next; i < r->next + take; i++) {
			uint64_t c = leaf_cost(&r->leaves[i]);

			r->est -= c;
			s->pending_est -= c;
			s->pending_items -= r->leaves[i].items;
		}
		r->next += take;
		s->pending_leaves -= take;
		left -= take;
		if (r->next == r->nleaves) {
			s->pending_est -= r->est;
			s->head = r->qnext;
			if (!s->head)
				s->tail = NULL;
			srec_put(s, r);
		}
	}
}
