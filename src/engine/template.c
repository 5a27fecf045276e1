/*
 * engine/template.c - evaluating compiled "{{...}}" strings
 * (model/template.h): one pass over the parts into one arena allocation.
 */
#include "engine/template.h"

#include <stdint.h>
#include <string.h>

#include "util/detmath.h"
#include "util/text.h"

/* ---- evaluating ------------------------------------------------------------- */

/* "00" "01" ... "ff": two hex digits per byte value */
static const char hexpairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

static double draw_float(const struct tmpl_part *part, struct rng *r, int64_t *k, bool *exact)
{
	double v = part->flo + part->fspan * rng_double(r);
	double m = v * part->scale;

	if (m > -9007199254740992.0 && m < 9007199254740992.0) {
		double km = det_round(m);

		*k = (int64_t)km;
		*exact = true;
		v = km / part->scale;
	} else {
		*exact = false;
	}
	return v + 0.0; /* no "-0" */
}

/*
 * The shortest round-trip text of v = k / 10^dec, as fmt_double writes it,
 * without its snprintf loop: k's digits with the point put back and trailing
 * zeros dropped. That is exact while k (without those zeros) has at most 15
 * digits (DBL_DIG): every decimal of 15 significant digits reads back as a
 * different double, so no shorter text names v, and %.15g of v gives back
 * k's digits. With 16 digits another, shorter decimal may round to the same
 * double (88248901911245.91 is 88248901911245.9), so that case, integers,
 * inexact draws and |v| < 1e-4 (exponent form) go to fmt_double.
 */
static size_t fmt_scaled(char *buf, double v, int64_t k, int dec, bool exact)
{
	char dig[24];
	size_t nd, n = 0, intd;
	double av = v < 0 ? -v : v;
	uint64_t uk;

	if (!exact || av < 1e-4 || v == 0)
		return fmt_double(buf, v);
	uk = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;
	while (dec > 0 && uk % 10 == 0) {
		uk /= 10;
		dec--;
	}
	if (dec == 0 || uk >= 1000000000000000ull)
		return fmt_double(buf, v);
	nd = fmt_u64(dig, uk);
	if (k < 0)
		buf[n++] = '-';
	if (nd <= (size_t)dec) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (size_t z = nd; z < (size_t)dec; z++)
			buf[n++] = '0';
		memcpy(buf + n, dig, nd);
		return n + nd;
	}
	intd = nd - (size_t)dec;
	memcpy(buf + n, dig, intd);
	n += intd;
	buf[n++] = '.';
	memcpy(buf + n, dig + intd, (size_t)dec);
	return n + (size_t)dec;
}

static size_t value_max_len(const struct value *v)
{
	switch (v->type) {
	case VAL_STRING:
		return v->u.s.len;
	case VAL_BYTES:
		return 2 * (size_t)v->u.s.len;
	case VAL_INT:
	case VAL_DOUBLE:
		return 32;
	case VAL_BOOL:
		return 5;
	default:
		return 0;
	}
}

/* A string literal's characters (not its NUL) into buf; evaluates to their count. */
#define PUT_LIT(buf, lit) (memcpy((buf), "" lit, sizeof(lit) - 1), sizeof(lit) - 1)

/* Arrays, kvlists and absent values embed as nothing. */
static size_t fmt_value(char *buf, const struct value *v)
{
	switch (v->type) {
	case VAL_STRING:
		if (v->u.s.len)
			memcpy(buf, v->u.s.ptr, v->u.s.len);
		return v->u.s.len;
	case VAL_BYTES:
		hex_encode((const uint8_t *)v->u.s.ptr, v->u.s.len, buf);
		return 2 * (size_t)v->u.s.len;
	case VAL_INT:
		return fmt_i64(buf, v->u.i);
	case VAL_DOUBLE:
		return fmt_double(buf, v->u.d);
	case VAL_BOOL:
		return v->u.b ? PUT_LIT(buf, "true") : PUT_LIT(buf, "false");
	default:
		return 0;
	}
}

static const struct value empty_string = { VAL_STRING, { .s = { "", 0 } } };

