/*
 * Values every dialect needs: strings, latencies, counts, probabilities,
 * attribute value specs (constants, templates, distributions, choices,
 * forced types) with the conventions' types and closed enums, error types,
 * and the vendor rewrite.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/gen.h"
#include "load/loader.h"
#include "load/semconv.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/text.h"

#define TAG_BINARY "tag:yaml.org,2002:binary"
#define TAG_STR    "tag:yaml.org,2002:str"

/* ---- small things -------------------------------------------------------- */

const char *vendor_rewrite(struct model *m, const char *s, size_t len, uint32_t *out_len)
{
	const char *vendor = m->vendor ? m->vendor : "vendor";
	char *r;

	if (len > 7 && !memcmp(s, "vendor.", 7) && strcmp(vendor, "vendor") != 0) {
		size_t vl = strlen(vendor);

		r = arena_alloc(&m->arena, vl + len - 7 + 2);
		if (!r)
			return NULL;
		memcpy(r, vendor, vl);
		r[vl] = '.';
		memcpy(r + vl + 1, s + 7, len - 7);
		r[vl + 1 + len - 7] = '\0';
		if (out_len)
			*out_len = (uint32_t)(vl + 1 + len - 7);
		return r;
	}
	if (out_len)
		*out_len = (uint32_t)len;
	return arena_strndup(&m->arena, s, len);
}

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

int value_string(struct schema_ctx *c, const struct ynode *n, const char **out)
{
	char *s;

	if (n->len > LOAD_MAX_STRING)
		return schema_error(c, OTELSIM_ELIMIT, n, "string longer than %d bytes",
				    LOAD_MAX_STRING);
	s = arena_strndup(&c->m->arena, n->str, n->len);
	if (!s)
		return oom(c);
	*out = s;
	return 0;
}

static const char *num_text(double d, char buf[32])
{
	buf[fmt_double(buf, d)] = '\0';
	return buf;
}

static const char *const *sc_member_values(struct schema_ctx *c, const struct sc_attr *a, size_t *n)
{
	const char **v = ARENA_NEWN(&c->m->arena, const char *, a->nmembers + 1);

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->nmembers; i++)
		if (!a->members[i].deprecated)
			v[(*n)++] = a->members[i].value;
	return v;
}

static const struct sc_attr *sc_attr(struct schema_ctx *c, const char *key)
{
	uint32_t len;
	const char *k;

	if (!c->m->semconv || !key)
		return NULL;
	k = vendor_rewrite(c->m, key, strlen(key), &len);
	return k ? semconv_attr(c->m->semconv, k) : NULL;
}

int value_error_type(struct schema_ctx *c, const struct ynode *n, const char *what,
		     const char **out)
{
	const struct sc_attr *a = c->m->semconv ? semconv_attr(c->m->semconv, "error.type") : NULL;

	if (n->type != YN_SCALAR || !ynode_is_string(n))
		return schema_error(c, OTELSIM_EINPUT, n, "'%s' must be a string, not %s", what,
				    ynode_kind(n));
	if (!n->len)
		return schema_error(c, OTELSIM_EINPUT, n, "'%s' must not be empty", what);
	if (tmpl_has_expr(n->str, n->len))
		return schema_error(
			c, OTELSIM_EINPUT, n,
			"the %s is fixed when the file loads: templates are not allowed "
			"here",
			what);
	if (a && a->type == SC_ENUM && a->closed) {
		bool ok = false;
		size_t nm;
		const char *const *vals;

		for (size_t i = 0; i < a->nmembers; i++)
			if (!strcmp(a->members[i].value, n->str))
				ok = true;
		if (!ok) {
			vals = sc_member_values(c, a, &nm);
			if (!vals)
				return oom(c);
			return schema_enum_error(c, n, "error type", n->str, vals, nm);
		}
	}
	return value_string(c, n, out);
}

/* ---- numeric slots: what the distribution tables fill ---------------------- */

struct num_slot {
	double v;
	const struct ynode *node; /* NULL: not given */
};

struct int_slot {
	int64_t v;
	const struct ynode *node;
};

static int fill_num(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	struct num_slot *s = (struct num_slot *)((char *)obj + k->offset);

	(void)c;
	if (ynode_double(v, &s->v))
		return -1; /* the walker checked the type */
	s->node = v;
	return 0;
}

static int fill_int(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	struct int_slot *s = (struct int_slot *)((char *)obj + k->offset);

	(void)c;
	if (ynode_int(v, &s->v))
		return -1;
	s->node = v;
	return 0;
}

/* Everything any distribution table may fill. */
struct dist_parse {
	struct num_slot median, sigma, mean, stddev, min, max, ms, p50, p90, p99;
	struct int_slot imin, imax, ivalue, decimals;
	const struct ynode *type; /* attribute distributions: int|double */
};

#define DP(f) offsetof(struct dist_parse, f)

static const char *const dist_members[] = { "log_normal", "normal",      "uniform", "exponential",
					    "constant",   "percentiles", NULL };
static const char *const count_members[] = { "poisson", "uniform", "fixed", NULL };
static const char *const attr_dist_members[] = { "uniform",     "normal",  "log_normal",
						 "exponential", "poisson", NULL };
static const char *const num_type_members[] = { "int", "double", NULL };

#define DIST_KEY(m, d)                                                                \
	{                                                                             \
		"distribution", KT_ENUM, KF_REQUIRED, m, NULL, NULL, SCHEMA_NOFILL, d \
	}
#define NUM(k, al, f, fl, d)                                   \
	{                                                      \
		k, KT_NUMBER, fl, NULL, al, fill_num, DP(f), d \
	}
#define INT(k, al, f, fl, d)                                \
	{                                                   \
		k, KT_INT, fl, NULL, al, fill_int, DP(f), d \
	}

/* ---- latency tables ---- */

static const struct key_def latency_keys[] = {
	DIST_KEY(dist_members, "log_normal, normal, uniform, exponential, constant or percentiles"),
	NUM("median_ms", "median", median, 0, "log_normal: the median in ms (> 0)"),
	NUM("sigma", NULL, sigma, 0,
	    "log_normal: sigma of the underlying normal (0.5 tight, 1.2 heavy tail)"),
	NUM("mean_ms", "mean", mean, 0, "normal and exponential: the mean in ms"),
	NUM("stddev_ms", "stddev", stddev, 0, "normal: the standard deviation in ms"),
	NUM("min_ms", "min", min, 0, "uniform: the lower bound; others: clamp draws below it"),
	NUM("max_ms", "max", max, 0,
	    "uniform and percentiles: the upper bound; others: clamp above it"),
	NUM("ms", "value", ms, 0, "constant: the duration in ms"),
	NUM("p50_ms", "p50", p50, 0, "percentiles: the median in ms"),
	NUM("p90_ms", "p90", p90, 0, "percentiles: the 90th percentile in ms"),
	NUM("p99_ms", "p99", p99, 0, "percentiles: the 99th percentile in ms"),
};

static const struct key_def lat_log_normal_keys[] = {
	DIST_KEY(dist_members, "log_normal"),
	NUM("median_ms", "median", median, KF_REQUIRED, "the median in ms (> 0)"),
	NUM("sigma", NULL, sigma, KF_REQUIRED, "sigma of the underlying normal (>= 0)"),
	NUM("min_ms", "min", min, 0, "clamp: no draw below this"),
	NUM("max_ms", "max", max, 0, "clamp: no draw above this"),
};

static const struct key_def lat_normal_keys[] = {
	DIST_KEY(dist_members, "normal"),
	NUM("mean_ms", "mean", mean, KF_REQUIRED, "the mean in ms"),
	NUM("stddev_ms", "stddev", stddev, KF_REQUIRED, "the standard deviation in ms (>= 0)"),
	NUM("min_ms", "min", min, 0, "clamp: no draw below this (default 0)"),
	NUM("max_ms", "max", max, 0, "clamp: no draw above this"),
};

static const struct key_def lat_uniform_keys[] = {
	DIST_KEY(dist_members, "uniform"),
	NUM("min_ms", "min", min, KF_REQUIRED, "the lower bound in ms"),
	NUM("max_ms", "max", max, KF_REQUIRED, "the upper bound in ms"),
};

static const struct key_def lat_exponential_keys[] = {
	DIST_KEY(dist_members, "exponential"),
	NUM("mean_ms", "mean", mean, KF_REQUIRED, "the mean in ms (> 0)"),
	NUM("min_ms", "min", min, 0, "clamp: no draw below this"),
	NUM("max_ms", "max", max, 0, "clamp: no draw above this"),
};

static const struct key_def lat_constant_keys[] = {
	DIST_KEY(dist_members, "constant"),
	NUM("ms", "value", ms, KF_REQUIRED, "the duration in ms"),
};

static const struct key_def lat_percentiles_keys[] = {
	DIST_KEY(dist_members, "percentiles"),
	NUM("p50_ms", "p50", p50, KF_REQUIRED, "the median in ms"),
	NUM("p90_ms", "p90", p90, KF_REQUIRED, "the 90th percentile in ms"),
	NUM("p99_ms", "p99", p99, KF_REQUIRED, "the 99th percentile in ms"),
	NUM("max_ms", "max", max, KF_REQUIRED, "the largest duration in ms"),
	NUM("min_ms", "min", min, 0, "clamp: no draw below this"),
};

SCHEMA_TABLE(latency_table, "latency",
	     "a span's duration: a number (constant ms) or a distribution", latency_keys);
SCHEMA_TABLE(lat_log_normal_table, "latency.log_normal", "log-normal latency (median, sigma)",
	     lat_log_normal_keys);
SCHEMA_TABLE(lat_normal_table, "latency.normal", "normal latency (mean, stddev), clamped at 0",
	     lat_normal_keys);
SCHEMA_TABLE(lat_uniform_table, "latency.uniform", "uniform latency between min and max",
	     lat_uniform_keys);
