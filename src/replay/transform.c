#include "replay/transform.h"

#include <string.h>

#include "otelsim/otelsim.h"
#include "util/pbwire.h"
#include "util/error.h"

/* SplitMix64's finalizer: a bijection of 64-bit words. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

uint64_t xform_pass_key(uint64_t seed, uint64_t pass)
{
	return mix64(mix64(seed ^ 0x6f746c702d69ULL) + 0x9e3779b97f4a7c15ULL * (pass + 1));
}

/*
 * 8 bytes: v -> mix64(v + key) permutes the words; it is zero only for
 * v = -key, which then takes the image of v = 0 (mix64(key)), unused since
 * a zero id is never remapped. So the map is injective on non-zero ids and
 * never gives zero (mix64(key) is non-zero unless key is 0, excluded by
 * the caller's key derivation; we guard it anyway).
 */
static uint64_t perm64(uint64_t key, uint64_t v)
{
	uint64_t r = mix64(v + key);

	if (r == 0)
		r = mix64(key) ? mix64(key) : 1;
	return r;
}

void xform_id8(uint64_t key, uint8_t id[8])
{
	uint64_t v;

	memcpy(&v, id, 8);
	if (v == 0)
		return;
	v = perm64(key, v);
	memcpy(id, &v, 8);
}

/* A 4-round Feistel network (a permutation of 128-bit words for any round function). */
static void feistel(uint64_t key, uint64_t *l, uint64_t *r)
{
	uint64_t a = *l, b = *r;

	for (uint64_t i = 0; i < 4; i++) {
		uint64_t t = a ^ mix64(b + key + 0x9e3779b97f4a7c15ULL * (i + 1));

		a = b;
		b = t;
	}
	*l = a;
	*r = b;
}

void xform_id16(uint64_t key, uint8_t id[16])
{
	uint64_t l, r;

	memcpy(&l, id, 8);
	memcpy(&r, id + 8, 8);
	if ((l | r) == 0)
		return;
	feistel(key, &l, &r);
	if ((l | r) == 0) {
		/* the one input that maps to zero takes the image of zero (unused) */
		l = 0;
		r = 0;
		feistel(key, &l, &r);
	}
	memcpy(id, &l, 8);
	memcpy(id + 8, &r, 8);
}

int xform_shape(int signal, int level, uint32_t field, uint32_t data_field, int *kind)
{
	switch (level) {
	case 0:
		return field == 2 ? XSHAPE_NODE : XSHAPE_NONE;
	case 1:
		if (field != 2)
			return XSHAPE_NONE;
		if (signal == OTELSIM_METRICS)
			return XSHAPE_NODE;
		*kind = signal == OTELSIM_TRACES ? XLEAF_SPAN : XLEAF_LOG;
		return XSHAPE_LEAF;
	case 2:
		if (signal != OTELSIM_METRICS)
			return XSHAPE_NONE;
		return (field == 5 || field == 7 || field == 9 || field == 10 || field == 11)
			       ? XSHAPE_NODE
			       : XSHAPE_NONE;
	case 3:
		if (field != 1)
			return XSHAPE_NONE;
		switch (data_field) {
		case 5:
		case 7:
			*kind = XLEAF_NUMBER;
			return XSHAPE_LEAF;
		case 9:
			*kind = XLEAF_HISTOGRAM;
			return XSHAPE_LEAF;
		case 10:
			*kind = XLEAF_EXPHISTOGRAM;
			return XSHAPE_LEAF;
		case 11:
			*kind = XLEAF_SUMMARY;
			return XSHAPE_LEAF;
		}
		return XSHAPE_NONE;
	}
	return XSHAPE_NONE;
}

struct walk {
	const struct xform *x;
	struct xform_stats *st;
	const uint8_t *base; /* for byte positions in messages */
	struct otelsim_error *err;
};

static int bad(struct walk *w, const uint8_t *at, const char *what)
{
	error_set(w->err, OTELSIM_EINPUT, "invalid protobuf: %s at byte %zu", what,
		  (size_t)(at - w->base));
	return OTELSIM_EINPUT;
}