static const struct value *parent_attr(const struct tmpl_part *part, const struct tmpl_ctx *ctx)
{
	for (size_t k = 0; k < ctx->nparent_attrs; k++) {
		const struct keyval *kv = &ctx->parent_attrs[k];

		if (kv->key_len == part->n && memcmp(kv->key, part->s, part->n) == 0)
			return &kv->value;
	}
	return &empty_string;
}

/* TP_ATTR: the attribute of the span part->up levels above (the engine answers). */
static const struct value *level_attr(const struct tmpl_part *part, const struct tmpl_ctx *ctx)
{
	const struct keyval *kv;
	size_t n = 0;

	kv = ctx->attrs_at ? ctx->attrs_at(ctx, part->up, &n) : NULL;
	for (size_t k = 0; kv && k < n; k++)
		if (kv[k].key_len == part->n && memcmp(kv[k].key, part->s, part->n) == 0)
			return &kv[k].value;
	return &empty_string;
}

static void hex_u64_be(char *o, uint64_t x)
{
	for (int j = 0; j < 8; j++)
		memcpy(o + 2 * j, hexpairs + 2 * ((x >> (56 - 8 * j)) & 255), 2);
}

static size_t write_uuid(char *o, struct rng *r)
{
	uint64_t a = rng_next(r), b = rng_next(r);
	char h[32];

	/* version 4 (bits 48..51 = 0100), variant 10xx (bits 64..65) */
	a = (a & ~(0xfull << 12)) | (0x4ull << 12);
	b = (b & ~(0x3ull << 62)) | (0x2ull << 62);
	hex_u64_be(h, a);
	hex_u64_be(h + 16, b);
	memcpy(o, h, 8);
	o[8] = '-';
	memcpy(o + 9, h + 8, 4);
	o[13] = '-';
	memcpy(o + 14, h + 12, 4);
	o[18] = '-';
	memcpy(o + 19, h + 16, 4);
	o[23] = '-';
	memcpy(o + 24, h + 20, 12);
	return 36;
}

/* n hex digits: each draw gives 8 bytes, low byte first, two digits each */
static size_t write_hex(char *o, uint32_t n, struct rng *r)
{
	uint32_t done = 0;

	while (n - done >= 16) {
		uint64_t x = rng_next(r);

		for (int j = 0; j < 8; j++, x >>= 8)
			memcpy(o + done + 2 * j, hexpairs + 2 * (x & 255), 2);
		done += 16;
	}
	if (done < n) {
		uint64_t x = rng_next(r);
		char h[16];

		for (int j = 0; j < 8; j++, x >>= 8)
			memcpy(h + 2 * j, hexpairs + 2 * (x & 255), 2);
		memcpy(o + done, h, n - done);
	}
	return n;
}

