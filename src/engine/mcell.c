/* engine/mcell.c - cells: one stream's aggregate over one interval (mcell.h). */
#include "engine/mcell.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/metric.h"
#include "util/detmath.h"

#define LN2       0.6931471805599453094
#define FIX_LIMIT 4611686018427387904.0 /* 2^62 */

mfix mfix_of(double v)
{
	if (!(v == v))
		return 0;
	if (v >= FIX_LIMIT)
		v = FIX_LIMIT;
	if (v <= -FIX_LIMIT)
		v = -FIX_LIMIT;
	{
		/* v * 2^64 truncated toward zero, as (mfix)ldexp(v, 64) but
		 * without the 128-bit conversion: |v|'s integer part, then its
		 * fraction (both exact) */
		double a = fabs(v);
		uint64_t hi = (uint64_t)a;
		uint64_t lo = (uint64_t)((a - (double)hi) * 18446744073709551616.0);
		mfix r = (mfix)(((unsigned __int128)hi << 64) | lo);

		return v < 0 ? -r : r;
	}
}

double mfix_double(mfix v)
{
	return ldexp((double)v, -64);
}

int64_t mfix_int(mfix v)
{
	return (int64_t)(v >> 64);
}

uint32_t mcell_bucket(const double *bounds, uint32_t nb, double v)
{
	uint32_t lo = 0, hi = nb;

	while (lo < hi) { /* the first bound >= v */
		uint32_t mid = lo + (hi - lo) / 2;

		if (bounds[mid] >= v)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void empty_exemplars(struct mexemplar *ex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&ex[i], 0, sizeof(ex[i]));
		ex[i].order = UINT64_MAX;
	}
}

int mcell_init(struct mcell *c, int instrument, uint32_t nb, int32_t max_scale, uint32_t max_size)
{
	size_t nex = instrument == MI_HISTOGRAM ? nb + 1 : instrument == MI_EXP_HISTOGRAM ? 1 : 0;

	memset(c, 0, sizeof(*c));
	c->instrument = (uint8_t)instrument;
	c->min = INFINITY;
	c->max = -INFINITY;
	c->nb = nb;
	c->scale = c->max_scale = max_scale;
	c->max_size = max_size ? max_size : 160;
	if (instrument == MI_HISTOGRAM && !(c->buckets = calloc(nb + 1, sizeof(*c->buckets))))
		return -1;
	if (nex && !(c->ex = malloc(nex * sizeof(*c->ex)))) {
		free(c->buckets);
		c->buckets = NULL;
		return -1;
	}
	if (nex)
		empty_exemplars(c->ex, nex);
	return 0;
}

void mcell_release(struct mcell *c)
{
	free(c->buckets);
	free(c->ex);
	free(c->pos.cbuf);
	free(c->neg.cbuf);
	free(c->pos.xbuf);
	free(c->neg.xbuf);
	memset(c, 0, sizeof(*c));
}

static void keep_first(struct mexemplar *slot, const struct mexemplar *e)
{
	if (e && e->order < slot->order)
		*slot = *e;
}

/* ---- exponential buckets ---- */

/* The bucket of v > 0 at scale: (base^idx, base^(idx+1)], base = 2^(2^-scale). */
static int32_t exp_index(double v, int32_t scale)
{
	int e;
	double m = frexp(v, &e); /* v = m * 2^e, m in [0.5, 1) */
	int64_t idx;
	double lo, hi, l;

	if (scale <= 0) {
		int64_t k = m == 0.5 ? e - 2 : e - 1; /* powers of two: the bucket below */

		return (int32_t)(k >> -scale);
	}
	if (m == 0.5)
		return (int32_t)((((int64_t)e - 1) << scale) - 1);
	l = det_log(v) / LN2 * ldexp(1, scale);
	idx = (int64_t)ceil(l) - 1;
	if (ceil(l) - l > 1e-6 && l - floor(l) > 1e-6)
		return (int32_t)idx; /* far from a boundary: det_log's last bits cannot move it */
	mexp_bounds(scale, (int32_t)idx, &lo, &hi);
	if (v <= lo)
		idx--;
	else if (v > hi)
		idx++;
	return (int32_t)idx;
}

