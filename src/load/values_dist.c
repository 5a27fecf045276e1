/*
 * Values every dialect needs, part 2: latencies, counts and attribute
 * distributions, each kind with its key table (the tables share one struct
 * of numeric slots; the `distribution` key picks the table).
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "load/values.h"
#include "util/error.h"

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

const struct key_table values_attr_dist_table = {
	"attribute.distribution", "an attribute drawn from a distribution", attr_dist_keys,
	sizeof(attr_dist_keys) / sizeof(attr_dist_keys[0])
};
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

const struct key_table *const value_dist_tables[] = {
	&latency_table,          &lat_log_normal_table,  &lat_normal_table,
	&lat_uniform_table,      &lat_exponential_table, &lat_constant_table,
	&lat_percentiles_table,  &count_table,           &count_poisson_table,
	&count_uniform_table,    &count_fixed_table,     &values_attr_dist_table,
	&attr_uniform_table,     &attr_normal_table,     &attr_log_normal_table,
	&attr_exponential_table, &attr_poisson_table,    NULL
};

/* ---- checks on numbers ---- */

static int nonneg(struct schema_ctx *c, const struct num_slot *s, const char *key)
{
	char b[32];

	if (s->node && s->v < 0)
		return schema_error(c, OTELSIM_EINPUT, s->node,
				    "'%s' must not be negative (got %s)", key,
				    values_num_text(s->v, b));
	return 0;
}

static int positive(struct schema_ctx *c, const struct num_slot *s, const char *key)
{
	char b[32];

	if (s->node && !(s->v > 0))
		return schema_error(c, OTELSIM_EINPUT, s->node,
				    "'%s' must be greater than 0 (got %s)", key,
				    values_num_text(s->v, b));
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
				    "'%s' (%s) is greater than '%s' (%s)", lok,
				    values_num_text(lo->v, a), hik, values_num_text(hi->v, b));
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
					key_of(n, ps[i]->node, ""), values_num_text(ps[i]->v, a),
					key_of(n, ps[i - 1]->node, ""),
					values_num_text(ps[i - 1]->v, b));
		out->kind = DIST_PERCENTILES;
		for (int i = 0; i < 4; i++)
			out->pct[i] = ps[i]->v;
		if (p.min.node) {
			if (p.min.v > p.p50.v)
				return schema_error(c, OTELSIM_EINPUT, p.min.node,
						    "'%s' (%s) is above '%s' (%s)", mn,
						    values_num_text(p.min.v, a),
						    key_of(n, p.p50.node, "p50_ms"),
						    values_num_text(p.p50.v, b));
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

int values_gen_dist(struct schema_ctx *c, const char *key, const struct ynode *map, struct gen *out)
{
	static const struct key_table *const tables[] = { &attr_uniform_table, &attr_normal_table,
							  &attr_log_normal_table,
							  &attr_exponential_table,
							  &attr_poisson_table };
	const struct sc_attr *a = values_sc_attr(c, key);
	int elem, want = values_sc_type(a, &elem), type, which = -1, rc;
	struct dist_parse p;
	char x[32], y[32];
	int64_t i;

	memset(&p, 0, sizeof(p));
	rc = dist_dispatch(c, map, &values_attr_dist_table, attr_dist_members, tables, &p, &which);
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
				    values_a_type(want), values_a_type(type));
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
					    values_num_text(p.min.v, x),
					    values_num_text(p.max.v, y));
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
