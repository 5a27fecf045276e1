/*
 * engine/timeline.c - the scenarios' `timeline:` events (engine.h
 * engine_timeline_source): at the run's start plus each entry's offset,
 * a log record with its event name on its service's resource, tied to no
 * span. It draws nothing.
 *
 * Each entry belongs to exactly one block, so threads and shards write it
 * once: block b takes the times in [plan_block_start(b),
 * plan_block_start(b + 1)), the first block also every earlier time and
 * the last every later one. Within a block, entries come in scenario
 * order (the run's scenario, or its pool's), then file order, after the
 * block's traces.
 */
#include <string.h>

#include "engine/engine.h"
#include "engine/failure.h"

static bool owns(const struct plan *p, uint64_t block, int64_t t)
{
	uint64_t last = plan_nblocks(p) - 1;

	if (block > 0 && t < plan_block_start(p, block))
		return false;
	return block == last || t < plan_block_start(p, block + 1);
}

static int emit(const struct timeline_spec *e, int64_t t, struct batch *out)
{
	struct log_out *l = batch_add_log(out, OTELSIM_EVENTS);

	if (!l)
		return -1;
	l->time_ns = l->observed_ns = (uint64_t)t;
	l->resource = e->service;
	l->severity = e->severity;
	l->severity_text = severity_text(e->severity, &l->severity_text_len);
	l->event_name = e->name;
	l->event_name_len = (uint32_t)strlen(e->name);
	if (e->body) {
		l->body.type = VAL_STRING;
		l->body.u.s.ptr = e->body;
		l->body.u.s.len = (uint32_t)strlen(e->body);
	}
	l->attrs = e->attrs;
	l->nattrs = e->nattrs;
	return 0;
}

static int scenario_block(const struct plan *p, const struct scenario *sc, uint64_t block,
			  struct batch *out)
{
	for (uint32_t k = 0; k < sc->ntimeline; k++) {
		int64_t t;

		if (__builtin_add_overflow(p->start_ns, sc->timeline[k].offset_ns, &t))
			t = INT64_MAX;
		if (owns(p, block, t) && emit(&sc->timeline[k], t, out) < 0)
			return -1;
	}
	return 0;
}

static int timeline_block(const struct plan *p, uint64_t block, struct batch *out)
{
	if (!plan_nblocks(p))
		return 0;
	if (p->scenario)
		return scenario_block(p, p->scenario, block, out);
	for (uint32_t i = 0; i < p->npool; i++)
		if (scenario_block(p, p->pool[i], block, out) < 0)
			return -1;
	return 0;
}

const struct engine_source engine_timeline_source = { "timeline", SIGNAL_BIT(OTELSIM_EVENTS),
						       NULL, timeline_block };
