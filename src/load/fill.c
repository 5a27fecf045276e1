/*
 * load/fill.c - the conventions fill in what an agent scenario leaves out.
 *
 * For each span of an agent session (its type one the conventions define),
 * every attribute the type lists as required or recommended, not
 * deprecated, that the span does not set is added as a constant: the
 * first member of its enum, else its first example (else nothing). Never
 * an opt_in or conditionally_required one (error.type, retry counts...),
 * never a key the session writes (correlation ids come only from the
 * config's id_formats) nor error.type; <vendor>.mcp.tool.name copies the
 * span's gen_ai.tool.name. The values are checked as a written one would
 * be (an example outside a closed enum is not used).
 */
#include <stdio.h>
#include <string.h>

#include "load/loader.h"
#include "model/agent.h"
#include "model/metric.h"
#include "model/semconv.h"
#include "util/error.h"

static const struct attr_spec *has_attr(const struct span_spec *sp, const char *key)
{
	for (uint32_t i = 0; i < sp->nattrs; i++)
		if (!strcmp(sp->attrs[i].key, key))
			return &sp->attrs[i];
	return NULL;
}

static bool session_key(const struct agent_model *am, const char *key)
{
	for (int k = 0; k < SK_COUNT; k++)
		if (!strcmp(am->keys[k], key))
			return true;
	return !strcmp(key, "error.type") || !strcmp(key, "retry.attempt");
}

/* The text a filled attribute takes, or NULL (nothing to fill with). */
static const char *fill_text(const struct sc_attr *a, const struct sc_req *r)
{
	if (a->type == SC_ENUM) {
		for (size_t i = 0; i < a->nmembers; i++)
			if (!a->members[i].deprecated)
				return a->members[i].value;
		return NULL;
	}
	return r->example;
}

static int value_of(const struct sc_attr *a, const char *text, struct value *v)
{
	int t = a->type == SC_ENUM ? a->enum_value_type : a->type;

	memset(v, 0, sizeof(*v));
	switch (t) {
	case SC_STRING:
		v->type = VAL_STRING;
		v->u.s.ptr = text;
		v->u.s.len = (uint32_t)strlen(text);
		return 0;
	case SC_INT:
		return value_from_text(text, strlen(text), VAL_INT, v) ? 0 : -1;
	case SC_DOUBLE:
		return value_from_text(text, strlen(text), VAL_DOUBLE, v) ? 0 : -1;
	case SC_BOOLEAN:
		return value_from_text(text, strlen(text), VAL_BOOL, v) ? 0 : -1;
	default:
		return -1; /* arrays, templates, any: not filled */
	}
}

static int add_attr(struct model *m, struct span_spec *sp, const char *key, const struct value *v)
{
	struct attr_spec *na = ARENA_NEWN(&m->arena, struct attr_spec, sp->nattrs + 1);
	struct attr_spec *a;

	if (!na)
		return -1;
	if (sp->nattrs)
		memcpy(na, sp->attrs, sp->nattrs * sizeof(*na));
	a = &na[sp->nattrs];
	a->key = key;
	a->key_len = (uint32_t)strlen(key);
	a->gen.kind = GEN_CONST;
	a->gen.type = v->type;
	a->gen.decimals = -1;
	a->gen.constant = *v;
	a->pos = sp->pos;
	sp->attrs = na;
	sp->nattrs++;
	return 0;
}

static int fill_span(struct model *m, struct span_spec *sp)
{
	const struct sc_span *ss = sp->name_tmpl ? NULL : semconv_span(m->semconv, sp->name);
	const struct agent_model *am = m->agent;

	for (size_t i = 0; ss && i < ss->nreqs; i++) {
		const struct sc_req *r = &ss->reqs[i];
		const struct sc_attr *a = semconv_attr(m->semconv, r->id);
		const struct attr_spec *tool;
		const char *text;
		struct value v;

		if (r->level > SC_RECOMMENDED || !a || a->deprecated || has_attr(sp, r->id) ||
		    session_key(am, r->id))
			continue;
		if (!strcmp(r->id, am->tool_name_key)) {
			tool = has_attr(sp, "gen_ai.tool.name");
			if (tool && tool->gen.kind == GEN_CONST &&
			    add_attr(m, sp, am->tool_name_key, &tool->gen.constant))
				return -1;
			continue;
		}
		text = fill_text(a, r);
		if (!text || value_of(a, text, &v))
			continue;
		if (add_attr(m, sp, a->id, &v))
			return -1;
	}
	for (uint32_t c = 0; c < sp->nchildren; c++)
		if (fill_span(m, &sp->children[c]))
			return -1;
	return 0;
}