SCHEMA_TABLE(lat_exponential_table, "latency.exponential", "exponential latency (mean)",
	     lat_exponential_keys);
SCHEMA_TABLE(lat_constant_table, "latency.constant", "a fixed latency", lat_constant_keys);
SCHEMA_TABLE(lat_percentiles_table, "latency.percentiles",
	     "latency from percentiles (log-linear between p50, p90, p99 and max)",
	     lat_percentiles_keys);

/* ---- count tables ---- */

static const struct key_def count_keys[] = {
	DIST_KEY(count_members, "poisson, uniform or fixed"),
	NUM("mean", NULL, mean, 0, "poisson: the mean"),
	INT("min", NULL, imin, 0, "uniform: the smallest count"),
	INT("max", NULL, imax, 0, "uniform: the largest count; poisson: the cap"),
	INT("value", NULL, ivalue, 0, "fixed: the count"),
};

static const struct key_def count_poisson_keys[] = {
	DIST_KEY(count_members, "poisson"),
	NUM("mean", NULL, mean, KF_REQUIRED, "the mean number of spans (>= 0)"),
	INT("max", NULL, imax, 0, "the cap (default ceil(mean * 4 + 10))"),
};

static const struct key_def count_uniform_keys[] = {
	DIST_KEY(count_members, "uniform"),
	INT("min", NULL, imin, KF_REQUIRED, "the smallest count (>= 0)"),
	INT("max", NULL, imax, KF_REQUIRED, "the largest count"),
};

static const struct key_def count_fixed_keys[] = {
	DIST_KEY(count_members, "fixed"),
	INT("value", NULL, ivalue, KF_REQUIRED, "the count (>= 0)"),
};

SCHEMA_TABLE(count_table, "count", "how many times a span repeats: an integer or a distribution",
	     count_keys);
SCHEMA_TABLE(count_poisson_table, "count.poisson", "a Poisson-distributed count",
	     count_poisson_keys);
SCHEMA_TABLE(count_uniform_table, "count.uniform", "a count uniform in min..max",
	     count_uniform_keys);
SCHEMA_TABLE(count_fixed_table, "count.fixed", "a fixed count", count_fixed_keys);

/* ---- attribute value tables ---- */

#define TYPE_KEY                                                                                   \
	{                                                                                          \
		"type", KT_ENUM, 0, num_type_members, NULL, schema_fill_node, DP(type),            \
			"int or double (default: the conventions' type, else int for poisson and " \
			"integer bounds)"                                                          \
	}
#define DEC_KEY \
	INT("decimals", NULL, decimals, 0, "doubles: round to this many decimal places (0..15)")

static const struct key_def attr_dist_keys[] = {
	DIST_KEY(attr_dist_members, "uniform, normal, log_normal, exponential or poisson"),
	NUM("min", NULL, min, 0, "uniform: the lower bound; others: clamp"),
	NUM("max", NULL, max, 0, "uniform: the upper bound; others: clamp"),
	NUM("mean", NULL, mean, 0, "normal, exponential, poisson: the mean"),
	NUM("stddev", NULL, stddev, 0, "normal: the standard deviation"),
	NUM("median", NULL, median, 0, "log_normal: the median"),
	NUM("sigma", NULL, sigma, 0, "log_normal: sigma"),
	TYPE_KEY,
	DEC_KEY,
};

static const struct key_def attr_uniform_keys[] = {
	DIST_KEY(attr_dist_members, "uniform"),
	NUM("min", NULL, min, KF_REQUIRED, "the lower bound"),
	NUM("max", NULL, max, KF_REQUIRED, "the upper bound (inclusive for int)"),
	TYPE_KEY,
	DEC_KEY,
};

static const struct key_def attr_normal_keys[] = {
	DIST_KEY(attr_dist_members, "normal"),
	NUM("mean", NULL, mean, KF_REQUIRED, "the mean"),
	NUM("stddev", NULL, stddev, KF_REQUIRED, "the standard deviation (>= 0)"),
	NUM("min", NULL, min, 0, "clamp: no value below this"),
	NUM("max", NULL, max, 0, "clamp: no value above this"),
	TYPE_KEY,
	DEC_KEY,
};

static const struct key_def attr_log_normal_keys[] = {
	DIST_KEY(attr_dist_members, "log_normal"),
	NUM("median", NULL, median, KF_REQUIRED, "the median (> 0)"),
	NUM("sigma", NULL, sigma, KF_REQUIRED, "sigma of the underlying normal (>= 0)"),
	NUM("min", NULL, min, 0, "clamp: no value below this"),
	NUM("max", NULL, max, 0, "clamp: no value above this"),
	TYPE_KEY,
	DEC_KEY,
};

static const struct key_def attr_exponential_keys[] = {
	DIST_KEY(attr_dist_members, "exponential"),
	NUM("mean", NULL, mean, KF_REQUIRED, "the mean (> 0)"),
	NUM("min", NULL, min, 0, "clamp: no value below this"),
	NUM("max", NULL, max, 0, "clamp: no value above this"),
	TYPE_KEY,
	DEC_KEY,
};

static const struct key_def attr_poisson_keys[] = {
	DIST_KEY(attr_dist_members, "poisson"),
	NUM("mean", NULL, mean, KF_REQUIRED, "the mean (>= 0)"),
	NUM("max", NULL, max, 0, "clamp: no value above this"),
	TYPE_KEY,
};

SCHEMA_TABLE(attr_dist_table, "attribute.distribution", "an attribute drawn from a distribution",
	     attr_dist_keys);
SCHEMA_TABLE(attr_uniform_table, "attribute.distribution.uniform", "uniform in min..max",
	     attr_uniform_keys);
SCHEMA_TABLE(attr_normal_table, "attribute.distribution.normal", "normal (mean, stddev)",
	     attr_normal_keys);
SCHEMA_TABLE(attr_log_normal_table, "attribute.distribution.log_normal",
	     "log-normal (median, sigma)", attr_log_normal_keys);
SCHEMA_TABLE(attr_exponential_table, "attribute.distribution.exponential", "exponential (mean)",
	     attr_exponential_keys);
SCHEMA_TABLE(attr_poisson_table, "attribute.distribution.poisson", "Poisson (mean); an int",
	     attr_poisson_keys);

/* choice and forced-type forms fill node pointers */
struct form_parse {
	const struct ynode *choice, *type, *value, *weight;
};

#define FP(f) offsetof(struct form_parse, f)

static const char *const choice_type_members[] = { "string", "int",     "double",
						   "bool",   "boolean", NULL };
static const char *const value_type_members[] = { "string", "int",   "double", "bool", "boolean",
						  "bytes",  "array", "kvlist", NULL };

static const struct key_def attr_choice_keys[] = {
	{ "choice", KT_ANY, KF_REQUIRED, NULL, NULL, schema_fill_node, FP(choice),
	  "[a, b] (uniform), {a: 0.7, b: 0.3} or [{value: a, weight: 7}, ...] (weighted)" },
	{ "type", KT_ENUM, 0, choice_type_members, NULL, schema_fill_node, FP(type),
	  "convert every choice to string, int, double or bool" },
};

static const struct key_def attr_choice_item_keys[] = {
	{ "value", KT_SCALAR, KF_REQUIRED, NULL, NULL, schema_fill_node, FP(value), "the value" },
	{ "weight", KT_NUMBER, 0, NULL, NULL, schema_fill_node, FP(weight),
	  "relative weight (>= 0, default 1)" },
};

static const struct key_def attr_value_keys[] = {
	{ "value", KT_ANY, KF_REQUIRED, NULL, NULL, schema_fill_node, FP(value),
	  "the value (a template when it holds {{...}})" },
	{ "type", KT_ENUM, 0, value_type_members, NULL, schema_fill_node, FP(type),
	  "string, int, double, bool, bytes (base64), array or kvlist (a mapping)" },
};

SCHEMA_TABLE(attr_choice_table, "attribute.choice", "one of several values, uniform or weighted",
	     attr_choice_keys);
SCHEMA_TABLE(attr_choice_item_table, "attribute.choice.item", "one weighted choice",
	     attr_choice_item_keys);
SCHEMA_TABLE(attr_value_table, "attribute.value", "a value with an explicit type", attr_value_keys);

const struct key_table *const value_key_tables[] = {
	&latency_table,          &lat_log_normal_table,  &lat_normal_table,
	&lat_uniform_table,      &lat_exponential_table, &lat_constant_table,
	&lat_percentiles_table,  &count_table,           &count_poisson_table,
	&count_uniform_table,    &count_fixed_table,     &attr_dist_table,
	&attr_uniform_table,     &attr_normal_table,     &attr_log_normal_table,
	&attr_exponential_table, &attr_poisson_table,    &attr_choice_table,
	&attr_choice_item_table, &attr_value_table,      NULL
};

/* ---- checks on numbers ---- */

static int nonneg(struct schema_ctx *c, const struct num_slot *s, const char *key)
{
	char b[32];

	if (s->node && s->v < 0)
		return schema_error(c, OTELSIM_EINPUT, s->node,
				    "'%s' must not be negative (got %s)", key, num_text(s->v, b));
	return 0;
}

static int positive(struct schema_ctx *c, const struct num_slot *s, const char *key)
{
	char b[32];

	if (s->node && !(s->v > 0))
		return schema_error(c, OTELSIM_EINPUT, s->node,
				    "'%s' must be greater than 0 (got %s)", key, num_text(s->v, b));
	return 0;
}

static int max_ms(struct schema_ctx *c, const struct num_slot *s, const char *key)
{
	if (s->node && s->v > LOAD_MAX_MS)
		return schema_error(c, OTELSIM_ELIMIT, s->node,
				    "'%s' is too large (at most 31536000000 ms, one year)", key);
	return 0;
}