void mexp_bounds(int32_t scale, int32_t idx, double *lo, double *hi)
{
	if (scale <= 0) {
		*lo = ldexp(1, (int)((int64_t)idx << -scale));
		*hi = ldexp(1, (int)(((int64_t)idx + 1) << -scale));
		return;
	}
	*lo = det_exp(ldexp((double)idx, -scale) * LN2);
	*hi = det_exp(ldexp((double)idx + 1, -scale) * LN2);
	if (((int64_t)idx & ((1 << scale) - 1)) == 0) /* exact powers of two */
		*lo = ldexp(1, (int)((int64_t)idx >> scale));
	if ((((int64_t)idx + 1) & ((1 << scale) - 1)) == 0)
		*hi = ldexp(1, (int)(((int64_t)idx + 1) >> scale));
}

/*
 * Downscale one side by d (exact: index >> d), in place: index i moves to
 * j <= i, so a slot is emptied before any later index lands in it. The
 * indices keep their place in the room (base follows). Cannot fail.
 */
static int side_downscale(struct mexp_side *s, int d)
{
	int32_t off;
	uint32_t n;

	if (!s->n || d <= 0)
		return 0;
	off = s->offset >> d;
	n = (uint32_t)(((s->offset + (int32_t)s->n - 1) >> d) - off + 1);
	for (uint32_t i = 0; i < s->n; i++) {
		uint32_t j = (uint32_t)(((s->offset + (int32_t)i) >> d) - off);

		if (j == i)
			continue;
		s->counts[j] += s->counts[i];
		s->counts[i] = 0;
		keep_first(&s->ex[j], &s->ex[i]);
		empty_exemplars(&s->ex[i], 1);
	}
	s->base = off - (int32_t)(s->counts - s->cbuf);
	s->offset = off;
	s->n = n;
	return 0;
}

static int cell_downscale(struct mcell *c, int d)
{
	if (d <= 0)
		return 0;
	if (side_downscale(&c->pos, d) || side_downscale(&c->neg, d))
		return -1;
	c->scale -= d;
	return 0;
}

/* How much to downscale so that [lo, hi] spans at most max indices. */
static int need_down(int64_t lo, int64_t hi, uint32_t max)
{
	int d = 0;

	while (d < 64 && (hi >> d) - (lo >> d) + 1 > (int64_t)max)
		d++;
	return d;
}

/* Room for indices lo..hi and n of them (holding its own), base at base. -1 no memory. */
static int side_realloc(struct mexp_side *s, int32_t base, uint32_t cap)
{
	uint64_t *c = calloc(cap, sizeof(*c));
	struct mexemplar *ex = malloc(cap * sizeof(*ex));

	if (!c || !ex) {
		free(c);
		free(ex);
		return -1;
	}
	empty_exemplars(ex, cap);
	if (s->n) {
		memcpy(c + (s->offset - base), s->counts, s->n * sizeof(*c));
		memcpy(ex + (s->offset - base), s->ex, s->n * sizeof(*ex));
	}
	free(s->cbuf);
	free(s->xbuf);
	s->cbuf = c;
	s->xbuf = ex;
	s->base = base;
	s->cap = cap;
	return 0;
}

/*
 * Widen a side's used indices to lo..hi (holding its own): in its room
 * when they fit, else in twice the room (at least 16), centred on them.
 * -1 no memory.
 */
static int side_widen(struct mexp_side *s, int32_t lo, int32_t hi)
{
	uint32_t need = (uint32_t)(hi - lo + 1);

	if (!s->cap || lo < s->base || (int64_t)hi >= (int64_t)s->base + s->cap) {
		uint32_t cap = s->cap * 2 > need ? s->cap * 2 : need;

		if (cap < 16)
			cap = 16;
		/* centred: room to grow either way */
		if (side_realloc(s, lo - (int32_t)((cap - need) / 2), cap))
			return -1;
	}
	s->offset = lo;
	s->n = need;
	s->counts = s->cbuf + (lo - s->base);
	s->ex = s->xbuf + (lo - s->base);
	return 0;
}