/* A fixed64 timestamp field: shift it in place. Returns the value written. */
static uint64_t patch_time(struct walk *w, const struct wire_field *f)
{
	uint64_t v = f->v;

	if (v == 0)
		return 0;
	if (w->x && w->x->shift && w->x->shift_ns != 0) {
		int64_t s = w->x->shift_ns;
		uint64_t n;

		if (s > 0) {
			n = v + (uint64_t)s;
			if (n < v) {
				n = UINT64_MAX;
				w->st->clamped++;
			}
		} else {
			uint64_t d = (uint64_t)0 - (uint64_t)s;

			if (v <= d) {
				n = 1;
				w->st->clamped++;
			} else {
				n = v - d;
			}
		}
		wire_put_u64le((uint8_t *)f->data, n);
		v = n;
	}
	if (v < w->st->min_ts)
		w->st->min_ts = v;
	if (v > w->st->max_ts)
		w->st->max_ts = v;
	return v;
}

static void patch_id(struct walk *w, const struct wire_field *f, size_t want)
{
	if (!w->x || !w->x->new_ids || f->v != want)
		return;
	if (want == 16)
		xform_id16(w->x->id_key, (uint8_t *)f->data);
	else
		xform_id8(w->x->id_key, (uint8_t *)f->data);
}

/*
 * One message: times at the fixed64 fields listed in `times`, 16-byte ids
 * at `id16`, 8-byte ids at `id8`, sub-messages to walk at `subs` (walked
 * with `sub`). Lists are 0-terminated bit sets over field numbers < 32.
 */
struct msgspec {
	uint32_t times, id16, id8;
	uint32_t ts_field, ts_field2; /* the leaf's time; the fallback when it is 0 */
	uint32_t sub_field;
	const struct msgspec *sub;
};

#define BIT(n) (1u << (n))

static const struct msgspec spec_event = { BIT(1), 0, 0, 0, 0, 0, NULL };
static const struct msgspec spec_link = { 0, BIT(1), BIT(2), 0, 0, 0, NULL };
static const struct msgspec spec_exemplar = { BIT(2), BIT(5), BIT(4), 0, 0, 0, NULL };

static int walk_msg(struct walk *w, const struct msgspec *ms, uint8_t *p, size_t len, uint64_t *ts);

/* Spans walk two kinds of sub-messages; the table form keeps one of them. */
static int walk_span(struct walk *w, uint8_t *p, size_t len, uint64_t *ts)
{
	const uint8_t *q = p, *end = p + len;
	struct wire_field f;
	uint64_t start = 0;

	while (q < end) {
		if (wire_next(&q, end, &f))
			return bad(w, q, "malformed span field");
		switch (f.num) {
		case 1:
			if (f.type == WT_LEN)
				patch_id(w, &f, 16);
			break;
		case 2:
		case 4:
			if (f.type == WT_LEN)
				patch_id(w, &f, 8);
			break;
		case 7:
			if (f.type == WT_I64)
				start = patch_time(w, &f);
			break;
		case 8:
			if (f.type == WT_I64)
				patch_time(w, &f);
			break;
		case 11:
		case 13:
			if (f.type == WT_LEN) {
				int rc = walk_msg(w, f.num == 11 ? &spec_event : &spec_link,
						  (uint8_t *)f.data, f.v, NULL);
				if (rc)
					return rc;
			}
			break;
		}
	}
	if (ts)
		*ts = start;
	return 0;
}

static int walk_msg(struct walk *w, const struct msgspec *ms, uint8_t *p, size_t len, uint64_t *ts)
{
	const uint8_t *q = p, *end = p + len;
	struct wire_field f;
	uint64_t t1 = 0, t2 = 0;

	while (q < end) {
		if (wire_next(&q, end, &f))
			return bad(w, q, "malformed field");
		if (f.num >= 32)
			continue;
		uint32_t bit = BIT(f.num);

		if (f.type == WT_I64 && (ms->times & bit)) {
			uint64_t v = patch_time(w, &f);

			if (f.num == ms->ts_field)
				t1 = v;
			else if (f.num == ms->ts_field2)
				t2 = v;
		} else if (f.type == WT_LEN) {
			if (ms->id16 & bit)
				patch_id(w, &f, 16);
			else if (ms->id8 & bit)
				patch_id(w, &f, 8);
			else if (ms->sub && f.num == ms->sub_field) {
				int rc = walk_msg(w, ms->sub, (uint8_t *)f.data, f.v, NULL);

				if (rc)
					return rc;
			}
		}
	}
	if (ts)
		*ts = t1 ? t1 : t2;
	return 0;
}