static int min_le_max(struct schema_ctx *c, const struct num_slot *lo, const char *lok,
		      const struct num_slot *hi, const char *hik)
{
	char a[32], b[32];

	if (lo->node && hi->node && lo->v > hi->v)
		return schema_error(c, OTELSIM_EINPUT, lo->node,
				    "'%s' (%s) is greater than '%s' (%s)", lok, num_text(lo->v, a),
				    hik, num_text(hi->v, b));
	return 0;
}

/* The key a value node was given under in `map` (for messages). */
static const char *key_of(const struct ynode *map, const struct ynode *val, const char *dflt)
{
	for (size_t i = 0; map && map->type == YN_MAP && i < map->n; i++)
		if (map->pairs[i].value == val)
			return map->pairs[i].key->str;
	return dflt;
}

/* Dispatch a mapping with `distribution` to its table. */
static int dist_dispatch(struct schema_ctx *c, const struct ynode *map, const struct key_table *uni,
			 const char *const *members, const struct key_table *const *tables,
			 struct dist_parse *p, int *which)
{
	const struct ynode *d = schema_get(uni, map, "distribution");
	size_t n = 0;

	while (members[n])
		n++;
	if (!d)
		return schema_walk(c, uni, map, p); /* reports an unknown key or the missing key */
	if (d->type != YN_SCALAR || !ynode_is_string(d))
		return schema_error(c, OTELSIM_EINPUT, d, "'distribution' must be a string, not %s",
				    ynode_kind(d));
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(members[i], d->str)) {
			*which = (int)i;
			return schema_walk(c, tables[i], map, p);
		}
	}
	return schema_enum_error(c, d, "distribution", d->str, members, n);
}

int value_latency(struct schema_ctx *c, const struct ynode *n, struct dist *out)
{
	static const struct key_table *const tables[] = {
		&lat_log_normal_table,  &lat_normal_table,   &lat_uniform_table,
		&lat_exponential_table, &lat_constant_table, &lat_percentiles_table
	};
	struct dist_parse p;
	int which = -1, rc;
	const char *mn = "min_ms", *mx = "max_ms";

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (n->type == YN_SCALAR && !ynode_double(n, &p.ms.v)) {
		p.ms.node = n;
		if (!isfinite(p.ms.v))
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'latency' must be a finite number");
		if ((rc = nonneg(c, &p.ms, "latency")) || (rc = max_ms(c, &p.ms, "latency")))
			return rc;
		out->kind = DIST_CONSTANT;
		out->p1 = p.ms.v;
		return 0;
	}
	if (n->type != YN_MAP)
		return schema_error(
			c, OTELSIM_EINPUT, n,
			"'latency' must be a number (ms) or a mapping with 'distribution', not %s",
			ynode_kind(n));
	rc = dist_dispatch(c, n, &latency_table, dist_members, tables, &p, &which);
	if (rc)
		return rc;
	if (p.min.node)
		mn = key_of(n, p.min.node, mn);
	if (p.max.node)
		mx = key_of(n, p.max.node, mx);
	/* every value is a duration: not negative, at most a year */
	{
		struct num_slot *all[] = { &p.median, &p.mean, &p.stddev, &p.min, &p.max,
					   &p.ms,     &p.p50,  &p.p90,    &p.p99, &p.sigma };

		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			const char *k = all[i]->node ? key_of(n, all[i]->node, "") : "";

			if ((rc = nonneg(c, all[i], k)))
				return rc;
			if (all[i] != &p.sigma && (rc = max_ms(c, all[i], k)))
				return rc;
		}
	}
	if (p.sigma.node && p.sigma.v > 10)
		return schema_error(c, OTELSIM_EINPUT, p.sigma.node,
				    "'sigma' is too large (at most 10)");
	switch (which) {
	case 0:
		if ((rc = positive(c, &p.median, key_of(n, p.median.node, "median_ms"))))
			return rc;
		out->kind = DIST_LOG_NORMAL;
		out->p1 = p.median.v;
		out->p2 = p.sigma.v;
		break;
	case 1:
		out->kind = DIST_NORMAL;
		out->p1 = p.mean.v;
		out->p2 = p.stddev.v;
		break;
	case 2:
		out->kind = DIST_UNIFORM;
		out->p1 = p.min.v;
		out->p2 = p.max.v;
		return min_le_max(c, &p.min, mn, &p.max, mx);
	case 3:
		if ((rc = positive(c, &p.mean, key_of(n, p.mean.node, "mean_ms"))))
			return rc;
		out->kind = DIST_EXPONENTIAL;
		out->p1 = p.mean.v;
		break;
	case 4:
		out->kind = DIST_CONSTANT;
		out->p1 = p.ms.v;
		return 0;
	case 5: {
		const struct num_slot *ps[] = { &p.p50, &p.p90, &p.p99, &p.max };
		char a[32], b[32];

		for (int i = 1; i < 4; i++)
			if (ps[i]->v < ps[i - 1]->v)
				return schema_error(
					c, OTELSIM_EINPUT, ps[i]->node,
					"percentiles must not decrease: '%s' (%s) is below '%s' "
					"(%s)",
					key_of(n, ps[i]->node, ""), num_text(ps[i]->v, a),
					key_of(n, ps[i - 1]->node, ""), num_text(ps[i - 1]->v, b));
		out->kind = DIST_PERCENTILES;
		for (int i = 0; i < 4; i++)
			out->pct[i] = ps[i]->v;
		if (p.min.node) {
			if (p.min.v > p.p50.v)
				return schema_error(
					c, OTELSIM_EINPUT, p.min.node,
					"'%s' (%s) is above '%s' (%s)", mn, num_text(p.min.v, a),
					key_of(n, p.p50.node, "p50_ms"), num_text(p.p50.v, b));
			out->has_min = true;
			out->min = p.min.v;
		}
		return 0;
	}
	default:
		return error_set(c->err, OTELSIM_EINTERNAL, "latency: no distribution");
	}
	if ((rc = min_le_max(c, &p.min, mn, &p.max, mx)))
		return rc;
	out->has_min = p.min.node != NULL;
	out->min = p.min.v;
	out->has_max = p.max.node != NULL;
	out->max = p.max.v;
	return 0;
}

int value_count(struct schema_ctx *c, const struct ynode *n, struct count_spec *out)
{
	static const struct key_table *const tables[] = { &count_poisson_table,
							  &count_uniform_table,
							  &count_fixed_table };
	struct dist_parse p;
	int which = -1, rc;
	int64_t v;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	if (n->type == YN_SCALAR) {
		rc = ynode_int(n, &v);
		if (rc == -2)
			return schema_error(c, OTELSIM_ELIMIT, n,
					    "integer out of range for 'count'");
		if (rc)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'count' must be an integer or a mapping with "
					    "'distribution', not %s",
					    ynode_kind(n));
		if (v < 0)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'count' must not be negative (got %lld)",
					    (long long)v);
		out->kind = COUNT_FIXED;
		out->n = out->min = out->max = v;
		return 0;
	}
	if (n->type != YN_MAP)
		return schema_error(
			c, OTELSIM_EINPUT, n,
			"'count' must be an integer or a mapping with 'distribution', not %s",
			ynode_kind(n));
	rc = dist_dispatch(c, n, &count_table, count_members, tables, &p, &which);
	if (rc)
		return rc;
	{
		struct int_slot *all[] = { &p.imin, &p.imax, &p.ivalue };
		const char *names[] = { "min", "max", "value" };

		for (int i = 0; i < 3; i++)
			if (all[i]->node && all[i]->v < 0)
				return schema_error(c, OTELSIM_EINPUT, all[i]->node,
						    "'%s' must not be negative (got %lld)",
						    names[i], (long long)all[i]->v);
	}
	switch (which) {
	case 0:
		if ((rc = nonneg(c, &p.mean, "mean")))
			return rc;
		if (p.mean.v > 1e9)
			return schema_error(c, OTELSIM_ELIMIT, p.mean.node,
					    "'mean' is too large (at most 1000000000)");
		out->kind = COUNT_POISSON;
		out->mean = p.mean.v;
		out->min = 0;
		out->max = p.imax.node ? p.imax.v : (int64_t)ceil(p.mean.v * 4 + 10);
		break;
	case 1:
		if (p.imin.v > p.imax.v)
			return schema_error(c, OTELSIM_EINPUT, p.imin.node,
					    "'min' (%lld) is greater than 'max' (%lld)",
					    (long long)p.imin.v, (long long)p.imax.v);
		out->kind = COUNT_UNIFORM;
		out->min = p.imin.v;
		out->max = p.imax.v;
		break;
	case 2:
		out->kind = COUNT_FIXED;
		out->n = out->min = out->max = p.ivalue.v;
		break;
	default:
		return error_set(c->err, OTELSIM_EINTERNAL, "count: no distribution");
	}
	return 0;
}

static const char *a_type(int t)
{
	switch (t) {
	case VAL_STRING:
		return "a string";
	case VAL_BOOL:
		return "a boolean";
	case VAL_INT:
		return "an int";
	case VAL_DOUBLE:
		return "a double";
	case VAL_BYTES:
		return "bytes";
	case VAL_ARRAY:
		return "an array";
	case VAL_KVLIST:
		return "a kvlist";
	default:
		return "nothing";
	}
}

/* ---- constants ----------------------------------------------------------- */

static int base64_value(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	uint8_t *buf = arena_alloc(&c->m->arena, n->len / 4 * 3 + 4);
	size_t len, bad;

	if (!buf)
		return oom(c);
	if (base64_decode(n->str, n->len, BASE64_SPACE, buf, &len, &bad)) {
		if (bad == n->len)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "invalid base64 in a bytes value (bad length)");
		return schema_error(c, OTELSIM_EINPUT, n,
				    "invalid base64 in a bytes value (character %zu)", bad + 1);
	}
	out->type = VAL_BYTES;
	out->u.s.ptr = (const char *)buf;
	out->u.s.len = (uint32_t)len;
	return 0;
}