/* Add count (and exemplar e, may be NULL) at idx (scale already fits). -1 no memory. */
static int side_put(struct mexp_side *s, int32_t idx, uint64_t count, const struct mexemplar *e)
{
	if (!s->n) {
		if (side_widen(s, idx, idx))
			return -1;
	} else if (idx < s->offset || idx >= s->offset + (int32_t)s->n) {
		int32_t lo = idx < s->offset ? idx : s->offset;
		int32_t hi = idx >= s->offset + (int32_t)s->n ? idx : s->offset + (int32_t)s->n - 1;

		if (side_widen(s, lo, hi))
			return -1;
	}
	s->counts[idx - s->offset] += count;
	keep_first(&s->ex[idx - s->offset], e);
	return 0;
}

/* The downscale a side needs to also hold [lo, hi] (at c->scale). */
static int side_need(const struct mcell *c, const struct mexp_side *s, int64_t lo, int64_t hi)
{
	if (s->n) {
		if (s->offset < lo)
			lo = s->offset;
		if (s->offset + (int64_t)s->n - 1 > hi)
			hi = s->offset + (int64_t)s->n - 1;
	}
	return need_down(lo, hi, c->max_size);
}

static int exp_add(struct mcell *c, double v, const struct mexemplar *ex)
{
	struct mexp_side *s = v > 0 ? &c->pos : &c->neg;
	double a = fabs(v);
	int32_t idx;
	int d;

	if (v == 0) {
		c->zero++;
		keep_first(&c->ex[0], ex);
		return 0;
	}
	idx = exp_index(a, c->scale);
	d = side_need(c, s, idx, idx);
	if (d) {
		if (cell_downscale(c, d))
			return -1;
		idx = exp_index(a, c->scale);
	}
	return side_put(s, idx, 1, ex);
}

static int exp_merge(struct mcell *dst, const struct mcell *src)
{
	int d = dst->scale - src->scale, ds = 0;
	int64_t plo, phi, nlo, nhi;

	if (d > 0 && cell_downscale(dst, d))
		return -1;
	ds = src->scale - dst->scale; /* src's extra scale */
	plo = (int64_t)src->pos.offset >> ds;
	phi = ((int64_t)src->pos.offset + src->pos.n - 1) >> ds;
	nlo = (int64_t)src->neg.offset >> ds;
	nhi = ((int64_t)src->neg.offset + src->neg.n - 1) >> ds;
	d = 0;
	if (src->pos.n && side_need(dst, &dst->pos, plo, phi) > d)
		d = side_need(dst, &dst->pos, plo, phi);
	if (src->neg.n && side_need(dst, &dst->neg, nlo, nhi) > d)
		d = side_need(dst, &dst->neg, nlo, nhi);
	if (cell_downscale(dst, d))
		return -1;
	ds = src->scale - dst->scale;
	for (uint32_t i = 0; i < src->pos.n; i++)
		if (src->pos.counts[i] &&
		    side_put(&dst->pos, (int32_t)((src->pos.offset + (int64_t)i) >> ds),
			     src->pos.counts[i], &src->pos.ex[i]))
			return -1;
	for (uint32_t i = 0; i < src->neg.n; i++)
		if (src->neg.counts[i] &&
		    side_put(&dst->neg, (int32_t)((src->neg.offset + (int64_t)i) >> ds),
			     src->neg.counts[i], &src->neg.ex[i]))
			return -1;
	dst->zero += src->zero;
	return 0;
}

/* ---- add, merge ---- */

