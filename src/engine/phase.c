/*
 * engine/phase.c - phases as the engine applies them (model.h struct
 * phase_spec, engine.h struct phase_rt): their factors over time, their
 * targets, a cascade's spread, series factors and the phases' events.
 * Nothing here draws: render.c makes the draws a phase needs (render.c's
 * header lists them).
 */
#include <string.h>

#include "engine/engine.h"
#include "engine/failure.h"

#define NOT_UPSTREAM UINT32_MAX

double phase_factor(const struct phase_rt *r, int64_t t)
{
	double len = (double)(r->end_ns - r->start_ns), x;

	if (r->from == r->to || !(len > 0))
		return r->from;
	x = (double)(t - r->start_ns) / len;
	if (x < 0)
		x = 0;
	if (x > 1)
		x = 1;
	return r->from + (r->to - r->from) * x;
}

bool phase_targets(const struct phase_rt *r, uint32_t svc, const char *name, uint32_t len)
{
	const struct phase_spec *ph = r->ph;
	bool ok = !ph->nservices;

	for (uint32_t i = 0; !ok && i < ph->nservices; i++)
		ok = ph->services[i] == svc;
	if (!ok || !ph->nspan_types)
		return ok;
	for (uint32_t i = 0; i < ph->nspan_types; i++)
		if (strlen(ph->span_types[i]) == len && !memcmp(ph->span_types[i], name, len))
			return true;
	return false;
}

int64_t phase_cascade_at(const struct phase_rt *r, uint32_t svc, int64_t *breaker_ns)
{
	const struct phase_spec *ph = r->ph;
	int64_t at, hop;

	*breaker_ns = INT64_MAX;
	if (svc >= ph->nhops || ph->hops[svc] == NOT_UPSTREAM)
		return INT64_MAX;
	if (__builtin_mul_overflow((int64_t)ph->hops[svc], ph->hop_delay_ns, &hop) ||
	    __builtin_add_overflow(r->start_ns, hop, &at))
		return INT64_MAX;
	if (ph->hops[svc] > 0 && ph->breaker_after_ns >= 0 &&
	    __builtin_add_overflow(at, ph->breaker_after_ns, breaker_ns))
		*breaker_ns = INT64_MAX;
	return at;
}

/* Whether phase r changes the series `name` of service svc. */
static bool series_target(const struct phase_rt *r, const char *name, uint32_t svc)
{
	const struct phase_spec *ph = r->ph;
	bool ok = !ph->nservices;

	if (ph->series && strcmp(ph->series, name))
		return false;
	for (uint32_t i = 0; !ok && i < ph->nservices; i++)
		ok = ph->services[i] == svc;
	return ok;
}

double phase_series_factor(const struct plan *p, const char *series, uint32_t svc, int64_t t)
{
	double f = 1;

	for (uint32_t i = 0; i < p->nphases; i++) {
		const struct phase_rt *r = &p->phases[i];

		if (t < r->start_ns || t >= r->end_ns || !series_target(r, series, svc))
			continue;
		if (r->ph->kind == PHASE_SPIKE)
			f *= phase_factor(r, t);
		else if (r->ph->kind == PHASE_DEPLOYMENT && t - r->start_ns < r->ph->restart_ns)
			f = 0; /* restarting: the process's gauges start over */
	}
	return f;
}

/* ---- events ---- */

static bool owns(const struct plan *p, uint64_t block, int64_t t)
{
	uint64_t last = plan_nblocks(p) - 1;

	if (block > 0 && t < plan_block_start(p, block))
		return false;
	return block == last || t < plan_block_start(p, block + 1);
}