/* A scalar constant by its YAML typing (quoted "5" is a string). */
static int const_scalar(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	int rc;
	const char *s = NULL;

	memset(out, 0, sizeof(*out));
	if (n->tag && !strcmp(n->tag, TAG_BINARY))
		return base64_value(c, n, out);
	if (n->tag && strcmp(n->tag, TAG_STR) != 0)
		return schema_error(c, OTELSIM_EINPUT, n,
				    "unsupported YAML tag '%.200s' (only !!str and !!binary)",
				    n->tag);
	if (!n->tag && ynode_is_null(n))
		return schema_error(c, OTELSIM_EINPUT, n,
				    "a value is missing (write \"\" for an empty string)");
	if (!n->tag && n->style == YS_PLAIN) {
		bool b;
		int64_t i;
		double d;

		if (!ynode_bool(n, &b)) {
			out->type = VAL_BOOL;
			out->u.b = b;
			return 0;
		}
		rc = ynode_int(n, &i);
		if (rc == -2)
			return schema_error(c, OTELSIM_ELIMIT, n, "integer out of range");
		if (!rc) {
			out->type = VAL_INT;
			out->u.i = i;
			return 0;
		}
		if (!ynode_double(n, &d)) {
			out->type = VAL_DOUBLE;
			out->u.d = d;
			return 0;
		}
	}
	rc = value_string(c, n, &s);
	if (rc)
		return rc;
	out->type = VAL_STRING;
	out->u.s.ptr = s;
	out->u.s.len = (uint32_t)n->len;
	return 0;
}

static int const_any(struct schema_ctx *c, const struct ynode *n, struct value *out);

static int const_list(struct schema_ctx *c, const struct ynode *n, bool homogeneous,
		      struct value *out)
{
	struct value *items = ARENA_NEWN(&c->m->arena, struct value, n->n ? n->n : 1);
	bool any_double = false;
	int rc;

	if (!items)
		return oom(c);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];

		if (homogeneous) {
			if (it->type != YN_SCALAR)
				return schema_error(
					c, OTELSIM_EINPUT, it,
					"array items must be single values, not %s (use {value: "
					"[...], type: array} for nested arrays)",
					ynode_kind(it));
			rc = const_scalar(c, it, &items[i]);
		} else {
			rc = const_any(c, it, &items[i]);
		}
		if (rc)
			return rc;
		if (items[i].type == VAL_STRING &&
		    tmpl_has_expr(items[i].u.s.ptr, items[i].u.s.len))
			return schema_error(c, OTELSIM_EINPUT, it,
					    "templates are not allowed inside arrays");
		if (items[i].type == VAL_DOUBLE)
			any_double = true;
	}
	if (homogeneous) {
		for (size_t i = 0; i < n->n; i++) {
			int t0 = items[0].type, t = items[i].type;

			if (any_double && t == VAL_INT) {
				items[i].type = VAL_DOUBLE;
				items[i].u.d = (double)items[i].u.i;
				continue;
			}
			if (any_double && t0 == VAL_INT)
				t0 = VAL_DOUBLE;
			if (t != t0)
				return schema_error(c, OTELSIM_EINPUT, n->items[i],
						    "array items must all have the same type (this "
						    "one is %s, the first %s)",
						    a_type(t), a_type(t0));
		}
	}
	out->type = VAL_ARRAY;
	out->u.arr.items = items;
	out->u.arr.n = (uint32_t)n->n;
	return 0;
}

static int const_kvlist(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	struct keyval *kv = ARENA_NEWN(&c->m->arena, struct keyval, n->n ? n->n : 1);
	int rc;

	if (!kv)
		return oom(c);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->pairs[i].key;

		if (k->type != YN_SCALAR || !k->len)
			return schema_error(c, OTELSIM_EINPUT, k, "keys must be non-empty names");
		if (k->len > LOAD_MAX_KEY)
			return schema_error(c, OTELSIM_ELIMIT, k, "key longer than %d bytes",
					    LOAD_MAX_KEY);
		kv[i].key = arena_strndup(&c->m->arena, k->str, k->len);
		if (!kv[i].key)
			return oom(c);
		kv[i].key_len = (uint32_t)k->len;
		rc = const_any(c, n->pairs[i].value, &kv[i].value);
		if (rc)
			return rc;
	}
	out->type = VAL_KVLIST;
	out->u.kv.items = kv;
	out->u.kv.n = (uint32_t)n->n;
	return 0;
}

static int const_any(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	memset(out, 0, sizeof(*out));
	if (n->type == YN_SEQ)
		return const_list(c, n, false, out);
	if (n->type == YN_MAP)
		return const_kvlist(c, n, out);
	return const_scalar(c, n, out);
}

/* ---- the conventions: types and closed enums ------------------------------ */

static int sc_scalar_type(int sc)
{
	switch (sc) {
	case SC_STRING:
		return VAL_STRING;
	case SC_INT:
		return VAL_INT;
	case SC_DOUBLE:
		return VAL_DOUBLE;
	case SC_BOOLEAN:
		return VAL_BOOL;
	default:
		return VAL_NONE;
	}
}

/* The value type the conventions give `key` (VAL_NONE when they do not). */
static int sc_value_type(const struct sc_attr *a, int *elem)
{
	*elem = VAL_NONE;
	if (!a)
		return VAL_NONE;
	switch (a->type) {
	case SC_ENUM:
		return sc_scalar_type(a->enum_value_type);
	case SC_STRING_ARRAY:
		*elem = VAL_STRING;
		return VAL_ARRAY;
	case SC_INT_ARRAY:
		*elem = VAL_INT;
		return VAL_ARRAY;
	case SC_DOUBLE_ARRAY:
		*elem = VAL_DOUBLE;
		return VAL_ARRAY;
	case SC_BOOLEAN_ARRAY:
		*elem = VAL_BOOL;
		return VAL_ARRAY;
	default:
		return sc_scalar_type(a->type);
	}
}

/* Text of a scalar constant, for enum comparisons and messages. */
static const char *value_text(struct schema_ctx *c, const struct value *v)
{
	char buf[32];

	switch (v->type) {
	case VAL_STRING:
		return v->u.s.ptr;
	case VAL_BOOL:
		return v->u.b ? "true" : "false";
	case VAL_INT:
		buf[fmt_i64(buf, v->u.i)] = '\0';
		return arena_strdup(&c->m->arena, buf);
	case VAL_DOUBLE:
		buf[fmt_double(buf, v->u.d)] = '\0';
		return arena_strdup(&c->m->arena, buf);
	default:
		return "";
	}
}

static bool is_closed_enum(const struct sc_attr *a)
{
	return a && a->type == SC_ENUM && a->closed;
}