int mcell_add(struct mcell *c, double v, uint32_t bucket, const struct mexemplar *ex)
{
	c->count++;
	if (c->instrument == MI_GAUGE) {
		if (!c->count || !ex || ex->order >= c->last_order || c->count == 1) {
			c->last = v;
			c->last_order = ex ? ex->order : 0;
		}
		return 0;
	}
	c->sum += mfix_of(v);
	if (v < c->min)
		c->min = v;
	if (v > c->max)
		c->max = v;
	if (c->instrument == MI_HISTOGRAM) {
		c->buckets[bucket]++;
		keep_first(&c->ex[bucket], ex);
	} else if (c->instrument == MI_EXP_HISTOGRAM) {
		return exp_add(c, v, ex);
	}
	return 0;
}

int mcell_merge(struct mcell *dst, const struct mcell *src)
{
	if (!src->count)
		return 0;
	if (dst->instrument == MI_GAUGE) {
		if (!dst->count || src->last_order >= dst->last_order) {
			dst->last = src->last;
			dst->last_order = src->last_order;
		}
		dst->count += src->count;
		return 0;
	}
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	if (dst->instrument == MI_HISTOGRAM) {
		for (uint32_t i = 0; i <= dst->nb; i++) {
			dst->buckets[i] += src->buckets[i];
			keep_first(&dst->ex[i], &src->ex[i]);
		}
	} else if (dst->instrument == MI_EXP_HISTOGRAM) {
		keep_first(&dst->ex[0], &src->ex[0]);
		return exp_merge(dst, src);
	}
	return 0;
}

/* ---- bytes ---- */

/*
 * A cell's bytes: count, sum, min, max, last, last_order; a histogram's
 * bucket counts; an exponential histogram's scale, zero count and each
 * side (offset, n, n counts); then the exemplar slots that hold one (a
 * histogram's nb + 1, an exponential histogram's zero bucket and each
 * side's n): their number (uint32), then each as its slot (uint32) and its
 * 48 bytes. Written and read in one pass over a buffer grown once.
 */
_Static_assert(sizeof(struct mexemplar) == 48, "an exemplar is 48 bytes, no padding");

#define EX_BYTES 52 /* slot + exemplar */

static size_t filled(const struct mexemplar *ex, uint32_t n)
{
	size_t k = 0;

	for (uint32_t i = 0; i < n; i++)
		k += ex[i].order != UINT64_MAX;
	return k;
}

static char *put_raw(char *p, const void *src, size_t n)
{
	if (n)
		memcpy(p, src, n);
	return p + n;
}

/* The filled slots of ex[0..n), numbered from base. */
static char *put_slots(char *p, const struct mexemplar *ex, uint32_t n, uint32_t base)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t slot = base + i;

		if (ex[i].order == UINT64_MAX)
			continue;
		p = put_raw(p, &slot, 4);
		p = put_raw(p, &ex[i], 48);
	}
	return p;
}

static char *put_side(char *p, const struct mexp_side *s)
{
	p = put_raw(p, &s->offset, 4);
	p = put_raw(p, &s->n, 4);
	return put_raw(p, s->counts, 8 * (size_t)s->n);
}

