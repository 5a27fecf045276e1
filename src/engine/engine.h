/*
 * engine/engine.h - from the model to rendered telemetry, one block at a time.
 *
 * Iterations. The unit the engine draws for is an iteration: one scenario
 * pick that yields one or more traces (and their logs, events and metric
 * contributions). For a count workload (`--count`, `repeat_count`, a mixed
 * run's picks) iteration i of scenario sc draws only from its own stream
 * rng_seed(seed, sc->stream, i) (a mixed run picks sc with one draw from
 * rng_seed(seed, mixed_stream, i)); so a run is a pure function of (seed,
 * scenario, iteration index) and iterations can be rendered in any order,
 * on any thread or machine. A scenario yields one trace per iteration
 * (so iteration i is trace i, and its bytes are those of the trace-keyed
 * engine before iterations), except:
 *   - a multi-turn agent session (model/agent.h) is one iteration
 *     yielding one trace per turn,
 *     all drawn from the iteration's stream in turn order (render.c's draw
 *     order, repeated per trace; the arrival draws come once, with the
 *     first trace);
 *   - a time-based workload makes iteration w the window w of virtual time
 *     [start + w * window, start + (w + 1) * window): it draws from
 *     rng_seed(seed, sc->stream, w) how many traces arrive in it and when
 *     (plan_arrivals), then renders them in arrival order from the same
 *     stream. A scenario is either count-based or time-based, never both,
 *     so the two kinds of index never share a stream.
 *
 * Arrivals come from the plan (plan_arrival), never from the render loop:
 * a count workload's iteration i arrives at start + i * interval + a draw
 * in [0, jitter]. A time-based workload (plan.timed) runs for duration_ns
 * at rate_per_s; its `count` is its number of windows of window_ns (the
 * last one may be cut short by the duration). Window w's arrivals
 * (plan_arrivals) are those of [w * window, min((w + 1) * window,
 * duration)) (offsets from start), where the expected count is
 * rate x length. Poisson arrivals draw exponential gaps (one
 * rng_double_open each: gap = -log(u) / rate) from the window's start
 * until one passes its end (so the count is Poisson and the gaps
 * exponential, window after window); uniform arrivals draw nothing: the
 * k-th of the run (k = 0, 1, ...) arrives at k / rate. A mixed time-based
 * run draws every window from rng_seed(seed, window_stream, w): for each
 * arrival, after all arrival draws, the weighted scenario pick (one
 * rng_double), then its traces.
 *
 * Blocks. Iterations are grouped into fixed blocks of iterations_per_block
 * by global index: block k holds iterations [k*B, min((k+1)*B, count)), and
 * so a fixed range of virtual time. A block is the unit of determinism,
 * threads and shards (a shard renders a contiguous range of blocks); it is
 * not the record size (the encoders cut each block's items into records of
 * traces_per_record traces, restarting at each block: with B a multiple of
 * that, records do not depend on B at all).
 *
 * Sources. After each trace and after each block, the plan's sources add
 * what they derive from the rendered spans (metric contributions, mirrored
 * logs...). A source makes no draw from an iteration's stream (that would
 * move every later value of the trace); one that needs randomness seeds a
 * stream of its own from (seed, its own stream id, iteration index).
 */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/batch.h"
#include "model/model.h"
#include "util/rng.h"

struct plan;
struct phase_rt;

/*
 * Derived telemetry. after_trace runs once per trace, when its spans are
 * out->spans[first_span, out->nspans); after_block once per block, after
 * its last iteration (block: its index). Either may be NULL. 0, or
 * OTELSIM_ENOMEM.
 */
struct engine_source {
	const char *name;
	unsigned signals; /* SIGNAL_BIT()s of what it may emit */
	int (*after_trace)(const struct plan *p, struct batch *out, size_t first_span);
	int (*after_block)(const struct plan *p, uint64_t block, struct batch *out);
};

/*
 * The engine's synthetic test source: per trace, one log record and one
 * event tied to its root span; per block, per resource of the roots, a
 * trace counter (sum) and a root-duration histogram with exemplars. Its
 * content simulates nothing (every item carries otelsim.synthetic = true):
 * it drives every signal through the pipeline for tests and record
 * consumers before scenarios emit them.
 */
extern const struct engine_source engine_synthetic_source;

/*
 * The scenarios' timeline events (engine/timeline.c): each `timeline:`
 * entry once, at the run's start plus its offset, by the block whose time
 * range holds it (the first and last blocks also take what lies before
 * and after the run). Draws nothing.
 */
extern const struct engine_source engine_timeline_source;

/*
 * The phases' events (engine/phase.c): a deployment's `deployment` event
 * at its start; a cascade's `circuit_breaker_open` per caller when its
 * breaker opens and `circuit_breaker_closed` when the phase ends. Like the
 * timeline, each once, by the block whose time range holds it. Draws
 * nothing.
 */