/* "a, b, c": the members of a closed enum (deprecated ones left out). */
static int member_list(struct schema_ctx *c, const struct sc_attr *a, char *list, size_t cap,
		       const char *const **vals, size_t *nm)
{
	size_t len = 0;

	*vals = sc_member_values(c, a, nm);
	if (!*vals)
		return oom(c);
	list[0] = '\0';
	for (size_t i = 0; i < *nm && len < cap - 1; i++) {
		int w = snprintf(list + len, cap - len, "%s%s", i ? ", " : "", (*vals)[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	return 0;
}

/*
 * Is `got` a member of the closed enum a (attribute `key`)? 0: yes; 1: no,
 * and msg says so ("... (WHAT 'got'; did you mean 'x'?)"); or an error code.
 */
static int enum_message(struct schema_ctx *c, const struct sc_attr *a, const char *key,
			const char *what, const char *got, char *msg, size_t cap)
{
	const char *const *vals;
	const char *s;
	char list[640];
	size_t nm;
	int rc, w;

	for (size_t i = 0; i < a->nmembers; i++)
		if (!strcmp(a->members[i].value, got))
			return 0;
	rc = member_list(c, a, list, sizeof(list), &vals, &nm);
	if (rc)
		return rc;
	s = suggest(got, vals, nm);
	if (s)
		w = snprintf(msg, cap, "'%s' must be one of: %s (%s '%.200s'; did you mean '%s'?)",
			     key, list, what, got, s);
	else
		w = snprintf(msg, cap, "'%s' must be one of: %s (%s '%.200s')", key, list, what,
			     got);
	return w < 0 ? error_set(c->err, OTELSIM_EINTERNAL, "enum message") : 1;
}

/*
 * Every value a template can give (vals[0..nv), known at load time) must be
 * a member of the closed enum a; the first that is not is reported at n.
 */
static int values_in_enum(struct schema_ctx *c, const struct sc_attr *a, const char *key,
			  const char *what, const struct value *vals, size_t nv,
			  const struct ynode *n)
{
	char msg[1400];

	for (size_t i = 0; i < nv; i++) {
		const char *got = value_text(c, &vals[i]);
		int rc;

		if (!got)
			return oom(c);
		rc = enum_message(c, a, key, what, got, msg, sizeof(msg));
		if (rc == 1)
			return schema_error(c, OTELSIM_EINPUT, n, "%s", msg);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * A constant for attribute `key` against the conventions: an int given to a
 * double attribute becomes a double; any other type difference is an error;
 * a closed enum takes only its members.
 */
static int sc_check_const(struct schema_ctx *c, const char *key, const struct ynode *at,
			  struct value *v)
{
	const struct sc_attr *a = sc_attr(c, key);
	int elem, want = sc_value_type(a, &elem);

	if (!a)
		return 0;
	if (want == VAL_DOUBLE && v->type == VAL_INT) {
		v->type = VAL_DOUBLE;
		v->u.d = (double)v->u.i;
	}
	if (want != VAL_NONE && v->type != want)
		return schema_error(c, OTELSIM_EINPUT, at,
				    "'%s' must be %s (its type in the conventions), not %s", key,
				    a_type(want), a_type(v->type));
	if (want == VAL_ARRAY && elem != VAL_NONE) {
		for (uint32_t i = 0; i < v->u.arr.n; i++) {
			struct value *it = &v->u.arr.items[i];

			if (elem == VAL_DOUBLE && it->type == VAL_INT) {
				it->type = VAL_DOUBLE;
				it->u.d = (double)it->u.i;
			}
			if (it->type != elem)
				return schema_error(
					c, OTELSIM_EINPUT, at,
					"'%s' must be an array of %s (its type in the conventions)",
					key, value_type_name(elem));
		}
	}
	if (a->type == SC_ENUM && a->closed) {
		const char *got = value_text(c, v);
		char msg[1400];
		int rc;

		if (!got)
			return oom(c);
		rc = enum_message(c, a, key, "got", got, msg, sizeof(msg));
		return rc == 1 ? schema_error(c, OTELSIM_EINPUT, at, "%s", msg) : rc;
	}
	return 0;
}

/* ---- templates ------------------------------------------------------------ */

#define PARENT_VENDOR "parent.attributes.vendor."

/*
 * {{parent.attributes.vendor.x}} names an attribute that is emitted as
 * <vendor>.x: rewrite every such reference. *out is the rewritten string (in
 * the model's arena) or, when there is nothing to rewrite, the node's own;
 * 0 or the out-of-memory error.
 */
static int rewrite_parent_refs(struct schema_ctx *c, const struct ynode *n, const char **out,
			       size_t *out_len)
{
	const char *vendor = c->m->vendor ? c->m->vendor : "vendor";
	const char *s = n->str;
	size_t len = n->len, vl = strlen(vendor), pl = sizeof(PARENT_VENDOR) - 1;
	struct strbuf sb = STRBUF_INIT;
	char *r = NULL;
	int rc = 0;

	*out = s;
	*out_len = len;
	if (!strcmp(vendor, "vendor") || !memmem(s, len, PARENT_VENDOR, pl))
		return 0;
	for (size_t i = 0; i < len && !rc;) {
		if (len - i >= pl && !memcmp(s + i, PARENT_VENDOR, pl)) {
			rc = strbuf_add(&sb, "parent.attributes.", 18) ||
			     strbuf_add(&sb, vendor, vl) || strbuf_addch(&sb, '.');
			i += pl;
		} else {
			rc = strbuf_addch(&sb, s[i++]);
		}
	}
	if (!rc)
		r = arena_strndup(&c->m->arena, sb.buf, sb.len);
	if (r) {
		*out = r;
		*out_len = sb.len;
	}
	strbuf_release(&sb);
	return r ? 0 : oom(c);
}

/*
 * Offset `off` of the rewritten string back in the file's: every reference
 * that ends at or before it moved it by the vendor's length minus 6.
 */
static size_t file_offset(struct schema_ctx *c, const struct ynode *n, size_t off)
{
	const char *vendor = c->m->vendor ? c->m->vendor : "vendor";
	ptrdiff_t delta = (ptrdiff_t)strlen(vendor) - 6, shift = 0;
	size_t pl = sizeof(PARENT_VENDOR) - 1;

	if (!strcmp(vendor, "vendor"))
		return off;
	for (size_t i = 0; i + pl <= n->len; i++) {
		if (memcmp(n->str + i, PARENT_VENDOR, pl))
			continue;
		/* where this reference ends in the rewritten string */
		if ((ptrdiff_t)(i + pl) + shift + delta > (ptrdiff_t)off)
			break;
		shift += delta;
		i += pl - 1;
	}
	return (size_t)((ptrdiff_t)off - shift);
}

static int compile_tmpl(struct schema_ctx *c, const struct ynode *n, const struct gen_env *env,
			struct tmpl **out)
{
	struct tmpl_error te = { 0 };
	static const struct tmpl_env empty;
	size_t len;
	const char *s;
	int line, col, rc;

	memset(&te, 0, sizeof(te));
	if (n->len > LOAD_MAX_STRING)
		return schema_error(c, OTELSIM_ELIMIT, n, "string longer than %d bytes",
				    LOAD_MAX_STRING);
	rc = rewrite_parent_refs(c, n, &s, &len);
	if (rc)
		return rc;
	if (tmpl_compile(&c->m->arena, s, len, env ? &env->tenv : &empty, out, &te)) {
		size_t off = s == n->str ? te.offset : file_offset(c, n, te.offset);

		ynode_offset_pos(c->doc, n, off, &line, &col);
		return error_at(c->err, OTELSIM_EINPUT, c->doc->file, line, col,
				"%s at position %zu of the string", te.message, off + 1);
	}
	return 0;
}

int value_name(struct schema_ctx *c, const struct ynode *n, const struct gen_env *env,
	       const char **name, uint32_t *name_len, struct tmpl **out)
{
	struct tmpl_error te = { 0 };
	static const struct tmpl_env empty;
	const char *s;
	size_t len;
	struct gen g;
	int rc;

	*out = NULL;
	if (!tmpl_has_expr(n->str, n->len)) {
		*name = vendor_rewrite(c->m, n->str, n->len, name_len);
		return *name ? 0 : oom(c);
	}
	/* checked as written (positions are the file's), kept as emitted */
	memset(&g, 0, sizeof(g));
	rc = value_gen(c, NULL, n, env, &g);
	if (rc)
		return rc;
	rc = rewrite_parent_refs(c, n, &s, &len);
	if (rc)
		return rc;
	*name = vendor_rewrite(c->m, s, len, name_len);
	if (!*name)
		return oom(c);
	if (tmpl_compile(&c->m->arena, *name, *name_len, env ? &env->tenv : &empty, out, &te))
		return schema_error(c, OTELSIM_EINPUT, n, "%s", te.message);
	return 0;
}

int value_tmpl_error(struct schema_ctx *c, const struct ynode *n, size_t off, const char *fmt, ...)
{
	char msg[1400];
	va_list ap;
	int line, col;
	size_t foff = file_offset(c, n, off);

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ynode_offset_pos(c->doc, n, foff, &line, &col);
	return error_at(c->err, OTELSIM_EINPUT, c->doc->file, line, col,
			"%s at position %zu of the string", msg, foff + 1);
}

/* Would the engine turn v into `want` (int, double or bool)? (gen_eval's conversion) */
static bool converts(const struct value *v, int want)
{
	struct value t;

	if (v->type == want || (want == VAL_DOUBLE && v->type == VAL_INT))
		return true;
	return v->type == VAL_STRING && gen_text_to(v->u.s.ptr, v->u.s.len, want, &t);
}

/*
 * The first of vals[0..nv) that would not become `want`: 1 with *got its
 * text, 0 when all convert, or an error code.
 */
static int first_unconvertible(struct schema_ctx *c, const struct value *vals, size_t nv, int want,
			       const char **got)
{
	for (size_t i = 0; i < nv; i++) {
		if (converts(&vals[i], want))
			continue;
		*got = value_text(c, &vals[i]);
		return *got ? 1 : oom(c);
	}
	return 0;
}

/*
 * Every value var i can take, when the load knows them: a constant, a
 * choice, a lone random.choice, or a lone {{vars.y}} of such a var; *n = 0
 * when they are known only when rendering.
 */
static int gen_values(struct schema_ctx *c, const struct gen *g, const struct value **vals,
		      size_t *n);

static int var_values(struct schema_ctx *c, const struct gen_env *env, int i,
		      const struct value **vals, size_t *n)
{
	const struct gen *g;
	int j;

	*vals = NULL;
	*n = 0;
	if (!env || !env->vars || i < 0)
		return 0;
	g = &env->vars[i].gen;
	if (g->kind == GEN_TEMPLATE) {
		j = tmpl_lone_var(g->tmpl);
		if (j >= 0 && j < i)
			return var_values(c, env, j, vals, n);
	}
	return gen_values(c, g, vals, n);
}

/*
 * Every value a generated value can take, when the load knows them: a
 * constant, a choice or a lone random.choice; *n = 0 otherwise.
 */
static int gen_values(struct schema_ctx *c, const struct gen *g, const struct value **vals,
		      size_t *n)
{
	size_t k;
	struct value *v;

	*vals = NULL;
	*n = 0;
	switch (g->kind) {
	case GEN_CONST:
		*vals = &g->constant;
		*n = 1;
		return 0;
	case GEN_CHOICE:
		*vals = g->choices;
		*n = g->nchoices;
		return 0;
	case GEN_TEMPLATE:
		k = tmpl_choice_count(g->tmpl);
		if (!k)
			return 0;
		*vals = tmpl_choice_values(g->tmpl);
		if (*vals) {
			*n = k;
			return 0;
		}
		v = ARENA_NEWN(&c->m->arena, struct value, k);
		if (!v)
			return oom(c);
		for (size_t x = 0; x < k; x++) {
			const char *s;
			size_t len, off;

			tmpl_choice_option(g->tmpl, x, &s, &len, &off);
			v[x].type = VAL_STRING;
			v[x].u.s.ptr = s;
			v[x].u.s.len = (uint32_t)len;
		}
		*vals = v;
		*n = k;
		return 0;
	default:
		return 0;
	}
}

/* A lone random.choice for an int, double or bool: its options converted now. */
static int typed_choice(struct schema_ctx *c, const char *key, const struct ynode *n, int want,
			const char *why, struct tmpl *t)
{
	size_t k = tmpl_choice_count(t);
	struct value *vals = ARENA_NEWN(&c->m->arena, struct value, k);

	if (!vals)
		return oom(c);
	for (size_t i = 0; i < k; i++) {
		const char *s;
		size_t len, off;

		tmpl_choice_option(t, i, &s, &len, &off);
		if (!gen_text_to(s, len, want, &vals[i]))
			return value_tmpl_error(c, n, off,
						"random.choice option '%.200s' is not %s ('%s' is "
						"%s: %s)",
						s, a_type(want), key, a_type(want), why);
	}
	tmpl_set_choice_values(t, vals);
	return 0;
}

/*
 * A template for an attribute whose conventions' enum is closed: a lone
 * random.choice of members, or a lone {{vars.x}} whose values are known
 * and members.
 */
static int closed_tmpl(struct schema_ctx *c, const char *key, const struct sc_attr *a,
		       const struct ynode *n, const struct gen_env *env, const struct tmpl *t)
{
	size_t k = tmpl_choice_count(t), nv, nm;
	int var = tmpl_lone_var(t), rc;
	const struct value *vals, *typed = tmpl_choice_values(t);
	const char *const *members;
	char msg[1400], list[640], what[128];

	for (size_t i = 0; i < k; i++) {
		const char *s, *got;
		size_t len, off;

		tmpl_choice_option(t, i, &s, &len, &off);
		got = typed ? value_text(c, &typed[i]) : s;
		if (!got)
			return oom(c);
		rc = enum_message(c, a, key, "got", got, msg, sizeof(msg));
		if (rc == 1)
			return value_tmpl_error(c, n, off, "%s", msg);
		if (rc)
			return rc;
	}
	if (k)
		return 0;
	if (var >= 0) {
		const struct var_spec *vs = &env->vars[var];

		rc = var_values(c, env, var, &vals, &nv);
		if (rc)
			return rc;
		if (!nv) {
			rc = member_list(c, a, list, sizeof(list), &members, &nm);
			return rc ? rc
				  : schema_error(
					    c, OTELSIM_EINPUT, n,
					    "'%s' must be one of: %s, but vars.%s (line %d) is "
					    "drawn from values known only when rendering (give "
					    "the var a constant or a choice of members)",
					    key, list, vs->name, vs->pos.line);
		}
		snprintf(what, sizeof(what), "vars.%.64s (line %d) can be", vs->name, vs->pos.line);
		return values_in_enum(c, a, key, what, vals, nv, n);
	}
	rc = member_list(c, a, list, sizeof(list), &members, &nm);
	return rc ? rc
		  : schema_error(
			    c, OTELSIM_EINPUT, n,
			    "'%s' must be one of: %s (a template here must be one "
			    "{{random.choice(...)}} of them or one {{vars.x}} whose values are "
			    "known)",
			    key, list);
}

/* A lone {{vars.x}} for an int, double or bool: x must convert whatever it draws. */
static int var_for_type(struct schema_ctx *c, const char *key, const struct ynode *n,
			const struct gen_env *env, int var, int want, const char *why)
{
	const struct var_spec *vs = &env->vars[var];
	int vt = env->var_types ? env->var_types[var] : VAL_NONE, rc;
	const struct value *vals;
	const char *got = NULL;
	size_t nv;

	if (vt == want || (want == VAL_DOUBLE && vt == VAL_INT))
		return 0;
	rc = var_values(c, env, var, &vals, &nv);
	if (rc)
		return rc;
	if (!nv)
		return schema_error(c, OTELSIM_EINPUT, n,
				    "'%s' must be %s (%s), but vars.%s (line %d) is %s known only "
				    "when rendering (give the var a constant, a choice or a "
				    "distribution of that type)",
				    key, a_type(want), why, vs->name, vs->pos.line, a_type(vt));
	rc = first_unconvertible(c, vals, nv, want, &got);
	if (rc != 1)
		return rc;
	return schema_error(c, OTELSIM_EINPUT, n,
			    "'%s' must be %s (%s), but vars.%s (line %d) can be '%.200s', "
			    "which is not %s",
			    key, a_type(want), why, vs->name, vs->pos.line, got, a_type(want));
}

/* "{{parent.attributes.x}}" and nothing else (checked by value_check_copy) */
static bool lone_parent_ref(const struct tmpl *t)
{
	const char *k;
	size_t len, off;

	return tmpl_is_lone_expr(t) && tmpl_parent_ref(t, 0, &k, &len, &off) &&
	       !tmpl_parent_ref(t, 1, &k, &len, &off);
}

static bool scalar_type(int t)
{
	return t == VAL_INT || t == VAL_DOUBLE || t == VAL_BOOL;
}

/*
 * A template value for `key`: compiled, its type forced, else the
 * conventions', else its own. A lone random.choice or {{vars.x}} takes an
 * int, double or bool type when every value it can give converts (checked
 * here: choice options are converted now, vars when rendering), and a
 * closed enum only its members.
 */
static int gen_template(struct schema_ctx *c, const char *key, const struct ynode *n,
			const struct gen_env *env, int forced, struct gen *out)
{
	const struct sc_attr *a = sc_attr(c, key);
	int elem, want = sc_value_type(a, &elem), nat, rc, var;
	const char *why = "its type in the conventions";
	char whybuf[64];
	bool arr = false;

	rc = compile_tmpl(c, n, env, &out->tmpl);
	if (rc)
		return rc;
	if (env && env->note && (rc = env->note(c, n, out->tmpl)))
		return rc;
	out->kind = GEN_TEMPLATE;
	nat = tmpl_natural_type(out->tmpl);
	var = env && env->vars ? tmpl_lone_var(out->tmpl) : -1;
	if (var >= 0)
		nat = env->var_types ? env->var_types[var] : VAL_NONE;
	if (!tmpl_is_lone_expr(out->tmpl))
		nat = VAL_STRING;
	if (want == VAL_ARRAY && (elem == VAL_NONE || forced != VAL_NONE)) {
		want = VAL_NONE; /* an explicit type wins */
	} else if (want == VAL_ARRAY) {
		/* a one-item array: the value is checked and converted as its item */
		arr = true;
		want = elem;
		snprintf(whybuf, sizeof(whybuf), "its conventions type is %s[]",
			 value_type_name(elem));
		why = whybuf;
	}
	if (forced != VAL_NONE) {
		if (want != VAL_NONE && want != forced &&
		    !(want == VAL_DOUBLE && forced == VAL_INT))
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (its type in the conventions), not %s",
					    key, a_type(want), a_type(forced));
		want = forced;
		why = "its 'type'";
	}
	if (tmpl_choice_count(out->tmpl) && scalar_type(want)) {
		rc = typed_choice(c, key, n, want, why, out->tmpl);
		if (rc)
			return rc;
		nat = want;
	}
	if (is_closed_enum(a) && !lone_parent_ref(out->tmpl) &&
	    (rc = closed_tmpl(c, key, a, n, env, out->tmpl)))
		return rc;
	if (var >= 0 && scalar_type(want)) {
		rc = var_for_type(c, key, n, env, var, want, why);
		if (rc)
			return rc;
		nat = want;
	}
	if (want != VAL_NONE) {
		if (scalar_type(want) && nat != VAL_NONE && nat != want &&
		    !(want == VAL_DOUBLE && nat == VAL_INT))
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (%s), but this template makes %s", key,
					    a_type(want), why, a_type(nat));
		out->type = (uint8_t)(arr ? VAL_ARRAY : want);
		out->elem = (uint8_t)(arr ? want : VAL_NONE);
		return 0;
	}
	out->type = (uint8_t)(nat == VAL_NONE ? VAL_STRING : nat);
	return 0;
}

int value_check_copy(struct schema_ctx *c, const struct ynode *n, const char *key,
		     const struct gen *g, const char *pwhat, const char *pkey,
		     const struct attr_spec *pa)
{
	const struct sc_attr *a, *pca;
	const struct value *vals = NULL;
	size_t nv = 0;
	int want, ptype, rc;
	const char *got = NULL;
	char what[400];

	if (g->kind != GEN_TEMPLATE || !lone_parent_ref(g->tmpl))
		return 0;
	a = sc_attr(c, key);
	pca = sc_attr(c, pkey);
	want = g->type == VAL_ARRAY ? g->elem : g->type;
	if (!scalar_type(want) && !is_closed_enum(a))
		return 0;
	if (pa) {
		ptype = pa->gen.kind == GEN_CONST ? pa->gen.constant.type : pa->gen.type;
		if ((rc = gen_values(c, &pa->gen, &vals, &nv)))
			return rc;
	} else {
		/* attributes the engine adds: retry.attempt, error.type */
		ptype = !strcmp(pkey, "retry.attempt") ? VAL_INT : VAL_STRING;
	}
	if (pa)
		snprintf(what, sizeof(what), "%s's '%.200s' (line %d)", pwhat, pkey, pa->pos.line);
	else
		snprintf(what, sizeof(what), "%s's '%.200s'", pwhat, pkey);
	if (scalar_type(want) && ptype != want && !(want == VAL_DOUBLE && ptype == VAL_INT)) {
		if (!nv)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (its type in the conventions), but "
					    "this copies %s, which is %s",
					    key, a_type(want), what, a_type(ptype));
		rc = first_unconvertible(c, vals, nv, want, &got);
		if (rc == 1)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (its type in the conventions), but "
					    "this copies %s, which can be '%.200s'",
					    key, a_type(want), what, got);
		if (rc)
			return rc;
	}
	if (!is_closed_enum(a) || pca == a)
		return 0; /* the parent's value was checked against the same enum */
	if (!nv) {
		char list[640];
		const char *const *members;
		size_t nm;

		rc = member_list(c, a, list, sizeof(list), &members, &nm);
		return rc ? rc
			  : schema_error(c, OTELSIM_EINPUT, n,
					 "'%s' must be one of: %s, but this copies %s, whose "
					 "values are known only when rendering",
					 key, list, what);
	}
	snprintf(what + strlen(what), sizeof(what) - strlen(what), " can be");
	return values_in_enum(c, a, key, what, vals, nv, n);
}

/* ---- distributions, choices, forced types ---------------------------------- */

/*
 * An int uniform's bound, exact: an integer literal as written (int64), a
 * fractional one rounded inward (ceil for min, floor for max); outside
 * int64 it is the integer-overflow error at the value.
 */
static int int_bound(struct schema_ctx *c, const struct num_slot *s, const char *what, bool lower,
		     int64_t *out)
{
	const double two63 = 9223372036854775808.0;
	double r;
	int rc = ynode_int(s->node, out);

	if (!rc)
		return 0;
	if (rc == -2)
		return schema_error(c, OTELSIM_ELIMIT, s->node, "integer out of range for '%s'",
				    what);
	r = lower ? ceil(s->v) : floor(s->v);
	if (!(r >= -two63 && r < two63))
		return schema_error(c, OTELSIM_ELIMIT, s->node, "integer out of range for '%s'",
				    what);
	*out = (int64_t)r;
	return 0;
}

static int gen_dist(struct schema_ctx *c, const char *key, const struct ynode *map, struct gen *out)
{
	static const struct key_table *const tables[] = { &attr_uniform_table, &attr_normal_table,
							  &attr_log_normal_table,
							  &attr_exponential_table,
							  &attr_poisson_table };
	const struct sc_attr *a = sc_attr(c, key);
	int elem, want = sc_value_type(a, &elem), type, which = -1, rc;
	struct dist_parse p;
	char x[32], y[32];
	int64_t i;

	memset(&p, 0, sizeof(p));
	rc = dist_dispatch(c, map, &attr_dist_table, attr_dist_members, tables, &p, &which);
	if (rc)
		return rc;
	/* the type: explicit, else the conventions', else from the literals */
	if (p.type)
		type = !strcmp(p.type->str, "int") ? VAL_INT : VAL_DOUBLE;
	else if (want == VAL_INT || want == VAL_DOUBLE)
		type = want;
	else if (which == 4 ||
		 (which == 0 && !ynode_int(p.min.node, &i) && !ynode_int(p.max.node, &i)))
		type = VAL_INT;
	else
		type = VAL_DOUBLE;
	if (want != VAL_NONE && want != type && !(want == VAL_DOUBLE && type == VAL_INT))
		return schema_error(c, OTELSIM_EINPUT, p.type ? p.type : map,
				    "'%s' must be %s (its type in the conventions), not %s", key,
				    a_type(want), a_type(type));
	if (p.decimals.node) {
		if (type != VAL_DOUBLE)
			return schema_error(c, OTELSIM_EINPUT, p.decimals.node,
					    "'decimals' applies to doubles only");
		if (p.decimals.v < 0 || p.decimals.v > LOAD_MAX_DECIMALS)
			return schema_error(c, OTELSIM_EINPUT, p.decimals.node,
					    "'decimals' must be between 0 and %d",
					    LOAD_MAX_DECIMALS);
	}
	if ((rc = nonneg(c, &p.stddev, "stddev")) || (rc = nonneg(c, &p.sigma, "sigma")))
		return rc;
	out->kind = GEN_DIST;
	out->type = (uint8_t)type;
	out->decimals = (int8_t)(p.decimals.node ? p.decimals.v : -1);
	switch (which) {
	case 0:
		if ((rc = min_le_max(c, &p.min, "min", &p.max, "max")))
			return rc;
		out->dist.kind = DIST_UNIFORM;
		out->dist.p1 = p.min.v;
		out->dist.p2 = p.max.v;
		if (type != VAL_INT)
			return 0;
		if ((rc = int_bound(c, &p.min, "min", true, &out->dist.imin)) ||
		    (rc = int_bound(c, &p.max, "max", false, &out->dist.imax)))
			return rc;
		if (out->dist.imin > out->dist.imax)
			return schema_error(c, OTELSIM_EINPUT, p.min.node,
					    "no integer between 'min' (%s) and 'max' (%s)",
					    num_text(p.min.v, x), num_text(p.max.v, y));
		out->dist.has_ibounds = true;
		return 0;
	case 1:
		out->dist.kind = DIST_NORMAL;
		out->dist.p1 = p.mean.v;
		out->dist.p2 = p.stddev.v;
		break;
	case 2:
		if ((rc = positive(c, &p.median, "median")))
			return rc;
		out->dist.kind = DIST_LOG_NORMAL;
		out->dist.p1 = p.median.v;
		out->dist.p2 = p.sigma.v;
		break;
	case 3:
		if ((rc = positive(c, &p.mean, "mean")))
			return rc;
		out->dist.kind = DIST_EXPONENTIAL;
		out->dist.p1 = p.mean.v;
		break;
	case 4:
		if ((rc = nonneg(c, &p.mean, "mean")))
			return rc;
		out->dist.kind = DIST_POISSON;
		out->dist.p1 = p.mean.v;
		break;
	default:
		return error_set(c->err, OTELSIM_EINTERNAL, "attribute distribution");
	}
	if ((rc = min_le_max(c, &p.min, "min", &p.max, "max")))
		return rc;
	out->dist.has_min = p.min.node != NULL;
	out->dist.min = p.min.v;
	out->dist.has_max = p.max.node != NULL;
	out->dist.max = p.max.v;
	return 0;
}

static int type_by_name(const char *s)
{
	if (!strcmp(s, "string"))
		return VAL_STRING;
	if (!strcmp(s, "int"))
		return VAL_INT;
	if (!strcmp(s, "double"))
		return VAL_DOUBLE;
	if (!strcmp(s, "bool") || !strcmp(s, "boolean"))
		return VAL_BOOL;
	if (!strcmp(s, "bytes"))
		return VAL_BYTES;
	if (!strcmp(s, "array"))
		return VAL_ARRAY;
	if (!strcmp(s, "kvlist"))
		return VAL_KVLIST;
	return VAL_NONE;
}

/* A scalar converted to `type` whatever its YAML typing ("5" -> 5 for int). */
static int convert_scalar(struct schema_ctx *c, const struct ynode *n, int type, struct value *out)
{
	struct ynode plain = *n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n->type != YN_SCALAR)
		return schema_error(c, OTELSIM_EINPUT, n, "expected a single value for %s, not %s",
				    a_type(type), ynode_kind(n));
	if (n->tag && !strcmp(n->tag, TAG_BINARY) && type != VAL_BYTES)
		return schema_error(c, OTELSIM_EINPUT, n, "a !!binary value is bytes, not %s",
				    a_type(type));
	plain.style = YS_PLAIN;
	plain.tag = NULL;
	switch (type) {
	case VAL_STRING: {
		const char *s = NULL;

		rc = value_string(c, n, &s);
		if (rc)
			return rc;
		out->type = VAL_STRING;
		out->u.s.ptr = s;
		out->u.s.len = (uint32_t)n->len;
		return 0;
	}
	case VAL_INT:
		rc = ynode_int(&plain, &out->u.i);
		if (rc == -2)
			return schema_error(c, OTELSIM_ELIMIT, n, "integer out of range");
		if (rc)
			return schema_error(c, OTELSIM_EINPUT, n, "'%.200s' is not an integer",
					    n->str);
		out->type = VAL_INT;
		return 0;
	case VAL_DOUBLE:
		if (ynode_double(&plain, &out->u.d))
			return schema_error(c, OTELSIM_EINPUT, n, "'%.200s' is not a number",
					    n->str);
		out->type = VAL_DOUBLE;
		return 0;
	case VAL_BOOL: {
		bool b;

		if (ynode_bool(&plain, &b))
			return schema_error(c, OTELSIM_EINPUT, n, "'%.200s' is not true or false",
					    n->str);
		out->type = VAL_BOOL;
		out->u.b = b;
		return 0;
	}
	case VAL_BYTES:
		return base64_value(c, n, out);
	default:
		return error_set(c->err, OTELSIM_EINTERNAL, "convert_scalar");
	}
}