int mcell_write(const struct mcell *c, struct strbuf *out)
{
	bool exp = c->instrument == MI_EXP_HISTOGRAM;
	uint32_t nex = c->instrument == MI_HISTOGRAM ? c->nb + 1 : exp ? 1 : 0;
	size_t nfill = filled(c->ex, nex), need = 56;
	uint32_t nf;
	char *p;

	if (c->instrument == MI_HISTOGRAM)
		need += 8 * ((size_t)c->nb + 1);
	if (exp) {
		nfill += filled(c->neg.ex, c->neg.n) + filled(c->pos.ex, c->pos.n);
		need += 12 + 8 + 8 * ((size_t)c->neg.n + c->pos.n);
	}
	need += 4 + EX_BYTES * nfill;
	if (strbuf_grow(out, need))
		return -1;
	p = out->buf + out->len;
	p = put_raw(p, &c->count, 8);
	p = put_raw(p, &c->sum, 16);
	p = put_raw(p, &c->min, 8);
	p = put_raw(p, &c->max, 8);
	p = put_raw(p, &c->last, 8);
	p = put_raw(p, &c->last_order, 8);
	if (c->instrument == MI_HISTOGRAM)
		p = put_raw(p, c->buckets, 8 * ((size_t)c->nb + 1));
	if (exp) {
		p = put_raw(p, &c->scale, 4);
		p = put_raw(p, &c->zero, 8);
		p = put_side(p, &c->pos);
		p = put_side(p, &c->neg);
	}
	nf = (uint32_t)nfill;
	p = put_raw(p, &nf, 4);
	p = put_slots(p, c->ex, nex, 0);
	if (exp) {
		p = put_slots(p, c->pos.ex, c->pos.n, nex);
		p = put_slots(p, c->neg.ex, c->neg.n, nex + c->pos.n);
	}
	out->len = (size_t)(p - out->buf);
	out->buf[out->len] = '\0';
	return 0;
}

static int get(const uint8_t **p, const uint8_t *end, void *dst, size_t n)
{
	if ((size_t)(end - *p) < n)
		return -1;
	if (n)
		memcpy(dst, *p, n);
	*p += n;
	return 0;
}

static int get_side(const uint8_t **p, const uint8_t *end, struct mexp_side *s, uint32_t max)
{
	free(s->cbuf);
	free(s->xbuf);
	s->counts = s->cbuf = NULL;
	s->ex = s->xbuf = NULL;
	s->cap = 0;
	if (get(p, end, &s->offset, 4) || get(p, end, &s->n, 4) || s->n > max) {
		s->n = 0;
		return -1;
	}
	if (!s->n)
		return 0;
	s->counts = s->cbuf = malloc(8 * (size_t)s->n);
	s->ex = s->xbuf = malloc((size_t)s->n * sizeof(*s->ex));
	s->base = s->offset;
	s->cap = s->n;
	if (!s->counts || !s->ex || get(p, end, s->counts, 8 * (size_t)s->n)) {
		s->n = 0;
		return -1;
	}
	empty_exemplars(s->ex, s->n);
	return 0;
}

/* The filled exemplar slots: each into its array (slot numbers as mcell_write's). */
static int get_slots(struct mcell *c, const uint8_t **p, const uint8_t *end, uint32_t nex)
{
	uint32_t nf, slot, total = nex + c->pos.n + c->neg.n;

	if (get(p, end, &nf, 4) || nf > total)
		return -1;
	for (uint32_t i = 0; i < nf; i++) {
		struct mexemplar *e;

		if (get(p, end, &slot, 4) || slot >= total)
			return -1;
		e = slot < nex		    ? &c->ex[slot]
		    : slot < nex + c->pos.n ? &c->pos.ex[slot - nex]
					    : &c->neg.ex[slot - nex - c->pos.n];
		if (get(p, end, e, 48))
			return -1;
	}
	return 0;
}

int mcell_read(struct mcell *c, const uint8_t **p, const uint8_t *end)
{
	uint32_t nex = 0;

	if (get(p, end, &c->count, 8) || get(p, end, &c->sum, 16) || get(p, end, &c->min, 8) ||
	    get(p, end, &c->max, 8) || get(p, end, &c->last, 8) || get(p, end, &c->last_order, 8))
		return -1;
	if (c->instrument == MI_HISTOGRAM) {
		if (get(p, end, c->buckets, 8 * ((size_t)c->nb + 1)))
			return -1;
		nex = c->nb + 1;
	} else if (c->instrument == MI_EXP_HISTOGRAM) {
		if (get(p, end, &c->scale, 4) || get(p, end, &c->zero, 8) ||
		    get_side(p, end, &c->pos, c->max_size) || get_side(p, end, &c->neg, c->max_size) ||
		    c->scale > c->max_scale || c->scale < -64)
			return -1;
		nex = 1;
	}
	return get_slots(c, p, end, nex);
}
