/*
 * engine/gen.c - a generated value: constant, template, distribution or
 * weighted choice, converted to its declared type.
 */
#include "engine/gen.h"

#include <stdlib.h>
#include <string.h>

#include "engine/dist.h"
#include "engine/num.h"
#include "util/detmath.h"
#include "util/text.h"

/*
 * Round half away from zero to an integer (det_round's value), saturating.
 * Inline for the hot path: inside the range the truncation's remainder is
 * exact, so the correction needs no libm call.
 */
static int64_t to_i64(double x)
{
	int64_t i;
	double f;

	if (x != x)
		return 0;
	if (x >= 9223372036854775807.0)
		return INT64_MAX;
	if (x <= -9223372036854775808.0)
		return INT64_MIN;
	i = (int64_t)x;
	f = x - (double)i;
	return i + (f >= 0.5) - (f <= -0.5);
}

static int to_string(struct value *v, struct tmpl_ctx *ctx)
{
	char *buf = arena_alloc(ctx->arena, 32);
	size_t n;

	if (!buf)
		return -1;
	switch (v->type) {
	case VAL_INT:
		n = fmt_i64(buf, v->u.i);
		break;
	case VAL_DOUBLE:
		n = fmt_double(buf, v->u.d);
		break;
	case VAL_BOOL:
		n = v->u.b ? 4 : 5;
		memcpy(buf, v->u.b ? "true" : "false", n);
		break;
	default:
		return 0;
	}
	buf[n] = '\0';
	v->type = VAL_STRING;
	v->u.s.ptr = buf;
	v->u.s.len = (uint32_t)n;
	return 0;
}

/* Convert *v to `type` where that makes sense; otherwise leave it. */
static int convert(struct value *v, int type, struct tmpl_ctx *ctx)
{
	struct value t;

	if (v->type == type || type == VAL_NONE)
		return 0;
	switch (type) {
	case VAL_STRING:
		return to_string(v, ctx);
	case VAL_INT:
		if (v->type == VAL_STRING) {
			if (value_from_text(v->u.s.ptr, v->u.s.len, VAL_INT, &t))
				*v = t;
		} else if (v->type == VAL_DOUBLE) {
			v->u.i = to_i64(v->u.d);
			v->type = VAL_INT;
		}
		return 0;
	case VAL_DOUBLE:
		if (v->type == VAL_STRING) {
			if (value_from_text(v->u.s.ptr, v->u.s.len, VAL_DOUBLE, &t))
				*v = t;
		} else if (v->type == VAL_INT) {
			v->u.d = (double)v->u.i;
			v->type = VAL_DOUBLE;
		}
		return 0;
	case VAL_BOOL:
		if (v->type == VAL_STRING && value_from_text(v->u.s.ptr, v->u.s.len, VAL_BOOL, &t))
			*v = t;
		return 0;
	default:
		return 0;
	}
}

/* A template for an array attribute: a one-item array of its value as g->elem. */
static int eval_one_item_array(const struct gen *g, struct tmpl_ctx *ctx, struct value *out)
{
	struct value *item = ARENA_NEW(ctx->arena, struct value);

	if (!item || tmpl_eval(g->tmpl, ctx, item) < 0)
		return -1;
	if (item->type == VAL_ARRAY) { /* a copy of an array: as is */
		*out = *item;
		return 0;
	}
	if (convert(item, g->elem, ctx))
		return -1;
	out->type = VAL_ARRAY;
	out->u.arr.items = item;
	out->u.arr.n = 1;
	return 0;
}

int gen_eval(const struct gen *g, struct tmpl_ctx *ctx, struct value *out)
{
	switch (g->kind) {
	case GEN_CONST:
		*out = g->constant;
		return 0;
	case GEN_TEMPLATE:
		if (g->type == VAL_ARRAY && g->elem != VAL_NONE)
			return eval_one_item_array(g, ctx, out);
		if (tmpl_eval(g->tmpl, ctx, out) < 0)
			return -1;
		if (out->type == g->type || g->type == VAL_NONE)
			return 0;
		return convert(out, g->type, ctx);
	case GEN_DIST: {
		double x;

		if (g->type == VAL_INT) {
			out->type = VAL_INT;
			if (dist_sample_uniform_int(&g->dist, ctx->rng, &out->u.i))
				out->u.i = to_i64(dist_sample(&g->dist, ctx->rng));
			return 0;
		}
		x = dist_sample(&g->dist, ctx->rng);
		if (g->decimals >= 0)
			x = det_round_to(x, g->decimals);
		out->type = VAL_DOUBLE;
		out->u.d = x + 0.0;
		return convert(out, g->type, ctx);
	}
	case GEN_CHOICE:
		if (!g->nchoices) {
			out->type = VAL_NONE;
			return 0;
		}
		*out = g->choices[num_pick_weighted(g->cum_weights, g->nchoices, ctx->rng)];
		return 0;
	default:
		out->type = VAL_NONE;
		return 0;
	}
}