static int gen_choice(struct schema_ctx *c, const char *key, const struct ynode *map,
		      struct gen *out)
{
	struct form_parse f;
	const struct ynode *ch;
	int rc, type = VAL_NONE;
	size_t n;
	double total = 0;

	memset(&f, 0, sizeof(f));
	rc = schema_walk(c, &attr_choice_table, map, &f);
	if (rc)
		return rc;
	ch = f.choice;
	if (ch->type == YN_SCALAR)
		return schema_error(c, OTELSIM_EINPUT, ch,
				    "'choice' must be a list or a mapping of value: weight, not %s",
				    ynode_kind(ch));
	n = ch->n;
	if (!n)
		return schema_error(c, OTELSIM_EINPUT, ch, "'choice' needs at least one value");
	if (f.type)
		type = type_by_name(f.type->str);
	out->choices = ARENA_NEWN(&c->m->arena, struct value, n);
	out->cum_weights = ARENA_NEWN(&c->m->arena, double, n);
	if (!out->choices || !out->cum_weights)
		return oom(c);
	for (size_t i = 0; i < n; i++) {
		const struct ynode *vn, *at;
		double w = 1;

		if (ch->type == YN_MAP) {
			const struct ynode *wn = ch->pairs[i].value;

			vn = ch->pairs[i].key;
			if (ynode_double(wn, &w) || !isfinite(w))
				return schema_error(c, OTELSIM_EINPUT, wn,
						    "a choice weight must be a number, not %s",
						    ynode_kind(wn));
			at = wn;
		} else if (ch->items[i]->type == YN_MAP) {
			struct form_parse it;

			memset(&it, 0, sizeof(it));
			rc = schema_walk(c, &attr_choice_item_table, ch->items[i], &it);
			if (rc)
				return rc;
			vn = it.value;
			if (it.weight) {
				ynode_double(it.weight, &w);
				at = it.weight;
			} else {
				at = vn;
			}
		} else {
			vn = ch->items[i];
			at = vn;
		}
		if (w < 0)
			return schema_error(c, OTELSIM_EINPUT, at,
					    "a choice weight must not be negative");
		if (vn->type != YN_SCALAR)
			return schema_error(c, OTELSIM_EINPUT, vn,
					    "a choice must be a single value, not %s",
					    ynode_kind(vn));
		rc = type != VAL_NONE ? convert_scalar(c, vn, type, &out->choices[i])
				      : const_scalar(c, vn, &out->choices[i]);
		if (rc)
			return rc;
		if (out->choices[i].type == VAL_STRING &&
		    tmpl_has_expr(out->choices[i].u.s.ptr, out->choices[i].u.s.len))
			return schema_error(c, OTELSIM_EINPUT, vn,
					    "templates are not allowed in choices (use "
					    "random.choice inside one template)");
		rc = sc_check_const(c, key, vn, &out->choices[i]);
		if (rc)
			return rc;
		if (i && out->choices[i].type != out->choices[0].type) {
			if (out->choices[0].type == VAL_DOUBLE && out->choices[i].type == VAL_INT) {
				out->choices[i].type = VAL_DOUBLE;
				out->choices[i].u.d = (double)out->choices[i].u.i;
			} else {
				return schema_error(c, OTELSIM_EINPUT, vn,
						    "choices must all have the same type (this one "
						    "is %s, the first %s)",
						    a_type(out->choices[i].type),
						    a_type(out->choices[0].type));
			}
		}
		total += w;
		out->cum_weights[i] = total;
	}
	if (!(total > 0))
		return schema_error(c, OTELSIM_EINPUT, ch, "choice weights must not all be 0");
	if (!isfinite(total))
		return schema_error(c, OTELSIM_EINPUT, ch, "choice weights are too large");
	out->kind = GEN_CHOICE;
	out->type = out->choices[0].type;
	out->nchoices = (uint32_t)n;
	return 0;
}