static const struct msgspec spec_log = { BIT(1) | BIT(11), BIT(9), BIT(10), 1, 11, 0, NULL };
static const struct msgspec spec_number = { BIT(2) | BIT(3), 0, 0, 3, 2, 5, &spec_exemplar };
static const struct msgspec spec_histogram = { BIT(2) | BIT(3), 0, 0, 3, 2, 8, &spec_exemplar };
static const struct msgspec spec_exphistogram = { BIT(2) | BIT(3), 0, 0, 3, 2, 11, &spec_exemplar };
static const struct msgspec spec_summary = { BIT(2) | BIT(3), 0, 0, 3, 2, 0, NULL };

static int leaf_walk(struct walk *w, int kind, uint8_t *p, size_t len, uint64_t *ts)
{
	uint64_t t = 0;
	int rc;

	switch (kind) {
	case XLEAF_SPAN:
		rc = walk_span(w, p, len, &t);
		break;
	case XLEAF_LOG:
		rc = walk_msg(w, &spec_log, p, len, &t);
		break;
	case XLEAF_NUMBER:
		rc = walk_msg(w, &spec_number, p, len, &t);
		break;
	case XLEAF_HISTOGRAM:
		rc = walk_msg(w, &spec_histogram, p, len, &t);
		break;
	case XLEAF_EXPHISTOGRAM:
		rc = walk_msg(w, &spec_exphistogram, p, len, &t);
		break;
	case XLEAF_SUMMARY:
		rc = walk_msg(w, &spec_summary, p, len, &t);
		break;
	case XLEAF_METRIC:
		*ts = 0;
		return 0;
	default:
		return error_set(w->err, OTELSIM_EINTERNAL, "unknown leaf kind %d", kind);
	}
	if (rc)
		return rc;
	*ts = t;
	w->st->items++;
	return 0;
}

int xform_leaf(int kind, uint8_t *p, size_t len, const struct xform *x, struct xform_stats *st,
	       uint64_t *ts, struct otelsim_error *err)
{
	struct walk w = { x, st, p, err };
	uint64_t t;

	return leaf_walk(&w, kind, p, len, ts ? ts : &t);
}

/* A container at `level`: walk its children. */
static int walk_level(struct walk *w, int signal, int level, uint32_t data_field, uint8_t *p,
		      size_t len)
{
	const uint8_t *q = p, *end = p + len;
	struct wire_field f;
	int kind = 0, rc = 0;
	uint64_t ts;

	while (q < end) {
		if (wire_next(&q, end, &f))
			return bad(w, q, "malformed field");
		if (f.type != WT_LEN)
			continue;
		switch (xform_shape(signal, level, f.num, data_field, &kind)) {
		case XSHAPE_NODE:
			rc = walk_level(w, signal, level + 1, f.num, (uint8_t *)f.data, f.v);
			break;
		case XSHAPE_LEAF:
			rc = leaf_walk(w, kind, (uint8_t *)f.data, f.v, &ts);
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

int xform_record(int signal, uint8_t *p, size_t len, const struct xform *x, struct xform_stats *st,
		 struct otelsim_error *err)
{
	struct walk w = { x, st, p, err };
	const uint8_t *q = p, *end = p + len;
	struct wire_field f;

	while (q < end) {
		if (wire_next(&q, end, &f))
			return bad(&w, q, "malformed field");
		if (f.num != 1 || f.type != WT_LEN)
			return bad(&w, f.start, "unexpected top-level field");
		int rc = walk_level(&w, signal, 0, 0, (uint8_t *)f.data, f.v);

		if (rc)
			return rc;
	}
	return 0;
}
