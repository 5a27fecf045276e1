/* Options + model -> plan: precedence flag > scenario file > config. */
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/text.h"
#include "util/timefmt.h"

static const struct scenario *find_or_suggest(const struct model *m, const char *name,
					      struct otelsim_error *err)
{
	const struct scenario *s = model_find_scenario(m, name);
	const char *best;
	struct suggest sg;

	if (s)
		return s;
	suggest_init(&sg, name);
	for (uint32_t i = 0; i < m->nscenarios; i++)
		suggest_add(&sg, m->scenarios[i]->name);
	for (uint32_t i = 0; i < m->nscenarios; i++) /* display names too */
		if (m->scenarios[i]->title)
			suggest_add(&sg, m->scenarios[i]->title);
	best = suggest_best(&sg);
	if (best)
		error_set(err, OTELSIM_EUSAGE, "unknown scenario '%s' (did you mean '%s'?)", name,
			  best);
	else
		error_set(err, OTELSIM_EUSAGE,
			  "unknown scenario '%s' (see 'otelsim list' for the names)", name);
	return NULL;
}

static bool has_any_tag(const struct scenario *s, const char *const *tags, size_t ntags)
{
	if (!ntags)
		return true;
	for (size_t i = 0; i < ntags; i++)
		for (uint32_t k = 0; k < s->ntags; k++)
			if (!strcmp(tags[i], s->tags[k]))
				return true;
	return false;
}

static void shard_range(const struct otelsim_render_options *o, uint64_t nblocks, uint64_t *first,
			uint64_t *end)
{
	if (o->shard_count > 1 && o->shard_index >= 1 && o->shard_index <= o->shard_count) {
		*first = (uint64_t)((unsigned __int128)nblocks * (o->shard_index - 1) /
				    o->shard_count);
		*end = (uint64_t)((unsigned __int128)nblocks * o->shard_index / o->shard_count);
	} else {
		*first = 0;
		*end = nblocks;
	}
}