static int gen_plain(struct schema_ctx *c, const char *key, const struct ynode *n,
		     const struct gen_env *env, struct gen *out);

static int gen_forced(struct schema_ctx *c, const char *key, const struct ynode *map,
		      const struct gen_env *env, struct gen *out)
{
	struct form_parse f;
	const struct ynode *v;
	int rc, type;

	memset(&f, 0, sizeof(f));
	rc = schema_walk(c, &attr_value_table, map, &f);
	if (rc)
		return rc;
	v = f.value;
	if (!f.type) {
		if (v->type == YN_MAP) {
			rc = const_kvlist(c, v, &out->constant);
			out->kind = GEN_CONST;
			out->type = VAL_KVLIST;
			return rc ? rc : sc_check_const(c, key, v, &out->constant);
		}
		return gen_plain(c, key, v, env, out);
	}
	type = type_by_name(f.type->str);
	out->kind = GEN_CONST;
	out->type = (uint8_t)type;
	switch (type) {
	case VAL_ARRAY:
		if (v->type != YN_SEQ)
			return schema_error(c, OTELSIM_EINPUT, v, "'value' must be a list, not %s",
					    ynode_kind(v));
		rc = const_list(c, v, false, &out->constant);
		break;
	case VAL_KVLIST:
		if (v->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, v,
					    "'value' must be a mapping, not %s", ynode_kind(v));
		rc = const_kvlist(c, v, &out->constant);
		break;
	default:
		if (v->type == YN_SCALAR && type != VAL_BYTES && ynode_is_string(v) &&
		    tmpl_has_expr(v->str, v->len))
			return gen_template(c, key, v, env, type, out);
		rc = convert_scalar(c, v, type, &out->constant);
		break;
	}
	if (rc)
		return rc;
	return sc_check_const(c, key, v, &out->constant);
}