extern const struct engine_source engine_phase_source;

/* The factor of phase r at absolute time t (a ramp: linear from..to over the window). */
double phase_factor(const struct phase_rt *r, int64_t t);
/* Whether phase r targets a span of service `svc` named name[0..len). */
bool phase_targets(const struct phase_rt *r, uint32_t svc, const char *name, uint32_t len);
/* A cascade: from when service svc fails (INT64_MAX: never), and when its breaker opens. */
int64_t phase_cascade_at(const struct phase_rt *r, uint32_t svc, int64_t *breaker_ns);
/* Series values: the product of the spike and deployment factors on (series, service) at t. */
double phase_series_factor(const struct plan *p, const char *series, uint32_t svc, int64_t t);

/*
 * A phase as this run applies it (engine/phase.c): its scenario's spec,
 * the window in absolute time (--incident-duration may set its length)
 * and its effect scaled by --severity.
 */
struct phase_rt {
	const struct phase_spec *ph;
	const struct scenario *sc;
	int64_t start_ns, end_ns; /* [start, end) */
	double from, to;          /* the factor at start and at end */
	double rate;
};

struct plan {
	const struct model *model;
	const struct scenario *scenario; /* one scenario; NULL: pool */
	const struct scenario **pool;    /* mixed workload */
	double *cum_weights;             /* ascending; NULL with each_once */
	uint32_t npool;
	bool each_once; /* iteration i uses pool[i % npool] */
	uint64_t seed;
	uint64_t mixed_stream; /* rng stream for picking scenarios */
	/* arrivals (plan_arrival): fixed interval with jitter */
	int64_t start_ns;
	int64_t interval_ns;
	int64_t jitter_ns; /* 0..jitter added to each start */
	uint64_t count;    /* iterations in the whole run (time-based: windows) */
	/* a time-based workload (engine.h): `count` windows of window_ns */
	bool timed;
	uint8_t arrivals; /* enum arrivals */
	int64_t window_ns;
	int64_t duration_ns;
	double rate_per_s;
	uint64_t window_stream; /* mixed time-based runs: rng stream of the windows */
	const struct phase_rt *phases; /* of the run's scenarios, in model order */
	uint32_t nphases;
	uint32_t iterations_per_block;
	unsigned signals; /* SIGNAL_BIT()s the run writes: traces, and its sources' */
	const struct engine_source *const *sources;
	uint32_t nsources;
};

static inline uint64_t plan_nblocks(const struct plan *p)
{
	return p->iterations_per_block
		       ? (p->count + p->iterations_per_block - 1) / p->iterations_per_block
		       : 0;
}

/* Which scenario iteration `index` uses (deterministic). */
const struct scenario *plan_scenario_for(const struct plan *p, uint64_t index);

/*
 * When iteration `index` arrives: start + index * interval, plus a jitter
 * in [0, jitter_ns] drawn from r (the iteration's stream; one rng_below
 * draw, only when jitter_ns > 0). *past_max is set when the time would
 * pass INT64_MAX ns (the result is then INT64_MAX).
 */
int64_t plan_arrival(const struct plan *p, uint64_t index, struct rng *r, bool *past_max);

/*
 * Time-based workloads: the arrival times of window `w`, in order, drawn
 * from r (the window's stream) as engine.h says, into *times (malloc'd,
 * grown as needed; *cap its size; the caller frees it). Returns how many,
 * or -1 out of memory. At most PLAN_MAX_ARRIVALS per window (a bound
 * that a Poisson count of at most WORKLOAD_MAX_RATE per second never
 * reaches in practice).
 */
#define PLAN_MAX_ARRIVALS 50000000u
int64_t plan_arrivals(const struct plan *p, uint64_t w, struct rng *r, int64_t **times,
		      size_t *cap);

/* Expected arrivals of a time-based run: rate x duration. */
double plan_expected_arrivals(const struct plan *p);

/*
 * A lower bound of every time in block `block` and in the blocks after it
 * (its first iteration's arrival before jitter): a consumer that meets the
 * blocks in order knows no later block reaches back before it (what a
 * metric aggregator needs to close a window). Saturates at INT64_MAX.
 */
int64_t plan_block_start(const struct plan *p, uint64_t block);

/*
 * Render block `block` into *out (reset first). 0, OTELSIM_ENOMEM, or
 * OTELSIM_ELIMIT when a trace's span or event time would pass INT64_MAX ns
 * (2262-04-11): never clamped silently. Otherwise never fails on user
 * input: the model was validated when it loaded.
 */
int engine_render_block(const struct plan *p, uint64_t block, struct batch *out);

/* Render one iteration (global index) and append what it yields to *out. */
int engine_render_iteration(const struct plan *p, uint64_t index, struct batch *out);

#endif
