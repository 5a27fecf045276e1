/* Options + model -> plan: precedence flag > scenario file > config. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api_internal.h"
#include "model/agent.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/workload.h"

static const struct scenario *find_or_suggest(const struct model *m, const char *name,
					      struct otelsim_error *err)
{
	const struct scenario *s = model_find_scenario(m, name);
	const char *best;
	struct suggest sg;
	char alt[256];
	size_t n = strlen(name);

	if (s)
		return s;
	/* high-volume names high_volume, and the other way round */
	if (n < sizeof(alt)) {
		for (size_t i = 0; i <= n; i++)
			alt[i] = name[i] == '-' ? '_' : name[i];
		if ((s = model_find_scenario(m, alt)))
			return s;
		for (size_t i = 0; i <= n; i++)
			alt[i] = name[i] == '_' ? '-' : name[i];
		if ((s = model_find_scenario(m, alt)))
			return s;
	}
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

/* Expected spans of one rendering of sp: itself, its retry attempts, its children. */
static double expected_spans(const struct span_spec *sp, int depth)
{
	double n = 1 + (sp->retry.enabled ? sp->retry.max_attempts : 0);

	for (uint32_t c = 0; c < sp->nchildren && depth < 64; c++) {
		const struct span_spec *ch = &sp->children[c];
		const struct count_spec *k = &ch->count;
		double count = k->kind == COUNT_POISSON   ? k->mean
			       : k->kind == COUNT_UNIFORM ? ((double)k->min + (double)k->max) / 2
							  : (double)k->n;

		n += count * ch->probability * expected_spans(ch, depth + 1);
	}
	return n;
}

/* Expected spans per iteration of s (a session: per turn). */
static double scenario_spans(const struct scenario *s)
{
	double turns = s->session && s->session->nturns ? s->session->nturns : 1;

	double n = 0;

	for (uint32_t k = 0; s->root && k < scenario_nroots(s); k++)
		n += expected_spans(&s->root[k], 0); /* a trace draws one root */
	return turns * n / scenario_nroots(s);
}