int conventions_fill(struct schema_ctx *c, struct scenario *sc)
{
	if (!sc->session || !sc->root || !c->m->semconv || !c->m->agent)
		return 0;
	for (uint32_t k = 0; k < scenario_nroots(sc); k++)
		if (fill_span(c->m, &sc->root[k]))
			return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

/* ---- the agent platform's metrics (emit_metrics without rules) ---- */

struct agent_metric {
	const char *name;   /* as the conventions write it */
	const char *span;   /* the spans it measures */
	uint8_t instrument; /* enum metric_instrument */
	uint8_t value;      /* enum metric_value */
	const char *attrs[3];
};

static const struct agent_metric agent_metrics[] = {
	{ "vendor.turn.duration",
	  "vendor.a2a.orchestrate",
	  MI_HISTOGRAM,
	  MV_DURATION,
	  { "vendor.turn.status.code", "vendor.agent.id", NULL } },
	{ "vendor.tool.calls",
	  "vendor.mcp.tool.execute",
	  MI_COUNTER,
	  MV_ONE,
	  { "vendor.mcp.tool.name", "error.type", NULL } },
};

static double unit_div(const char *unit)
{
	return !strcmp(unit, "s") ? 1e9 : !strcmp(unit, "ms") ? 1e6 : 0;
}

/* One rule for metric d, as the conventions define it; 0 when they do not. */
static int agent_rule(struct model *m, const struct agent_metric *d, struct metric_rule *r)
{
	const char *name = vendor_rewrite(m, d->name, strlen(d->name), NULL);
	const struct sc_metric *sm = name ? semconv_metric(m->semconv, name) : NULL;
	const char **keys = ARENA_NEWN(&m->arena, const char *, 3);
	uint32_t n = 0;

	if (!name || !keys)
		return -1;
	if (!sm)
		return 0;
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->unit = sm->unit;
	r->description = d->instrument == MI_COUNTER ? "MCP tool calls made by agents."
						     : "Duration of agent turns.";
	r->instrument = d->instrument;
	r->value = d->value;
	r->is_int = d->value == MV_ONE;
	r->duration_div = unit_div(sm->unit ? sm->unit : "");
	if (d->value == MV_DURATION && !r->duration_div)
		return 0;
	r->span_name = vendor_rewrite(m, d->span, strlen(d->span), NULL);
	r->where_value.type = VAL_NONE;
	r->bounds = sm->buckets;
	r->nbounds = (uint32_t)sm->nbuckets;
	r->max_scale = 20;
	r->max_size = 160;
	for (; n < 3 && d->attrs[n]; n++)
		if (!(keys[n] = vendor_rewrite(m, d->attrs[n], strlen(d->attrs[n]), NULL)))
			return -1;
	r->attr_keys = keys;
	r->nattr_keys = n;
	return r->span_name ? 1 : -1;
}

int agent_metrics_defaults(struct schema_ctx *c, struct scenario *sc)
{
	size_t n = sizeof(agent_metrics) / sizeof(agent_metrics[0]);
	struct metric_rule *v;

	if (!sc->emit_metrics || !sc->session || !c->m->semconv)
		return 0;
	v = ARENA_NEWN(&c->m->arena, struct metric_rule, sc->nmetric_rules + n);
	if (!v)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	if (sc->nmetric_rules)
		memcpy(v, sc->metric_rules, sc->nmetric_rules * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		int rc = agent_rule(c->m, &agent_metrics[i], &v[sc->nmetric_rules]);

		if (rc < 0)
			return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
		sc->nmetric_rules += (uint32_t)rc;
	}
	sc->metric_rules = v;
	return 0;
}