/* A duration as --interval reads it back: "1500ms", "2s", "250us", "7ns". */
static void fmt_duration(int64_t ns, char *buf, size_t size)
{
	static const struct {
		int64_t ns;
		const char *unit;
	} units[] = { { 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (ns % units[i].ns == 0) {
			snprintf(buf, size, "%lld%s", (long long)(ns / units[i].ns), units[i].unit);
			return;
		}
	snprintf(buf, size, "%lldns", (long long)ns);
}

/*
 * Every trace start must be a time OTLP can carry and the engine can add
 * to: from 1970 (times are unsigned nanoseconds since then) to INT64_MAX
 * ns (2262-04-11). The last start is start + (count - 1) * interval +
 * jitter; durations inside a trace saturate there (engine/render.c).
 */
static int check_time_range(const struct otelsim_render_options *o, const struct plan *p,
			    struct otelsim_error *err)
{
	char start[64], interval[32], jitter[48] = "";
	int64_t last;

	time_format_rfc3339(p->start_ns, start, sizeof(start));
	if (p->start_ns < 0)
		return error_set(err, OTELSIM_EUSAGE,
				 "%s %s is before 1970-01-01T00:00:00Z (OTLP times are nanoseconds "
				 "since then)",
				 o->start_set ? "--start" : "the config's defaults.start", start);
	if (p->interval_ns < 0)
		return error_set(err, OTELSIM_EUSAGE, "--interval must not be negative");
	if (p->count == 0)
		return 0;
	if (p->count - 1 <= (uint64_t)INT64_MAX &&
	    !__builtin_mul_overflow((int64_t)(p->count - 1), p->interval_ns, &last) &&
	    !__builtin_add_overflow(last, p->start_ns, &last) &&
	    !__builtin_add_overflow(last, p->jitter_ns > 0 ? p->jitter_ns : 0, &last))
		return 0;
	fmt_duration(p->interval_ns, interval, sizeof(interval));
	if (p->jitter_ns > 0) {
		memcpy(jitter, " and jitter up to ", 19);
		fmt_duration(p->jitter_ns, jitter + 18, sizeof(jitter) - 18);
	}
	return error_set(err, OTELSIM_EUSAGE,
			 "%s%llu%s with %s %s%s from %s%s runs past the year 2262 (the last time "
			 "int64 nanoseconds since 1970 can hold)",
			 o->count_set && !o->each_once ? "--count " : "",
			 (unsigned long long)p->count,
			 o->count_set && !o->each_once ? "" : " traces",
			 o->interval_set ? "--interval" : "interval", interval, jitter,
			 o->start_set ? "--start " : "", start);
}

/*
 * The run's derived metrics and series (engine/metrics.h): the interval is
 * --metric-interval, else the scenario's metric_interval (a mixed run:
 * the first of its scenarios to give one), else 10 s. None with the
 * synthetic test signals (they replace them: a test of the pipeline).
 */
static int run_spec_metrics(const struct otelsim_render_options *o, struct run_spec *rs,
			    struct otelsim_error *err)
{
	struct plan *p = &rs->plan;
	int64_t interval = o->metric_interval_ns;
	int rc;

	if (o->temporality != OTELSIM_TEMPORALITY_CUMULATIVE &&
	    o->temporality != OTELSIM_TEMPORALITY_DELTA)
		return error_set(err, OTELSIM_EUSAGE, "unknown temporality %d", o->temporality);
	if (interval < 0)
		return error_set(err, OTELSIM_EUSAGE, "--metric-interval must be positive");
	if (o->synthetic_signals)
		return 0; /* the synthetic test signals replace the derived metrics */
	if (o->signals && !(o->signals & SIGNAL_BIT(OTELSIM_METRICS)))
		return 0; /* --signals without metrics: none derived */
	for (uint32_t i = 0; !interval && i < (p->scenario ? 1 : p->npool); i++) {
		const struct scenario *s = p->scenario ? p->scenario : p->pool[i];

		interval = s->metric_interval_ns;
	}
	rc = mrun_build(&rs->metrics, p, interval ? interval : 10000000000LL,
			o->temporality == OTELSIM_TEMPORALITY_DELTA ? METRIC_DELTA
								    : METRIC_CUMULATIVE,
			o->max_metric_streams, err);
	if (!rc && rs->metrics.nmetrics)
		p->signals |= SIGNAL_BIT(OTELSIM_METRICS);
	return rc;
}

/* --signals: only those, each one the run emits. */
static int run_spec_filter(const struct otelsim_render_options *o, struct run_spec *rs,
			   struct otelsim_error *err)
{
	struct plan *p = &rs->plan;

	if (!o->signals)
		return 0;
	for (int s = 0; s < SIGNAL_COUNT; s++)
		if ((o->signals & SIGNAL_BIT(s)) && !(p->signals & SIGNAL_BIT(s)))
			return error_set(err, OTELSIM_EUSAGE,
					 "--signals names '%s', which %s emits", signal_name(s),
					 p->scenario ? "the scenario never" : "no selected scenario");
	p->signals &= o->signals;
	return 0;
}

/* The signals the run's scenarios may emit, and the timeline source when one has a timeline. */
static void run_spec_signals(struct run_spec *rs)
{
	struct plan *p = &rs->plan;
	unsigned all = 0;

	for (uint32_t i = 0; i < (p->scenario ? 1 : p->npool); i++)
		all |= (p->scenario ? p->scenario : p->pool[i])->signals;
	p->signals |= all;
	if (all & SIGNAL_BIT(OTELSIM_EVENTS))
		rs->sources[p->nsources++] = &engine_timeline_source;
}

int run_spec_build(const struct model *m, const struct otelsim_render_options *o,
		   struct run_spec *rs, struct otelsim_error *err)
{
	const struct config *c = &m->config;
	struct plan *p = &rs->plan;
	int rc;

	memset(rs, 0, sizeof(*rs));
	arena_init(&rs->arena, 4096);
	p->model = m;
	rs->traces_per_record = o->traces_per_record   ? o->traces_per_record
				: c->traces_per_record ? c->traces_per_record
						       : 64;
	if (o->iterations_per_block) {
		p->iterations_per_block = o->iterations_per_block;
	} else {
		/* a multiple of the record size: then no record depends on it */
		uint32_t per = rs->traces_per_record;
		uint64_t b = c->iterations_per_block ? c->iterations_per_block : 64;

		b = (b + per - 1) / per * per;
		p->iterations_per_block = b > UINT32_MAX ? per : (uint32_t)b;
	}
	p->signals = SIGNAL_BIT(OTELSIM_TRACES);
	if (o->synthetic_signals) {
		rs->sources[p->nsources++] = &engine_synthetic_source;
		p->signals |= engine_synthetic_source.signals;
	}
	p->sources = rs->sources;
	p->start_ns = o->start_set ? o->start_ns : c->default_start_ns;
	p->interval_ns = c->default_interval_ns;
	p->seed = c->default_seed;
	p->mixed_stream = rng_hash("mixed", 5);
	if (o->shard_count > 0 && (o->shard_index < 1 || o->shard_index > o->shard_count))
		return error_set(err, OTELSIM_EUSAGE, "--shard %u/%u: K must be between 1 and %u",
				 o->shard_index, o->shard_count, o->shard_count);
	if (o->scenario) {
		const struct scenario *s = find_or_suggest(m, o->scenario, err);

		if (!s)
			return OTELSIM_EUSAGE;
		p->scenario = s;
		p->count = (uint64_t)(s->has_repeat_count ? s->repeat_count : c->default_count);
		if (s->has_interval) {
			p->interval_ns = s->interval_ns;
			p->jitter_ns = s->interval_jitter_ns;
		}
		if (s->has_seed) {
			p->seed = s->seed;
			rs->seed_origin = OTELSIM_SEED_FROM_SCENARIO;
		}
		rs->label = s->name;
		rs->rel_dir = s->rel_dir[0] ? arena_printf(&rs->arena, "%s/%s", s->rel_dir, s->name)
					    : s->name;
	} else {
		double total = 0;

		p->pool = ARENA_NEWN(&rs->arena, const struct scenario *, m->nscenarios + 1);
		p->cum_weights = ARENA_NEWN(&rs->arena, double, m->nscenarios + 1);
		if (!p->pool || !p->cum_weights)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		for (uint32_t i = 0; i < m->nscenarios; i++) {
			const struct scenario *s = m->scenarios[i];

			/* a Dreamweaver config is a whole system at its own rate: by name only */
			if (s->reference || s->dialect == DIALECT_DREAMWEAVER ||
			    !has_any_tag(s, o->tags, o->ntags))
				continue;
			if (!o->each_once && !(s->weight > 0))
				continue;
			total += s->weight > 0 ? s->weight : 0;
			p->pool[p->npool] = s;
			p->cum_weights[p->npool] = total;
			p->npool++;
		}
		if (!p->npool) {
			/* a tagged scenario left out only by its weight: say so */
			for (uint32_t i = 0; i < m->nscenarios; i++) {
				const struct scenario *s = m->scenarios[i];

				if (!s->reference && has_any_tag(s, o->tags, o->ntags))
					return error_set(err, OTELSIM_EUSAGE,
							 "no scenario %s has a workload_weight "
							 "above 0 ('%s' has "
							 "%g: render it with --each-once or "
							 "'otelsim scenario "
							 "--name %s')",
							 o->ntags ? "with those tags" : "loaded",
							 s->name, s->weight, s->name);
			}
			if (o->ntags)
				return error_set(
					err, OTELSIM_EUSAGE,
					"no scenario has any of the tags given with --tags");
			return error_set(err, OTELSIM_EUSAGE, "no scenarios to run (none loaded%s)",
					 o->each_once ? "" : " with a workload_weight above 0");
		}
		p->each_once = o->each_once;
		if (o->each_once)
			p->cum_weights = NULL;
		p->count = o->each_once ? p->npool : (uint64_t)c->default_count;
		rs->label = o->dataset ? o->dataset : "mixed";
		rs->rel_dir = rs->label;
	}
	if (o->count_set && !o->each_once)
		p->count = o->count;
	if (o->interval_set)
		p->interval_ns = o->interval_ns;
	if (o->jitter_set)
		p->jitter_ns = o->jitter_ns;
	if (o->seed_set) {
		p->seed = o->seed;
		rs->seed_origin = OTELSIM_SEED_FROM_OPTIONS;
	}
	rc = check_time_range(o, p, err);
	if (rc)
		return rc;
	run_spec_signals(rs);
	shard_range(o, plan_nblocks(p), &rs->first_block, &rs->end_block);
	rs->first_trace = rs->first_block * p->iterations_per_block;
	rs->end_trace = rs->end_block * p->iterations_per_block;
	if (rs->end_trace > p->count)
		rs->end_trace = p->count;
	if (rs->first_trace > rs->end_trace)
		rs->first_trace = rs->end_trace;
	rc = run_spec_metrics(o, rs, err);
	return rc ? rc : run_spec_filter(o, rs, err);
}

void run_spec_release(struct run_spec *rs)
{
	mrun_release(&rs->metrics);
	arena_release(&rs->arena);
}
