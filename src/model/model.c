#include "model/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/semconv.h"
#include "otelsim/error.h"
#include "otelsim/otelsim.h"
#include "util/error.h"

const struct scenario *model_find_scenario(const struct model *m, const char *name)
{
	for (uint32_t i = 0; i < m->nscenarios; i++)
		if (!strcmp(m->scenarios[i]->name, name))
			return m->scenarios[i];
	for (uint32_t i = 0; i < m->nscenarios; i++)
		if (m->scenarios[i]->title && !strcmp(m->scenarios[i]->title, name))
			return m->scenarios[i];
	return NULL;
}

static int finish_span(struct arena *a, struct span_spec *sp)
{
	sp->name_len = (uint32_t)strlen(sp->name);
	if (sp->retry.enabled && !sp->name_tmpl && !sp->attempt_name) {
		char *an = arena_alloc(a, (size_t)sp->name_len + sizeof(".attempt"));

		if (!an)
			return -1;
		memcpy(an, sp->name, sp->name_len);
		memcpy(an + sp->name_len, ".attempt", sizeof(".attempt"));
		sp->attempt_name = an;
	}
	for (uint32_t k = 0; k < sp->nevents; k++)
		sp->events[k].name_len = (uint32_t)strlen(sp->events[k].name);
	for (uint32_t k = 0; k < sp->nlinks; k++)
		if (sp->links[k].span_name)
			sp->links[k].span_name_len = (uint32_t)strlen(sp->links[k].span_name);
	for (uint32_t k = 0; k < sp->nchildren; k++)
		if (finish_span(a, &sp->children[k]) < 0)
			return -1;
	return 0;
}

const char *injection_kind_name(int kind)
{
	static const char *const names[INJ_KIND_COUNT] = { "error", "forced_failure", "retry",
							   "phase" };

	return kind >= 0 && kind < INJ_KIND_COUNT ? names[kind] : NULL;
}

const char *phase_kind_name(int kind)
{
	static const char *const names[PHASE_KIND_COUNT] = {
		"latency",    "errors",  "down",  "cascade",
		"deployment", "traffic", "spike", "scattered_errors",
	};

	return kind >= 0 && kind < PHASE_KIND_COUNT ? names[kind] : NULL;
}

/* Walking the span trees for the injection table: counting (inj NULL), then filling. */
struct inj_walk {
	struct model *m;
	const struct scenario *sc;
	struct injection *inj; /* NULL: count only */
	uint32_t n;            /* sites so far (all scenarios) */
	uint32_t first;        /* the scenario's first site */
};

/* One site; *slot gets its 1-based index. 0 or -1 (memory). */
static int inj_site(struct inj_walk *w, int kind, const char *span_type, uint32_t service,
		    uint32_t *slot)
{
	struct injection *in;

	if (!w->inj) {
		w->n++;
		return 0;
	}
	in = &w->inj[w->n++];
	*slot = w->n;
	in->kind = (uint8_t)kind;
	in->scenario = w->sc;
	in->span_type = span_type;
	in->service = service;
	in->id = arena_printf(&w->m->arena, "%s:%s:%u", w->sc->name, injection_kind_name(kind),
			      w->n - w->first);
	return in->id ? 0 : -1;
}

/* The sites of sp and its subtree (service: the span's resource, as render.c opens it). */
static int inj_span(struct inj_walk *w, struct span_spec *sp, uint32_t service)
{
	const char *attempt = sp->attempt_name;

	if (sp->service >= 0)
		service = (uint32_t)sp->service;
	for (uint32_t k = 0; k < sp->nerrors; k++)
		if (inj_site(w, INJ_ERROR, sp->name, service, &sp->errors[k].inj))
			return -1;
	if (sp->retry.enabled) {
		if (w->inj && !attempt &&
		    !(attempt = arena_printf(&w->m->arena, "%s.attempt", sp->name)))
			return -1;
		if (sp->retry.force_initial_failure &&
		    inj_site(w, INJ_FORCED_FAILURE, attempt, service, &sp->retry.inj_forced))
			return -1;
		if (inj_site(w, INJ_RETRY, attempt, service, &sp->retry.inj_retry))
			return -1;
	}
	for (uint32_t k = 0; k < sp->nchildren; k++)
		if (inj_span(w, &sp->children[k], service))
			return -1;
	return 0;
}

