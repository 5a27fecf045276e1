/* Agent sessions on spans (engine/session.h; the keys in model/agent.h). */
#include "engine/session.h"

#include <string.h>

#include "engine/template.h"

static void set_str(struct value *v, const char *s, size_t len)
{
	v->type = VAL_STRING;
	v->u.s.ptr = s;
	v->u.s.len = (uint32_t)len;
}

/* An id from its format: the template, with the session's tenant as var 0. */
static int make_id(struct session_state *s, int kind, struct rng *r, struct arena *a,
		   struct value *out)
{
	const struct id_format *f = &s->am->config.ids[kind];
	struct tmpl_ctx ctx;

	if (!f->tmpl) { /* the loader refuses a session whose format is missing */
		out->type = VAL_NONE;
		return 0;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.rng = r;
	ctx.arena = a;
	ctx.vars = &s->tenant;
	return tmpl_eval(f->tmpl, &ctx, out);
}

static void draw_tenant(struct session_state *s, struct rng *r)
{
	const struct tenant_mix *mix = &s->am->env_tenants;
	uint32_t pick = 0;

	s->tenant.type = VAL_NONE;
	if (mix->n > 1) {
		double u = rng_double(r) * mix->cum_weights[mix->n - 1];

		while (pick + 1 < mix->n && !(u < mix->cum_weights[pick]))
			pick++;
	}
	if (mix->n)
		set_str(&s->tenant, mix->ids[pick], strlen(mix->ids[pick]));
	else if (s->spec->tenant_id)
		set_str(&s->tenant, s->spec->tenant_id, strlen(s->spec->tenant_id));
}

int session_begin(struct session_state *s, const struct model *m, const struct scenario *sc,
		  struct rng *r, struct arena *a)
{
	memset(s, 0, sizeof(*s));
	if (!sc->session || !m->agent)
		return 0;
	s->spec = sc->session;
	s->am = m->agent;
	draw_tenant(s, r);
	if (make_id(s, ID_SESSION, r, a, &s->session_id) < 0 ||
	    make_id(s, ID_ENDUSER_PSEUDO, r, a, &s->user_id) < 0)
		return -1;
	if (s->spec->nsamples)
		s->sample =
			&s->spec->samples[s->spec->nsamples > 1 ? rng_below(r, s->spec->nsamples)
								: 0];
	return 0;
}

int session_trace(struct session_state *s, uint32_t turn, struct rng *r, struct arena *a)
{
	if (!s->spec)
		return 0;
	s->exchange = turn < s->spec->nturns ? &s->spec->turns[turn] : s->sample;
	return make_id(s, ID_REQUEST, r, a, &s->request_id);
}

static void add(struct session_state *s, struct keyval *kv, uint32_t *n, int key,
		const struct value *v)
{
	if (v->type == VAL_NONE)
		return;
	kv[*n].key = s->am->keys[key];
	kv[*n].key_len = s->am->key_lens[key];
	kv[*n].value = *v;
	(*n)++;
}

static void add_text(struct session_state *s, struct keyval *kv, uint32_t *n, int key,
		     const char *text)
{
	struct value v;

	if (!text)
		return;
	set_str(&v, text, strlen(text));
	add(s, kv, n, key, &v);
}

static bool key_is(const struct keyval *kv, const char *key, uint32_t len)
{
	return kv->key_len == len && !memcmp(kv->key, key, len);
}

/*
 * The uuid of the tool the span's own attributes name (gen_ai.tool.name,
 * else <vendor>.mcp.tool.name) on the session's server, or NULL.
 */
static const char *tool_uuid(const struct session_state *s, const struct keyval *kv, uint32_t n)
{
	const struct mcp_server_def *srv = s->server_over ? s->server_over : s->spec->server;

	for (uint32_t i = 0; srv && i < n; i++) {
		const struct value *v = &kv[i].value;

		if (v->type != VAL_STRING ||
		    !(key_is(&kv[i], "gen_ai.tool.name", 16) ||
		      key_is(&kv[i], s->am->tool_name_key, s->am->tool_name_key_len)))
			continue;
		for (uint32_t t = 0; t < srv->ntools; t++)
			if (strlen(srv->tools[t].name) == v->u.s.len &&
			    !memcmp(srv->tools[t].name, v->u.s.ptr, v->u.s.len))
				return srv->tools[t].uuid;
	}
	return NULL;
}

int session_attrs(struct session_state *s, int role, bool root, struct keyval *kv, uint32_t *n,
		  struct rng *r, struct arena *a)
{
	const struct session_spec *spec = s->spec;
	uint32_t own = *n;

	if (!spec)
		return 0;
	add(s, kv, n, SK_SESSION_ID, &s->session_id);
	add(s, kv, n, SK_CONVERSATION_ID, &s->session_id);
	add(s, kv, n, SK_TENANT_ID, &s->tenant);
	add(s, kv, n, SK_ENDUSER, &s->user_id);
	add(s, kv, n, SK_REQUEST_ID, &s->request_id);
	if ((root || role == SPAN_ROLE_TURN) && spec->agent) {
		add_text(s, kv, n, SK_AGENT_ID, spec->agent->id);
		add_text(s, kv, n, SK_GENAI_AGENT_ID, spec->agent->id);
		add_text(s, kv, n, SK_GENAI_AGENT_NAME, spec->agent->name);
	}
	if (role == SPAN_ROLE_MCP_TOOL) {
		struct value call;

		const struct mcp_server_def *srv = s->server_over ? s->server_over : spec->server;

		if (srv) {
			add_text(s, kv, n, SK_SERVER_UUID, srv->uuid);
			add_text(s, kv, n, SK_TOOL_UUID, tool_uuid(s, kv, own));
		}
		if (make_id(s, ID_MCP_TOOL_CALL, r, a, &call) < 0)
			return -1;
		add(s, kv, n, SK_CALL_ID, &call);
		add(s, kv, n, SK_GENAI_CALL_ID, &call);
	}
	if (role == SPAN_ROLE_LLM && s->exchange) {
		add(s, kv, n, SK_INPUT, &s->exchange->input);
		add(s, kv, n, SK_OUTPUT, &s->exchange->output);
		add(s, kv, n, SK_INPUT_REDACTED, &s->exchange->input_redacted);
		add(s, kv, n, SK_OUTPUT_REDACTED, &s->exchange->output_redacted);
	}
	return 0;
}