static size_t write_u8(char *o, unsigned v)
{
	if (v >= 100) {
		o[0] = (char)('0' + v / 100);
		o[1] = (char)('0' + v / 10 % 10);
		o[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		o[0] = (char)('0' + v / 10);
		o[1] = (char)('0' + v % 10);
		return 2;
	}
	o[0] = (char)('0' + v);
	return 1;
}

static size_t write_ipv4(char *o, struct rng *r)
{
	unsigned a = (unsigned)rng_below(r, 222) + 1; /* 1..223 without 127 */
	uint64_t x = rng_next(r);
	size_t n;

	if (a >= 127)
		a++;
	n = write_u8(o, a);
	o[n++] = '.';
	n += write_u8(o + n, (unsigned)(x & 255));
	o[n++] = '.';
	n += write_u8(o + n, (unsigned)((x >> 8) & 255));
	o[n++] = '.';
	/* 1..254 from the top bits (multiply-shift: bias below 2^-50) */
	n += write_u8(o + n, (unsigned)(((x >> 16) * 254) >> 48) + 1);
	return n;
}

/* Writes one non-literal part; returns its length. */
static size_t write_part(char *o, const struct tmpl_part *part, struct tmpl_ctx *ctx)
{
	struct rng *r = ctx->rng;

	switch (part->kind) {
	case TP_LIT:
		memcpy(o, part->s, part->n);
		return part->n;
	case TP_INT:
		return fmt_i64(o, rng_range(r, part->lo, part->hi));
	case TP_FLOAT: {
		int64_t k = 0;
		bool exact;
		double v = draw_float(part, r, &k, &exact);

		return fmt_scaled(o, v, k, part->decimals, exact);
	}
	case TP_UUID:
		return write_uuid(o, r);
	case TP_HEX:
		return write_hex(o, part->n, r);
	case TP_IPV4:
		return write_ipv4(o, r);
	case TP_CHOICE: {
		const struct tmpl_str *c = &part->choices[part->n > 1 ? rng_below(r, part->n) : 0];

		memcpy(o, c->ptr, c->len);
		return c->len;
	}
	case TP_UA: {
		const struct tmpl_str *c = &tmpl_user_agents[rng_below(r, tmpl_nuser_agents)];

		memcpy(o, c->ptr, c->len);
		return c->len;
	}
	case TP_VAR:
		return fmt_value(o, &ctx->vars[part->n]);
	case TP_PARENT:
		return fmt_value(o, parent_attr(part, ctx));
	case TP_ATTR:
		return fmt_value(o, level_attr(part, ctx));
	default:
		return 0;
	}
}

int tmpl_eval(const struct tmpl *t, struct tmpl_ctx *ctx, struct value *out)
{
	size_t bound = t->fixed_max, n = 0;
	char *buf;

	if (t->lone) {
		const struct tmpl_part *part = &t->parts[0];

		switch (part->kind) {
		case TP_INT:
			out->type = VAL_INT;
			out->u.i = rng_range(ctx->rng, part->lo, part->hi);
			return 0;
		case TP_FLOAT: {
			int64_t k;
			bool exact;

			out->type = VAL_DOUBLE;
			out->u.d = draw_float(part, ctx->rng, &k, &exact);
			return 0;
		}
		case TP_VAR:
			*out = ctx->vars[part->n];
			return 0;
		case TP_PARENT:
			*out = *parent_attr(part, ctx);
			return 0;
		case TP_ATTR:
			*out = *level_attr(part, ctx);
			return 0;
		case TP_CHOICE: {
			uint32_t i = part->n > 1 ? (uint32_t)rng_below(ctx->rng, part->n) : 0;
			const struct tmpl_str *c = &part->choices[i];

			if (part->vals) {
				*out = part->vals[i];
				return 0;
			}
			out->type = VAL_STRING;
			out->u.s.ptr = c->ptr;
			out->u.s.len = c->len;
			return 0;
		}
		case TP_UA: {
			const struct tmpl_str *c =
				&tmpl_user_agents[rng_below(ctx->rng, tmpl_nuser_agents)];

			out->type = VAL_STRING;
			out->u.s.ptr = c->ptr;
			out->u.s.len = c->len;
			return 0;
		}
		default:
			break;
		}
	} else if (t->nparts == 1) {
		/* plain text */
		out->type = VAL_STRING;
		out->u.s.ptr = t->parts[0].s;
		out->u.s.len = t->parts[0].n;
		return 0;
	}
	if (t->dynamic) {
		for (uint32_t k = 0; k < t->nparts; k++) {
			const struct tmpl_part *part = &t->parts[k];

			if (part->kind == TP_VAR)
				bound += value_max_len(&ctx->vars[part->n]);
			else if (part->kind == TP_PARENT)
				bound += value_max_len(parent_attr(part, ctx));
			else if (part->kind == TP_ATTR)
				bound += value_max_len(level_attr(part, ctx));
		}
	}
	buf = arena_alloc(ctx->arena, bound + 1);
	if (!buf)
		return -1;
	for (uint32_t k = 0; k < t->nparts; k++)
		n += write_part(buf + n, &t->parts[k], ctx);
	buf[n] = '\0';
	out->type = VAL_STRING;
	out->u.s.ptr = buf;
	out->u.s.len = (uint32_t)n;
	return 0;
}