/* A phase's site: its kind names it ("<scenario>:phase:<n>"), its first target service. */
static int inj_phase(struct inj_walk *w, struct phase_spec *ph)
{
	uint32_t slot = 0;

	if (inj_site(w, INJ_PHASE, phase_kind_name(ph->kind), ph->nservices ? ph->services[0] : 0,
		     &slot))
		return -1;
	if (w->inj) {
		w->inj[slot - 1].phase = ph;
		ph->inj = slot;
		ph->err.inj = slot;
		ph->breaker_err.inj = slot;
	}
	return 0;
}

static int build_injections(struct model *m)
{
	struct inj_walk w;

	memset(&w, 0, sizeof(w));
	w.m = m;
	for (int pass = 0; pass < 2; pass++) {
		if (pass) {
			m->injections = w.n ? ARENA_NEWN(&m->arena, struct injection, w.n) : NULL;
			if (w.n && !m->injections)
				return -1;
			w.inj = m->injections;
			w.n = 0;
		}
		for (uint32_t i = 0; i < m->nscenarios; i++) {
			w.sc = m->scenarios[i];
			w.first = w.n;
			for (uint32_t r = 0; w.sc->root && r < scenario_nroots(w.sc); r++)
				if (inj_span(&w, &w.sc->root[r], 0))
					return -1;
			for (uint32_t k = 0; k < w.sc->nphases; k++)
				if (inj_phase(&w, &w.sc->phases[k]))
					return -1;
		}
	}
	m->ninjections = w.n;
	return 0;
}

/* Whether sp or a span below it writes log records (its logs, mirrored events, exceptions). */
static bool span_logs(const struct scenario *sc, const struct span_spec *sp)
{
	bool exc_logs = sc->exceptions == EXCEPTIONS_LOG || sc->exceptions == EXCEPTIONS_BOTH;

	if (sp->nlogs || (exc_logs && (sp->nerrors || sp->retry.enabled)))
		return true;
	for (uint32_t k = 0; k < sp->nevents; k++)
		if (sp->events[k].log == EVENT_LOG_YES ||
		    (sp->events[k].log == EVENT_LOG_DEFAULT && sc->emit_logs))
			return true;
	for (uint32_t k = 0; k < sp->nchildren; k++)
		if (span_logs(sc, &sp->children[k]))
			return true;
	return false;
}

/* The signals a scenario may emit (metrics are the run's: derived from its rules). */
static unsigned scenario_signals(const struct scenario *sc)
{
	unsigned s = 1u << OTELSIM_TRACES;

	for (uint32_t r = 0; sc->root && r < scenario_nroots(sc); r++)
		if (span_logs(sc, &sc->root[r]))
			s |= 1u << OTELSIM_LOGS;
	if (sc->ntimeline)
		s |= 1u << OTELSIM_EVENTS;
	return s;
}

int model_finish(struct model *m, struct otelsim_error *err)
{
	for (uint32_t i = 0; i < m->nscenarios; i++) {
		const struct scenario *sc = m->scenarios[i];

		for (uint32_t r = 0; sc->root && r < scenario_nroots(sc); r++)
			if (finish_span(&m->arena, &sc->root[r]) < 0)
				return error_set(err, OTELSIM_ENOMEM, "out of memory");
		m->scenarios[i]->signals = scenario_signals(m->scenarios[i]);
	}
	if (build_injections(m) || model_resolve_scopes(m))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

int model_warn(struct model *m, const char *file, int line, int col, const char *fmt, ...)
{
	char msg[512], *w, **p;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(file) + strlen(msg) + 48;
	w = malloc(n);
	p = realloc(m->warnings, (m->nwarnings + 1) * sizeof(char *));
	if (!w || !p) {
		free(w);
		if (p)
			m->warnings = p;
		return -1;
	}
	if (line > 0) /* a whole file (line 0): "file: message" */
		snprintf(w, n, "%s:%d:%d: %s", file, line, col, msg);
	else
		snprintf(w, n, "%s: %s", file, msg);
	m->warnings = p;
	m->warnings[m->nwarnings++] = w;
	return 0;
}

void model_release(struct model *m)
{
	for (uint32_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	m->warnings = NULL;
	m->nwarnings = 0;
	if (m->semconv)
		semconv_free(m->semconv);
	m->semconv = NULL;
	arena_release(&m->arena);
	m->scenarios = NULL;
	m->nscenarios = 0;
	m->services = NULL;
	m->nservices = 0;
	m->injections = NULL;
	m->ninjections = 0;
}