static int emit(struct batch *out, int64_t t, uint32_t svc, uint8_t sev, const char *name,
		const char *body, const struct keyval *kv, uint32_t nkv)
{
	struct log_out *l = batch_add_log(out, OTELSIM_EVENTS);
	struct keyval *attrs;

	if (!l)
		return -1;
	attrs = nkv ? arena_alloc(&out->arena, sizeof(*attrs) * nkv) : NULL;
	if (nkv && !attrs)
		return -1;
	if (nkv)
		memcpy(attrs, kv, sizeof(*attrs) * nkv);
	l->time_ns = l->observed_ns = (uint64_t)t;
	l->resource = svc;
	l->severity = sev;
	l->severity_text = severity_text(sev, &l->severity_text_len);
	l->event_name = name;
	l->event_name_len = (uint32_t)strlen(name);
	l->body.type = VAL_STRING;
	l->body.u.s.ptr = body;
	l->body.u.s.len = (uint32_t)strlen(body);
	l->attrs = attrs;
	l->nattrs = nkv;
	return 0;
}

static struct keyval str_kv(const char *k, const char *v)
{
	struct keyval kv;

	memset(&kv, 0, sizeof(kv));
	kv.key = k;
	kv.key_len = (uint32_t)strlen(k);
	kv.value.type = VAL_STRING;
	kv.value.u.s.ptr = v;
	kv.value.u.s.len = (uint32_t)strlen(v);
	return kv;
}

static int deployment_event(const struct plan *p, const struct phase_rt *r, uint64_t block,
			    struct batch *out)
{
	const struct phase_spec *ph = r->ph;

	for (uint32_t i = 0; i < (ph->nservices ? ph->nservices : 1); i++) {
		uint32_t svc = ph->nservices ? ph->services[i] : 0;
		const char *name = p->model->services[svc].name;
		struct keyval kv[2];
		char *body;

		if (!owns(p, block, r->start_ns))
			return 0;
		body = arena_printf(&out->arena, "Deploying version %s to %s",
				    ph->version ? ph->version : "(unknown)", name);
		if (!body)
			return -1;
		kv[0] = str_kv("service.name", name);
		kv[1] = str_kv("service.version", ph->version ? ph->version : "");
		if (emit(out, r->start_ns, svc, SEV_INFO, "deployment", body, kv, 2) < 0)
			return -1;
	}
	return 0;
}

/* A cascade's breakers: per caller, open when they open, closed at the phase's end. */
static int breaker_events(const struct plan *p, const struct phase_rt *r, uint64_t block,
			  struct batch *out)
{
	const struct phase_spec *ph = r->ph;
	const char *origin = p->model->services[ph->services[0]].name;

	/* in time order: the opens hop by hop, then the closes (at the end) */
	for (uint32_t pass = 0; pass < 2 * ph->nhops; pass++)
		for (uint32_t svc = 0; svc < ph->nhops; svc++) {
			uint32_t hop = pass % ph->nhops;
			bool closing = pass >= ph->nhops;
			int64_t open, t;
			struct keyval kv[2];
			char *body;

			if (ph->hops[svc] != hop)
				continue;
			phase_cascade_at(r, svc, &open);
			if (open >= r->end_ns)
				continue;
			t = closing ? r->end_ns : open;
			if (!owns(p, block, t))
				continue;
			body = arena_printf(&out->arena, "circuit breaker %s: %s -> %s",
					    closing ? "closed" : "open",
					    p->model->services[svc].name, origin);
			if (!body)
				return -1;
			kv[0] = str_kv("service.name", p->model->services[svc].name);
			kv[1] = str_kv("peer.service", origin);
			if (emit(out, t, svc, closing ? SEV_INFO : SEV_WARN,
				 closing ? "circuit_breaker_closed" : "circuit_breaker_open", body,
				 kv, 2) < 0)
				return -1;
		}
	return 0;
}

static int phase_block(const struct plan *p, uint64_t block, struct batch *out)
{
	if (!plan_nblocks(p))
		return 0;
	for (uint32_t i = 0; i < p->nphases; i++) {
		const struct phase_rt *r = &p->phases[i];
		int rc = 0;

		if (r->ph->kind == PHASE_DEPLOYMENT)
			rc = deployment_event(p, r, block, out);
		else if (r->ph->kind == PHASE_CASCADE && r->ph->breaker_after_ns >= 0)
			rc = breaker_events(p, r, block, out);
		if (rc < 0)
			return -1;
	}
	return 0;
}

const struct engine_source engine_phase_source = { "phases", SIGNAL_BIT(OTELSIM_EVENTS), NULL,
						    phase_block };