/* A whole count with thousands separators ("24,170"); past 10^18: "1.2e+20". */
static void fmt_count(double v, char *buf, size_t size)
{
	char digits[32];
	size_t n, o = 0;

	if (!(v < 1e18)) {
		snprintf(buf, size, "%.3g", v);
		return;
	}
	n = (size_t)snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(v + 0.5));
	for (size_t i = 0; i < n && o + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/*
 * --max-spans (default 100 million): refuse a run expected to write more
 * (iterations or arrivals x the expected spans of its scenario, or of the
 * pool's heaviest).
 */
static int check_max_spans(const struct otelsim_render_options *o, const struct plan *p,
			   struct otelsim_error *err)
{
	uint64_t limit = o->max_spans ? o->max_spans : 100000000ULL;
	double per = 0, n = p->timed ? plan_expected_arrivals(p) : (double)p->count, total;
	char tbuf[48], nbuf[48];

	for (uint32_t i = 0; i < (p->scenario ? 1 : p->npool); i++) {
		double e = scenario_spans(p->scenario ? p->scenario : p->pool[i]);

		if (e > per)
			per = e;
	}
	total = n * per;
	if (!(total > (double)limit))
		return 0;
	fmt_count(total, tbuf, sizeof(tbuf));
	fmt_count(n, nbuf, sizeof(nbuf));
	return error_set(err, OTELSIM_EUSAGE,
			 "the run is expected to write about %s spans (%s %s x %.3g spans "
			 "each), more than --max-spans %llu: raise it (--max-spans N, or "
			 "OTELSIM_MAX_SPANS) or make the run smaller",
			 tbuf, nbuf, p->timed ? "arrivals" : "iterations", per,
			 (unsigned long long)limit);
}

/* A duration as a message shows it: "10m", "1h30m", "2.5s". */
static void fmt_span(int64_t ns, char *buf, size_t size)
{
	if (ns % 3600000000000LL == 0)
		snprintf(buf, size, "%lldh", (long long)(ns / 3600000000000LL));
	else if (ns % 60000000000LL == 0)
		snprintf(buf, size, "%lldm", (long long)(ns / 60000000000LL));
	else
		snprintf(buf, size, "%.9gs", (double)ns / 1e9);
}

/* The workload of one scenario: time-based when the options or its file give a duration. */
static int workload_single(const struct otelsim_render_options *o, const struct scenario *s,
			   struct plan *p, struct otelsim_error *err)
{
	const struct workload_spec *w = &s->workload;

	if (o->count_set) {
		/* --count wins: a time-based scenario then runs one trace per 1/rate */
		if (w->has_duration && !s->has_interval && !o->interval_set) {
			p->interval_ns = (int64_t)(1e9 / w->rate_per_s + 0.5);
			p->jitter_ns = 0;
		}
		return 0;
	}
	if (!o->duration_set && !w->has_duration) {
		if (o->rate_set)
			return error_set(err, OTELSIM_EUSAGE,
					 "--rate needs a duration: give --duration (scenario '%s' "
					 "has no 'duration')",
					 s->name);
		return 0;
	}
	p->timed = true;
	p->duration_ns = o->duration_set ? o->duration_ns : w->duration_ns;
	p->arrivals = w->has_arrivals ? w->arrivals : ARRIVALS_POISSON;
	if (o->rate_set) {
		p->rate_per_s = o->rate_per_s;
	} else if (w->has_rate) {
		p->rate_per_s = w->rate_per_s;
	} else if (p->interval_ns > 0) {
		/* a count-based scenario run for a --duration: one trace per interval */
		p->rate_per_s = 1e9 / (double)p->interval_ns;
		p->arrivals = ARRIVALS_UNIFORM;
	} else {
		return error_set(err, OTELSIM_EUSAGE,
				 "--duration needs a rate: give --rate (scenario '%s' has no "
				 "'rate' and no interval)",
				 s->name);
	}
	return 0;
}

/* A mixed run is time-based with --duration, or when each of its scenarios is. */
static int workload_mixed(const struct otelsim_render_options *o, struct plan *p,
			  struct otelsim_error *err)
{
	const struct workload_spec *first = NULL;
	bool all = p->npool > 0;

	for (uint32_t i = 0; i < p->npool; i++) {
		const struct workload_spec *w = &p->pool[i]->workload;

		all = all && w->has_duration;
		if (!first && w->has_duration)
			first = w;
	}
	if (o->count_set || (!o->duration_set && !all)) {
		if (o->rate_set && !o->count_set)
			return error_set(err, OTELSIM_EUSAGE,
					 "--rate needs a duration: give --duration");
		return 0;
	}
	if (p->each_once)
		return error_set(err, OTELSIM_EUSAGE,
				 "--each-once renders each scenario once: it cannot run for a "
				 "duration");
	p->timed = true;
	p->duration_ns = o->duration_set ? o->duration_ns : first->duration_ns;
	p->arrivals = first && first->has_arrivals ? first->arrivals : ARRIVALS_POISSON;
	p->rate_per_s = o->rate_set ? o->rate_per_s : first && first->has_rate ? first->rate_per_s : 0;
	if (!(p->rate_per_s > 0))
		return error_set(err, OTELSIM_EUSAGE, "--duration needs a rate: give --rate");
	return 0;
}

/* One phase as the run applies it: its window (--incident-duration) and strength (--severity). */
static void phase_runtime(const struct otelsim_render_options *o, const struct plan *p,
			  const struct scenario *sc, const struct phase_spec *ph,
			  struct phase_rt *r)
{
	static const double scale[] = { 1, 0.5, 1, 1.5 };
	double k = o->severity > 0 && o->severity <= OTELSIM_SEVERITY_HIGH ? scale[o->severity] : 1;
	int64_t len = ph->incident && o->incident_duration_ns > 0 ? o->incident_duration_ns
								   : ph->len_ns;

	int64_t off = ph->start_ns;

	if (ph->start_frac >= 0) /* a share of the run: of its duration, or of its iterations */
		off = (int64_t)(ph->start_frac *
				(p->timed ? (double)p->duration_ns
					  : (double)p->count * (double)p->interval_ns));
	r->ph = ph;
	r->sc = sc;
	if (__builtin_add_overflow(p->start_ns, off, &r->start_ns))
		r->start_ns = INT64_MAX;
	if (__builtin_add_overflow(r->start_ns, len, &r->end_ns))
		r->end_ns = INT64_MAX;
	r->from = 1 + (ph->from - 1) * k;
	r->to = 1 + (ph->to - 1) * k;
	if (r->from < 0)
		r->from = 0;
	if (r->to < 0)
		r->to = 0;
	r->rate = ph->rate * k > 1 ? 1 : ph->rate * k;
}

/* The phases of the run's scenarios, checked against its duration. */
static int run_spec_phases(const struct otelsim_render_options *o, struct run_spec *rs,
			   struct otelsim_error *err)
{
	struct plan *p = &rs->plan;
	uint32_t n = 0, nsc = p->scenario ? 1 : p->npool;
	struct phase_rt *rt;

	if (o->severity < 0 || o->severity > OTELSIM_SEVERITY_HIGH)
		return error_set(err, OTELSIM_EUSAGE, "unknown severity %d", o->severity);
	if (o->incident_duration_ns < 0)
		return error_set(err, OTELSIM_EUSAGE, "--incident-duration must be above 0");
	for (uint32_t i = 0; i < nsc; i++)
		n += (p->scenario ? p->scenario : p->pool[i])->nphases;
	if (!n)
		return 0;
	rt = ARENA_NEWN(&rs->arena, struct phase_rt, n);
	if (!rt)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	n = 0;
	for (uint32_t i = 0; i < nsc; i++) {
		const struct scenario *sc = p->scenario ? p->scenario : p->pool[i];

		for (uint32_t k = 0; k < sc->nphases; k++) {
			const struct phase_spec *ph = &sc->phases[k];

			phase_runtime(o, p, sc, ph, &rt[n]);
			if (p->timed && rt[n].end_ns - p->start_ns > p->duration_ns)
				return error_at(err, OTELSIM_EUSAGE, ph->pos.file, ph->pos.line,
						ph->pos.col,
						"this %s phase ends at %.9gs, after the run's "
						"duration (%.9gs)%s",
						phase_kind_name(ph->kind),
						(double)(rt[n].end_ns - p->start_ns) / 1e9,
						(double)p->duration_ns / 1e9,
						o->incident_duration_ns || o->duration_set
							? ": shorten --incident-duration or "
							  "lengthen --duration"
							: "");
			n++;
		}
	}
	p->phases = rt;
	p->nphases = n;
	for (uint32_t k = 0; k < n; k++)
		if (rt[k].ph->kind == PHASE_DEPLOYMENT ||
		    (rt[k].ph->kind == PHASE_CASCADE && rt[k].ph->breaker_after_ns >= 0)) {
			rs->sources[p->nsources++] = &engine_phase_source;
			p->signals |= SIGNAL_BIT(OTELSIM_EVENTS);
			break;
		}
	return 0;
}

/*
 * Time-based workloads (engine.h): windows of 1 s over the duration; the
 * plan's interval becomes the window (so plan_block_start is each block's
 * first window). Checked: the options' values, and the run's end before 2262.
 */
static int run_spec_workload(const struct otelsim_render_options *o, struct plan *p,
			     struct otelsim_error *err)
{
	int64_t end;
	int rc;

	if (o->count_set && (o->duration_set || o->rate_set))
		return error_set(err, OTELSIM_EUSAGE,
				 "--count runs a number of iterations, --duration and --rate a "
				 "time: give one or the other");
	if (o->duration_set && !(o->duration_ns > 0 && o->duration_ns <= WORKLOAD_MAX_DURATION_NS))
		return error_set(err, OTELSIM_EUSAGE, "--duration must be above 0 and at most 365d");
	if (o->rate_set && !(o->rate_per_s > 0 && o->rate_per_s <= WORKLOAD_MAX_RATE))
		return error_set(err, OTELSIM_EUSAGE,
				 "--rate must be above 0 and at most 1000000/s (a rate of 0 makes "
				 "no traffic)");
	rc = p->scenario ? workload_single(o, p->scenario, p, err) : workload_mixed(o, p, err);
	if (rc || !p->timed)
		return rc;
	p->window_ns = WORKLOAD_WINDOW_NS;
	p->interval_ns = p->window_ns;
	p->jitter_ns = 0;
	p->count = (uint64_t)((p->duration_ns + p->window_ns - 1) / p->window_ns);
	p->window_stream = rng_hash("window", 6);
	if (!o->iterations_per_block) {
		/* about as many traces per block as a count run's block has iterations */
		double per_window = p->rate_per_s * (double)p->window_ns / 1e9,
		       want = (double)p->iterations_per_block / per_window;

		p->iterations_per_block = want < 1 ? 1 : want > 1e6 ? 1000000 : (uint32_t)ceil(want);
	}
	if (p->start_ns >= 0 && __builtin_add_overflow(p->start_ns, p->duration_ns, &end)) {
		char start[64], dur[32];

		time_format_rfc3339(p->start_ns, start, sizeof(start));
		fmt_span(p->duration_ns, dur, sizeof(dur));
		return error_set(err, OTELSIM_EUSAGE,
				 "a %s workload from %s runs past the year 2262 (the last time "
				 "int64 nanoseconds since 1970 can hold)",
				 dur, start);
	}
	return 0;
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
		rs->rel_dir = s->dataset     ? s->dataset
			      : s->rel_dir[0] ? arena_printf(&rs->arena, "%s/%s", s->rel_dir, s->name)
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
	rc = run_spec_workload(o, p, err);
	if (!rc && !p->timed)
		rc = check_time_range(o, p, err);
	if (!rc)
		rc = run_spec_phases(o, rs, err);
	if (!rc)
		rc = check_max_spans(o, p, err);
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