static int gen_plain(struct schema_ctx *c, const char *key, const struct ynode *n,
		     const struct gen_env *env, struct gen *out)
{
	int rc;

	if (n->type == YN_SEQ) {
		rc = const_list(c, n, true, &out->constant);
		out->kind = GEN_CONST;
		out->type = VAL_ARRAY;
		return rc ? rc : sc_check_const(c, key, n, &out->constant);
	}
	if (n->type == YN_MAP) {
		static const char *const forms[] = { "distribution", "choice", "value" };

		if (ymap_get(n, "distribution"))
			return gen_dist(c, key, n, out);
		if (ymap_get(n, "choice"))
			return gen_choice(c, key, n, out);
		if (ymap_get(n, "value"))
			return gen_forced(c, key, n, env, out);
		/* parameters of a distribution without one: let its table say */
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *k = n->pairs[i].key;

			for (size_t j = 0; k->type == YN_SCALAR && j < attr_dist_table.nkeys; j++)
				if (!strcmp(k->str, attr_dist_table.keys[j].key)) {
					struct dist_parse p;

					memset(&p, 0, sizeof(p));
					return schema_walk(c, &attr_dist_table, n, &p);
				}
		}
		for (size_t i = 0; i < n->n; i++) {
			const struct ynode *k = n->pairs[i].key;
			const char *s = k->type == YN_SCALAR ? suggest(k->str, forms, 3) : NULL;

			if (s)
				return schema_error(c, OTELSIM_EINPUT, k,
						    "unknown key '%.200s' (did you mean '%s'?)",
						    k->str, s);
		}
		return schema_error(c, OTELSIM_EINPUT, n,
				    "a mapping value needs 'distribution', 'choice' or 'value' "
				    "(write a constant as it is)");
	}
	if (ynode_is_string(n) && !n->tag && tmpl_has_expr(n->str, n->len))
		return gen_template(c, key, n, env, VAL_NONE, out);
	if (n->tag && !strcmp(n->tag, TAG_STR) && tmpl_has_expr(n->str, n->len))
		return gen_template(c, key, n, env, VAL_NONE, out);
	rc = const_scalar(c, n, &out->constant);
	if (rc)
		return rc;
	out->kind = GEN_CONST;
	rc = sc_check_const(c, key, n, &out->constant);
	out->type = out->constant.type;
	return rc;
}

int value_gen(struct schema_ctx *c, const char *key, const struct ynode *n,
	      const struct gen_env *env, struct gen *out)
{
	memset(out, 0, sizeof(*out));
	out->decimals = -1;
	return gen_plain(c, key, n, env, out);
}

static int check_key(struct schema_ctx *c, const struct ynode *k)
{
	if (k->type != YN_SCALAR || ynode_is_null(k) || !k->len)
		return schema_error(c, OTELSIM_EINPUT, k, "attribute keys must be non-empty names");
	if (k->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, k, "attribute key longer than %d bytes",
				    LOAD_MAX_KEY);
	if (tmpl_has_expr(k->str, k->len))
		return schema_error(c, OTELSIM_EINPUT, k,
				    "attribute keys are fixed names: templates are not allowed in "
				    "a key");
	return 0;
}

int value_attrs(struct schema_ctx *c, const struct ynode *map, const struct gen_env *env,
		struct attr_spec **out, uint32_t *n)
{
	struct attr_spec *a;
	struct strlist_key *keys;
	size_t first = 0, second = 0;
	int rc, found;

	if (map->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, map,
				    "'attributes' must be a mapping, not %s", ynode_kind(map));
	a = ARENA_NEWN(&c->m->arena, struct attr_spec, map->n ? map->n : 1);
	if (!a)
		return oom(c);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;

		if ((rc = check_key(c, k)))
			return rc;
		a[i].key = vendor_rewrite(c->m, k->str, k->len, &a[i].key_len);
		if (!a[i].key)
			return oom(c);
		a[i].pos.file = c->file;
		a[i].pos.line = k->line;
		a[i].pos.col = k->col;
		rc = value_gen(c, k->str, map->pairs[i].value, env, &a[i].gen);
		if (rc)
			return rc;
	}
	/* an attribute whose vendor rewrite collides with another key */
	keys = malloc((map->n ? map->n : 1) * sizeof(*keys));
	if (!keys)
		return oom(c);
	for (size_t i = 0; i < map->n; i++) {
		keys[i].s = a[i].key;
		keys[i].len = a[i].key_len;
		keys[i].index = i;
	}
	found = strlist_first_dup(keys, map->n, &first, &second);
	free(keys);
	if (found)
		return schema_error(c, OTELSIM_EINPUT, map->pairs[second].key,
				    "attribute '%s' is given twice (first at line %d, column %d)",
				    a[second].key, a[first].pos.line, a[first].pos.col);
	*out = a;
	*n = (uint32_t)map->n;
	return 0;
}

int value_const_attrs(struct schema_ctx *c, const struct ynode *map, struct keyval **out,
		      uint32_t *n)
{
	struct keyval *kv;
	struct strlist_key *keys;
	size_t first = 0, second = 0;
	int rc, found;

	if (map->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, map,
				    "'attributes' must be a mapping, not %s", ynode_kind(map));
	kv = ARENA_NEWN(&c->m->arena, struct keyval, map->n ? map->n : 1);
	if (!kv)
		return oom(c);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key, *v = map->pairs[i].value;
		struct gen g;

		if ((rc = check_key(c, k)))
			return rc;
		kv[i].key = vendor_rewrite(c->m, k->str, k->len, &kv[i].key_len);
		if (!kv[i].key)
			return oom(c);
		if ((v->type == YN_SCALAR && tmpl_has_expr(v->str, v->len)) ||
		    (v->type == YN_MAP && !ymap_get(v, "value")))
			return schema_error(c, OTELSIM_EINPUT, v,
					    "resource attributes must be constants (no templates, "
					    "distributions or choices)");
		rc = value_gen(c, k->str, v, NULL, &g);
		if (rc)
			return rc;
		if (g.kind != GEN_CONST)
			return schema_error(c, OTELSIM_EINPUT, v,
					    "resource attributes must be constants (no templates, "
					    "distributions or choices)");
		kv[i].value = g.constant;
	}
	keys = malloc((map->n ? map->n : 1) * sizeof(*keys));
	if (!keys)
		return oom(c);
	for (size_t i = 0; i < map->n; i++) {
		keys[i].s = kv[i].key;
		keys[i].len = kv[i].key_len;
		keys[i].index = i;
	}
	found = strlist_first_dup(keys, map->n, &first, &second);
	free(keys);
	/* in file order: a service.name before the first repeat is reported first */
	for (size_t i = 0; i < (found ? second : map->n); i++)
		if (!strcmp(kv[i].key, "service.name"))
			return schema_error(
				c, OTELSIM_EINPUT, map->pairs[i].key,
				"'service.name' comes from the spans' 'service' (and the config's "
				"service name), not from resource attributes");
	if (found)
		return schema_error(c, OTELSIM_EINPUT, map->pairs[second].key,
				    "attribute '%s' is given twice", kv[second].key);
	*out = kv;
	*n = (uint32_t)map->n;
	return 0;
}
