/*
 * A native scenario's `timeline:` (load/loader.h): events at virtual times
 * of the run (deployments, config changes, scaling, circuit breakers...),
 * each on a service of the scenario's tree. Read after the tree is
 * complete, since the entries name its services.
 */
#include <stddef.h>
#include <string.h>

#include "load/loader.h"
#include "load/tree.h"
#include "util/error.h"
#include "util/text.h"
#include "util/timefmt.h"

#define MAX_TIMELINE 10000

struct tl_draft {
	struct timeline_spec t;
	const struct scenario *sc;
	struct load_state *ls;
	const struct ynode *service_at;
};

static const char *const severity_members[] = { "trace", "debug", "info",
						"warn",	 "error", "fatal", NULL };

static int fill_at(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	int64_t ns;

	(void)k;
	if (duration_parse(v->str, 1000000, &ns) || ns < 0 || ns > LOAD_MAX_MS * 1e6)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'at' is a time from the run's start (30s, 1500ms, 2m, or "
				    "milliseconds), at most one year, not '%.100s'",
				    v->str);
	((struct tl_draft *)obj)->t.offset_ns = ns;
	return 0;
}

static int fill_name(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)k;
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'name' must not be empty");
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "event name longer than %d bytes",
				    LOAD_MAX_KEY);
	return value_string(c, v, &((struct tl_draft *)obj)->t.name);
}

/* Offer each service of the tree at s to sg. */
static void tree_services(const struct load_state *ls, const struct span_spec *s,
			  struct suggest *sg, int depth)
{
	if (!s || depth > 1000)
		return;
	if (s->service >= 0 && (size_t)s->service < ls->nsvcs)
		suggest_add(sg, ls->svcs[s->service].name);
	for (uint32_t i = 0; i < s->nchildren; i++)
		tree_services(ls, &s->children[i], sg, depth + 1);
}

static int fill_service(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct tl_draft *d = obj;
	int32_t idx = tree_find_service(d->ls, d->sc->root, v->str);
	struct suggest sg;
	const char *near;

	(void)k;
	if (idx < 0) {
		suggest_init(&sg, v->str);
		tree_services(d->ls, d->sc->root, &sg, 0);
		near = suggest_best(&sg);
		return schema_error(c, OTELSIM_EINPUT, v,
				    "unknown service '%s' (no span of this scenario runs on it%s%s%s)",
				    v->str, near ? "; did you mean '" : "", near ? near : "",
				    near ? "'?" : "");
	}
	d->t.service = (uint32_t)idx;
	return 0;
}

static int fill_severity(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	(void)c, (void)k;
	for (int i = 0; severity_members[i]; i++)
		if (!strcmp(v->str, severity_members[i]))
			((struct tl_draft *)obj)->t.severity = (uint8_t)(1 + 4 * i);
	return 0;
}

static int fill_body(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	(void)k;
	return value_string(c, v, &((struct tl_draft *)obj)->t.body);
}

static int fill_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct tl_draft *d = obj;

	(void)k;
	return value_const_attrs(c, v, &d->t.attrs, &d->t.nattrs);
}

static const struct key_def timeline_keys[] = {
	{ "at", KT_SCALAR, KF_REQUIRED, NULL, "offset", fill_at, SCHEMA_NOFILL,
	  "virtual time from the run's start: 30s, 1500ms, 2m, or milliseconds" },
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_name, SCHEMA_NOFILL,
	  "the event's name (LogRecord event_name): deployment, config_change, scale, "
	  "circuit_breaker_open or your own" },
	{ "service", KT_STRING, 0, NULL, NULL, fill_service, SCHEMA_NOFILL,
	  "the service it happens on (a service of the scenario's spans; default the root's)" },
	{ "severity", KT_ENUM, 0, severity_members, NULL, fill_severity, SCHEMA_NOFILL,
	  "trace, debug, info, warn, error or fatal (default info)" },
	{ "body", KT_STRING, 0, NULL, NULL, fill_body, SCHEMA_NOFILL, "a message, or none" },
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_attrs, SCHEMA_NOFILL,
	  "the event's attributes (constants: deployment.id, service.version...)" },
};

const struct key_table timeline_table = { "timeline", "one event of a scenario's timeline",
					  timeline_keys,
					  sizeof(timeline_keys) / sizeof(timeline_keys[0]) };

int timeline_fill(struct schema_ctx *c, struct load_state *ls, const struct ynode *v,
		  struct scenario *sc)
{
	if (v->n > MAX_TIMELINE)
		return schema_error(c, OTELSIM_ELIMIT, v, "more than %d timeline entries",
				    MAX_TIMELINE);
	sc->timeline = ARENA_NEWN(&c->m->arena, struct timeline_spec, v->n ? v->n : 1);
	if (!sc->timeline)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		struct tl_draft d;
		int rc;

		memset(&d, 0, sizeof(d));
		d.sc = sc;
		d.ls = ls;
		d.t.severity = SEV_INFO;
		d.t.service = sc->root && sc->root->service >= 0 ? (uint32_t)sc->root->service : 0;
		d.t.pos.file = c->file;
		d.t.pos.line = v->items[i]->line;
		d.t.pos.col = v->items[i]->col;
		if (v->items[i]->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, v->items[i],
					    "a timeline entry must be a mapping, not %s",
					    ynode_kind(v->items[i]));
		rc = schema_walk(c, &timeline_table, v->items[i], &d);
		if (rc)
			return rc;
		sc->timeline[i] = d.t;
	}
	sc->ntimeline = (uint32_t)v->n;
	return 0;
}
