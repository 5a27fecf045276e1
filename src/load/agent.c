/*
 * The agent platform (model/agent.h): the config's id_formats, tenants,
 * agents, mcp_servers and conversation_samples, and a native scenario's
 * context, conversation and redaction_applied, lowered to a session_spec.
 * The shapes accepted (seed 000 names the sections but never prints them)
 * are the key tables below, and the bundled config/config.yaml and
 * scenarios/example_scenario.yaml comment them key by key.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "load/loader.h"
#include "model/agent.h"
#include "util/error.h"
#include "util/jsonw.h"
#include "util/redact.h"
#include "util/text.h"

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

static struct src_pos pos_of(struct schema_ctx *c, const struct ynode *n)
{
	struct src_pos p = { c->file, n->line, n->col };

	return p;
}

static struct agent_config *acfg(struct schema_ctx *c)
{
	return &c->m->agent->config;
}

/* A non-empty scalar's text (ids may be written as numbers). */
static int nonempty_text(struct schema_ctx *c, const struct ynode *v, const char *what,
			 const char **out)
{
	if (v->type != YN_SCALAR || ynode_is_null(v))
		return schema_error(c, OTELSIM_EINPUT, v, "%s must be a non-empty string, not %s",
				    what, ynode_kind(v));
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "%s must not be empty", what);
	return value_string(c, v, out);
}

static int fill_text(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	char what[80];

	snprintf(what, sizeof(what), "'%s'", k->key);
	return nonempty_text(c, v, what, (const char **)((char *)obj + k->offset));
}

/* ---- id_formats: {hex:N}, {uuid}, {tenant_id} ---- */

#define ID_MAX_HEX 64

/*
 * The format at n as a template of our own syntax ({hex:12} ->
 * {{random.hex(12)}}, {tenant_id} -> {{vars.tenant_id}}), compiled.
 */
static int compile_id_format(struct schema_ctx *c, const char *name, const struct ynode *n,
			     struct id_format *f)
{
	static const char *const placeholders[] = { "hex:N", "uuid", "tenant_id" };
	static const char *const tenant_var[] = { "tenant_id" };
	struct tmpl_env env = { tenant_var, 1, false, 0, NULL, NULL };
	struct strbuf sb = STRBUF_INIT;
	struct tmpl_error te = { 0 };
	bool random = false;
	int rc = 0;

	for (size_t i = 0; i < n->len && !rc;) {
		const char *s = n->str + i, *close;
		size_t len;

		if (*s == '}') {
			rc = value_tmpl_error(c, n, i, "'}' without '{' in id format '%s'", name);
			break;
		}
		if (*s != '{') {
			rc = strbuf_addch(&sb, *s) ? oom(c) : 0;
			i++;
			continue;
		}
		close = memchr(s, '}', n->len - i);
		if (!close) {
			rc = value_tmpl_error(c, n, i,
					      "'{' without '}' in id format '%s' (placeholders: "
					      "{hex:N}, {uuid}, {tenant_id})",
					      name);
			break;
		}
		len = (size_t)(close - s) + 1;
		if (len == 6 && !memcmp(s, "{uuid}", 6)) {
			random = true;
			rc = strbuf_addstr(&sb, "{{random.uuid}}") ? oom(c) : 0;
		} else if (len == 11 && !memcmp(s, "{tenant_id}", 11)) {
			f->uses_tenant = true;
			rc = strbuf_addstr(&sb, "{{vars.tenant_id}}") ? oom(c) : 0;
		} else if (len > 6 && !memcmp(s, "{hex:", 5)) {
			uint64_t hex;
			char digits[16];

			if (len - 6 >= sizeof(digits)) {
				hex = ID_MAX_HEX + 1;
			} else {
				memcpy(digits, s + 5, len - 6);
				digits[len - 6] = '\0';
				if (parse_u64(digits, 1000, &hex))
					hex = ID_MAX_HEX + 1;
			}
			if (hex < 1 || hex > ID_MAX_HEX) {
				rc = value_tmpl_error(c, n, i,
						      "'%.*s' in id format '%s': N must be a whole "
						      "number from 1 to %d",
						      (int)len, s, name, ID_MAX_HEX);
				break;
			}
			random = true;
			rc = strbuf_addf(&sb, "{{random.hex(%u)}}", (unsigned)hex) ? oom(c) : 0;
		} else {
			char got[64];
			const char *near;

			snprintf(got, sizeof(got), "%.*s", (int)(len > 40 ? 40 : len - 2), s + 1);
			near = suggest(got, placeholders, 3);
			rc = value_tmpl_error(c, n, i,
					      "unknown placeholder '{%s}' in id format '%s' "
					      "(expected {hex:N}, {uuid} or {tenant_id}%s%s%s)",
					      got, name, near ? "; did you mean {" : "",
					      near ? near : "", near ? "}?" : "");
			break;
		}
		i += len;
	}
	if (!rc && !random)
		rc = schema_error(c, OTELSIM_EINPUT, n,
				  "id format '%s' needs a random part ({hex:N} or {uuid}): every "
				  "id would be the same",
				  name);
	if (!rc && tmpl_compile(&c->m->arena, sb.buf, sb.len, &env, &f->tmpl, &te))
		rc = schema_error(c, OTELSIM_EINPUT, n, "id format '%s': %s", name, te.message);
	if (!rc) {
		f->pos = pos_of(c, n);
		rc = value_string(c, n, &f->text);
	}
	strbuf_release(&sb);
	return rc;
}

static int fill_id_format(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct agent_config *ac = obj;

	for (int i = 0; i < ID_KIND_COUNT; i++)
		if (!strcmp(k->key, id_kind_names[i]))
			return compile_id_format(c, k->key, v, &ac->ids[i]);
	return error_set(c->err, OTELSIM_EINTERNAL, "id format '%s'", k->key);
}

static const struct key_def id_format_keys[] = {
	{ "session_id", KT_STRING, 0, NULL, NULL, fill_id_format, SCHEMA_NOFILL,
	  "<vendor>.session.id and gen_ai.conversation.id: one per session" },
	{ "conversation_id", KT_STRING, 0, NULL, NULL, fill_id_format, SCHEMA_NOFILL,
	  "accepted for seed 000's configs: gen_ai.conversation.id is always the session id" },
	{ "request_id", KT_STRING, 0, NULL, NULL, fill_id_format, SCHEMA_NOFILL,
	  "<vendor>.request.id: one per turn (per trace)" },
	{ "mcp_tool_call_id", KT_STRING, 0, NULL, NULL, fill_id_format, SCHEMA_NOFILL,
	  "<vendor>.mcp.tool.call.id and gen_ai.tool.call.id: one per MCP tool span" },
	{ "enduser_pseudo_id", KT_STRING, 0, NULL, NULL, fill_id_format, SCHEMA_NOFILL,
	  "enduser.pseudo.id: one per session" },
};

SCHEMA_TABLE(id_formats_table, "config.id_formats",
	     "correlation id templates: text with {hex:N} (1..64), {uuid}, {tenant_id}",
	     id_format_keys);

/* ---- tenants: <key>: <id> | {id, display_name} ---- */

static const struct key_def tenant_keys[] = {
	{ "id", KT_SCALAR, KF_REQUIRED, NULL, NULL, fill_text, offsetof(struct tenant_def, id),
	  "the tenant id written as <vendor>.tenant.id" },
	{ "display_name", KT_STRING, 0, NULL, NULL, fill_text,
	  offsetof(struct tenant_def, display_name), "a name for readers" },
};

SCHEMA_TABLE(tenant_table, "config.tenants.entry",
	     "one tenant (under tenants: <key>:), or just its id as a string", tenant_keys);

static int fill_tenants(struct schema_ctx *c, const struct ynode *v)
{
	struct agent_config *ac = acfg(c);
	int rc;

	ac->tenants = ARENA_NEWN(&c->m->arena, struct tenant_def, v->n ? v->n : 1);
	if (!ac->tenants)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct tenant_def *t = &ac->tenants[i];

		if ((rc = nonempty_text(c, key, "a tenant key", &t->key)))
			return rc;
		t->pos = pos_of(c, key);
		if (body->type == YN_MAP)
			rc = schema_walk(c, &tenant_table, body, t);
		else
			rc = nonempty_text(c, body, "a tenant (its id, or {id, display_name})",
					   &t->id);
		if (rc)
			return rc;
	}
	ac->ntenants = (uint32_t)v->n;
	return 0;
}

/* ---- agents: [<id> | {id, name, description}] ---- */

static const struct key_def agent_keys[] = {
	{ "id", KT_SCALAR, KF_REQUIRED, NULL, NULL, fill_text, offsetof(struct agent_def, id),
	  "the agent id: <vendor>.agent.id and gen_ai.agent.id on the root span" },
	{ "name", KT_STRING, 0, NULL, NULL, fill_text, offsetof(struct agent_def, name),
	  "gen_ai.agent.name on the root span" },
	{ "description", KT_STRING, 0, NULL, NULL, fill_text,
	  offsetof(struct agent_def, description), "for readers" },
};

SCHEMA_TABLE(agent_table, "config.agents.entry",
	     "one agent (an item of agents:), or just its id as a string", agent_keys);

static int fill_agents(struct schema_ctx *c, const struct ynode *v)
{
	struct agent_config *ac = acfg(c);
	int rc;

	ac->agents = ARENA_NEWN(&c->m->arena, struct agent_def, v->n ? v->n : 1);
	if (!ac->agents)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		struct agent_def *a = &ac->agents[i];

		a->pos = pos_of(c, it);
		if (it->type == YN_MAP)
			rc = schema_walk(c, &agent_table, it, a);
		else
			rc = nonempty_text(c, it, "an agent (its id, or {id, name, description})",
					   &a->id);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ac->agents[j].id, a->id))
				return schema_error(c, OTELSIM_EINPUT, it,
						    "agent '%s' is listed twice (first at line %d)",
						    a->id, ac->agents[j].pos.line);
	}
	ac->nagents = (uint32_t)v->n;
	return 0;
}

/* ---- mcp_servers: <key>: {mcp_server_uuid, description, tools: [{name, tool_uuid}]} ---- */

static const struct key_def tool_keys[] = {
	{ "name", KT_STRING, KF_REQUIRED, NULL, NULL, fill_text,
	  offsetof(struct mcp_tool_def, name), "the tool's name (gen_ai.tool.name)" },
	{ "tool_uuid", KT_SCALAR, KF_REQUIRED, NULL, "uuid", fill_text,
	  offsetof(struct mcp_tool_def, uuid), "<vendor>.mcp.tool.uuid" },
	{ "description", KT_STRING, 0, NULL, NULL, NULL, SCHEMA_NOFILL, "for readers" },
};

SCHEMA_TABLE(tool_table, "config.mcp_servers.tool", "one tool of an MCP server", tool_keys);

static int fill_tools(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct mcp_server_def *s = obj;
	int rc;

	(void)k;
	s->tools = ARENA_NEWN(&c->m->arena, struct mcp_tool_def, v->n ? v->n : 1);
	if (!s->tools)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];

		if (it->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "a tool must be a mapping {name, tool_uuid}, not %s",
					    ynode_kind(it));
		if ((rc = schema_walk(c, &tool_table, it, &s->tools[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->tools[j].name, s->tools[i].name))
				return schema_error(c, OTELSIM_EINPUT, ymap_get(it, "name"),
						    "tool '%s' is listed twice on this server",
						    s->tools[i].name);
	}
	s->ntools = (uint32_t)v->n;
	return 0;
}

static const struct key_def server_keys[] = {
	{ "mcp_server_uuid", KT_SCALAR, KF_REQUIRED, NULL, "uuid", fill_text,
	  offsetof(struct mcp_server_def, uuid), "<vendor>.mcp.server.uuid" },
	{ "description", KT_STRING, 0, NULL, NULL, fill_text,
	  offsetof(struct mcp_server_def, description), "for readers" },
	{ "tools", KT_LIST, 0, NULL, NULL, fill_tools, SCHEMA_NOFILL,
	  "[{name, tool_uuid}]: the tools MCP tool spans may name" },
};

SCHEMA_TABLE(server_table, "config.mcp_servers.entry", "one MCP server (under mcp_servers: <key>:)",
	     server_keys);

static int fill_servers(struct schema_ctx *c, const struct ynode *v)
{
	struct agent_config *ac = acfg(c);
	int rc;

	ac->servers = ARENA_NEWN(&c->m->arena, struct mcp_server_def, v->n ? v->n : 1);
	if (!ac->servers)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct mcp_server_def *s = &ac->servers[i];

		if ((rc = nonempty_text(c, key, "an MCP server key", &s->key)))
			return rc;
		s->pos = pos_of(c, key);
		if (body->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "MCP server '%s' must be a mapping {mcp_server_uuid, "
					    "tools}, not %s",
					    s->key, ynode_kind(body));
		if ((rc = schema_walk(c, &server_table, body, s)))
			return rc;
	}
	ac->nservers = (uint32_t)v->n;
	return 0;
}

/* ---- exchanges: {user_input, llm_response, *_redacted} ---- */

static const struct key_def exchange_keys[] = {
	{ "user_input", KT_STRING, KF_REQUIRED, NULL, NULL, fill_text,
	  offsetof(struct exchange, user), "what the user says (gen_ai.input.messages)" },
	{ "llm_response", KT_STRING, KF_REQUIRED, NULL, NULL, fill_text,
	  offsetof(struct exchange, reply), "what the model answers (gen_ai.output.messages)" },
	{ "user_input_redacted", KT_STRING, 0, NULL, NULL, fill_text,
	  offsetof(struct exchange, user_redacted),
	  "gen_ai.input.redacted as written, when redaction_applied is basic or strict "
	  "(default: user_input redacted by patterns)" },
	{ "llm_response_redacted", KT_STRING, 0, NULL, NULL, fill_text,
	  offsetof(struct exchange, reply_redacted),
	  "gen_ai.output.redacted as written (default: llm_response redacted by patterns)" },
};

SCHEMA_TABLE(exchange_table, "conversation.exchange",
	     "a user message and the model's reply: a turn, a sample, or a config sample",
	     exchange_keys);

static int parse_exchanges(struct schema_ctx *c, const struct ynode *v, const char *what,
			   struct exchange **out, uint32_t *n)
{
	struct exchange *ex;
	int rc;

	if (v->type != YN_SEQ)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be a list, not %s", what,
				    ynode_kind(v));
	if (!v->n)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be empty", what);
	ex = ARENA_NEWN(&c->m->arena, struct exchange, v->n);
	if (!ex)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];

		if (it->type != YN_MAP)
			return schema_error(
				c, OTELSIM_EINPUT, it,
				"a sample must be a mapping {user_input, llm_response}, "
				"not %s",
				ynode_kind(it));
		ex[i].pos = pos_of(c, it);
		if ((rc = schema_walk(c, &exchange_table, it, &ex[i])))
			return rc;
	}
	*out = ex;
	*n = (uint32_t)v->n;
	return 0;
}

/* ---- conversation_samples: <workflow>: {samples: [...]} | [...] ---- */

static int fill_set_samples(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			    void *obj)
{
	struct sample_set *s = obj;

	(void)k;
	return parse_exchanges(c, v, "samples", &s->samples, &s->nsamples);
}

static const struct key_def sample_set_keys[] = {
	{ "samples", KT_LIST, KF_REQUIRED, NULL, NULL, fill_set_samples, SCHEMA_NOFILL,
	  "[{user_input, llm_response, user_input_redacted, llm_response_redacted}]" },
};

SCHEMA_TABLE(sample_set_table, "config.conversation_samples.entry",
	     "one workflow's samples (under conversation_samples: <workflow>:), or the list "
	     "itself",
	     sample_set_keys);

static int fill_sample_sets(struct schema_ctx *c, const struct ynode *v)
{
	struct agent_config *ac = acfg(c);
	int rc;

	ac->sample_sets = ARENA_NEWN(&c->m->arena, struct sample_set, v->n ? v->n : 1);
	if (!ac->sample_sets)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct sample_set *s = &ac->sample_sets[i];

		if ((rc = nonempty_text(c, key, "a workflow name", &s->workflow)))
			return rc;
		s->pos = pos_of(c, key);
		if (body->type == YN_MAP)
			rc = schema_walk(c, &sample_set_table, body, s);
		else
			rc = parse_exchanges(c, body, "samples", &s->samples, &s->nsamples);
		if (rc)
			return rc;
	}
	ac->nsample_sets = (uint32_t)v->n;
	return 0;
}

int agent_config_fill(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	(void)obj;
	if (!strcmp(k->key, "id_formats")) {
		const struct id_format *ids = acfg(c)->ids;
		const struct id_format *conv = &ids[ID_CONVERSATION];
		int rc = schema_walk(c, &id_formats_table, v, acfg(c));

		if (!rc && conv->text && ids[ID_SESSION].text &&
		    strcmp(conv->text, ids[ID_SESSION].text) &&
		    model_warn(
			    c->m, c->file, conv->pos.line, conv->pos.col,
			    "'conversation_id' differs from 'session_id': gen_ai.conversation.id "
			    "is always the session id (from session_id)"))
			return oom(c);
		return rc;
	}
	if (!strcmp(k->key, "tenants"))
		return fill_tenants(c, v);
	if (!strcmp(k->key, "agents"))
		return fill_agents(c, v);
	if (!strcmp(k->key, "mcp_servers"))
		return fill_servers(c, v);
	if (!strcmp(k->key, "conversation_samples"))
		return fill_sample_sets(c, v);
	return error_set(c->err, OTELSIM_EINTERNAL, "config section '%s'", k->key);
}

/* ---- the model's part: keys, environment tenants ---- */

int agent_model_init(struct load_state *ls)
{
	struct model *m = ls->m;
	const struct load_opts *o = ls->opts;
	struct agent_model *am = ARENA_NEW(&m->arena, struct agent_model);
	double total = 0;

	if (!am)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	m->agent = am;
	platform_defaults(&am->config.platform);
	for (int k = 0; k < SK_COUNT; k++) {
		const char *name = session_key_names[k];

		am->keys[k] = vendor_rewrite(m, name, strlen(name), &am->key_lens[k]);
		if (!am->keys[k])
			return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	}
	am->tool_name_key = vendor_rewrite(m, "vendor.mcp.tool.name", 20, &am->tool_name_key_len);
	if (!am->tool_name_key)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	am->mcp_type = vendor_rewrite(m, "vendor.mcp.tool.execute", 23, NULL);
	am->turn_type = vendor_rewrite(m, "vendor.a2a.orchestrate", 22, NULL);
	am->turn_status_key = vendor_rewrite(m, "vendor.turn.status.code", 23,
					     &am->turn_status_key_len);
	am->step_outcome_key = vendor_rewrite(m, "vendor.step.outcome", 19,
					      &am->step_outcome_key_len);
	am->attempt_number_key = vendor_rewrite(m, "vendor.attempt.number", 21,
						&am->attempt_number_key_len);
	am->attempt_outcome_key = vendor_rewrite(m, "vendor.attempt.outcome", 22,
						 &am->attempt_outcome_key_len);
	if (!am->mcp_type || !am->turn_type || !am->turn_status_key || !am->step_outcome_key ||
	    !am->attempt_number_key || !am->attempt_outcome_key)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	if (!o->ntenants)
		return 0;
	am->env_tenants.ids = ARENA_NEWN(&m->arena, const char *, o->ntenants);
	am->env_tenants.cum_weights = ARENA_NEWN(&m->arena, double, o->ntenants);
	if (!am->env_tenants.ids || !am->env_tenants.cum_weights)
		return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < o->ntenants; i++) {
		double w = o->tenant_weights ? o->tenant_weights[i] : 1.0;

		if (!o->tenant_ids[i] || !*o->tenant_ids[i])
			return error_set(ls->err, OTELSIM_EUSAGE, "tenant id %zu is empty", i + 1);
		if (!(w >= 0) || w > 1e12)
			return error_set(ls->err, OTELSIM_EUSAGE,
					 "tenant weight %zu must be a number from 0 to 10^12",
					 i + 1);
		total += w;
		am->env_tenants.ids[i] = arena_strdup(&m->arena, o->tenant_ids[i]);
		am->env_tenants.cum_weights[i] = total;
		if (!am->env_tenants.ids[i])
			return error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
	}
	if (!(total > 0))
		return error_set(ls->err, OTELSIM_EUSAGE, "tenant weights must not all be 0");
	am->env_tenants.n = (uint32_t)o->ntenants;
	return 0;
}

/* ---- a scenario's context ---- */

/* "(did you mean 'x'?)" or "(the config's <what>: a, b, c)" or "(the config has no <what>)" */
static void known_names(const char *got, const char *const *names, size_t n, const char *what,
			char *buf, size_t cap)
{
	const char *near = suggest(got, names, n);
	size_t len;

	if (near) {
		snprintf(buf, cap, " (did you mean '%s'?)", near);
		return;
	}
	if (!n) {
		snprintf(buf, cap, " (the config has no %s)", what);
		return;
	}
	len = (size_t)snprintf(buf, cap, " (the config's %s: ", what);
	for (size_t i = 0; i < n && len + 8 < cap; i++) {
		int w = snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", names[i]);

		if (w < 0)
			break;
		len += (size_t)w;
		if (len >= cap - 8) {
			len = cap - 8;
			memcpy(buf + len, "...", 4);
			len += 3;
			break;
		}
	}
	if (len + 2 < cap)
		memcpy(buf + len, ")", 2);
}

static int unknown_name(struct schema_ctx *c, const struct ynode *v, const char *kind,
			const char *what, const char *const *names, size_t n)
{
	char hint[400];

	known_names(v->str, names, n, what, hint, sizeof(hint));
	return schema_error(c, OTELSIM_EINPUT, v, "unknown %s '%s'%s", kind, v->str, hint);
}

static int names_of(struct schema_ctx *c, size_t n, const char ***out)
{
	*out = ARENA_NEWN(&c->m->arena, const char *, n ? n : 1);
	return *out ? 0 : oom(c);
}

static int fill_ctx_tenant(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	const struct agent_config *ac = acfg(c);
	const char **names;
	int rc;

	(void)k;
	for (uint32_t i = 0; i < ac->ntenants; i++)
		if (!strcmp(ac->tenants[i].key, v->str)) {
			((struct session_draft *)obj)->tenant = &ac->tenants[i];
			return 0;
		}
	if ((rc = names_of(c, ac->ntenants, &names)))
		return rc;
	for (uint32_t i = 0; i < ac->ntenants; i++)
		names[i] = ac->tenants[i].key;
	return unknown_name(c, v, "tenant", "tenants", names, ac->ntenants);
}

static int fill_ctx_agent(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	const struct agent_config *ac = acfg(c);
	const char **names;
	int rc;

	(void)k;
	for (uint32_t i = 0; i < ac->nagents; i++)
		if (!strcmp(ac->agents[i].id, v->str)) {
			((struct session_draft *)obj)->agent = &ac->agents[i];
			return 0;
		}
	if ((rc = names_of(c, ac->nagents, &names)))
		return rc;
	for (uint32_t i = 0; i < ac->nagents; i++)
		names[i] = ac->agents[i].id;
	return unknown_name(c, v, "agent", "agents", names, ac->nagents);
}

static int fill_ctx_server(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	const struct agent_config *ac = acfg(c);
	const char **names;
	int rc;

	(void)k;
	for (uint32_t i = 0; i < ac->nservers; i++)
		if (!strcmp(ac->servers[i].key, v->str)) {
			((struct session_draft *)obj)->server = &ac->servers[i];
			return 0;
		}
	if ((rc = names_of(c, ac->nservers, &names)))
		return rc;
	for (uint32_t i = 0; i < ac->nservers; i++)
		names[i] = ac->servers[i].key;
	return unknown_name(c, v, "MCP server", "mcp_servers", names, ac->nservers);
}

static int fill_ctx_workflow(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	const struct agent_config *ac = acfg(c);
	struct session_draft *d = obj;
	const char **names;
	int rc;

	(void)k;
	for (uint32_t i = 0; i < ac->nsample_sets; i++)
		if (!strcmp(ac->sample_sets[i].workflow, v->str)) {
			d->workflow = &ac->sample_sets[i];
			return 0;
		}
	if ((rc = names_of(c, ac->nsample_sets, &names)))
		return rc;
	for (uint32_t i = 0; i < ac->nsample_sets; i++)
		names[i] = ac->sample_sets[i].workflow;
	return unknown_name(c, v, "workflow", "conversation_samples", names, ac->nsample_sets);
}

static const struct key_def context_keys[] = {
	{ "tenant", KT_SCALAR, 0, NULL, NULL, fill_ctx_tenant, SCHEMA_NOFILL,
	  "a key of the config's tenants: <vendor>.tenant.id of every span (TENANT_UUID, "
	  "TELEMETRY_TENANT_UUIDS win)" },
	{ "agent", KT_SCALAR, 0, NULL, NULL, fill_ctx_agent, SCHEMA_NOFILL,
	  "an id of the config's agents: <vendor>.agent.id, gen_ai.agent.id on the root" },
	{ "mcp_server", KT_SCALAR, 0, NULL, NULL, fill_ctx_server, SCHEMA_NOFILL,
	  "a key of the config's mcp_servers: the server (and tool) uuids of MCP tool spans" },
	{ "workflow", KT_STRING, 0, NULL, NULL, fill_ctx_workflow, SCHEMA_NOFILL,
	  "a workflow of the config's conversation_samples: one of its samples per session "
	  "when the scenario has no conversation" },
};

SCHEMA_TABLE(context_table, "scenario.context",
	     "who the sessions run for: the config's tenant, agent, MCP server, workflow",
	     context_keys);

int agent_fill_context(struct schema_ctx *c, const struct ynode *v, struct session_draft *d)
{
	if (!d->at)
		d->at = v;
	return schema_walk(c, &context_table, v, d);
}

/* ---- a scenario's conversation ---- */

struct turn_msg {
	int role; /* 0 user, 1 assistant */
	const char *text, *text_redacted;
};

static const char *const role_members[] = { "user", "assistant", NULL };

static const struct key_def turn_msg_keys[] = {
	{ "role", KT_ENUM, KF_REQUIRED, role_members, NULL, NULL, offsetof(struct turn_msg, role),
	  "user or assistant: the turns alternate, the user first" },
	{ "text", KT_STRING, KF_REQUIRED, NULL, NULL, fill_text, offsetof(struct turn_msg, text),
	  "what is said" },
	{ "text_redacted", KT_STRING, 0, NULL, NULL, fill_text,
	  offsetof(struct turn_msg, text_redacted),
	  "its redacted copy when redaction_applied is basic or strict (default: redacted by "
	  "patterns)" },
};

SCHEMA_TABLE(turn_msg_table, "conversation.message",
	     "one message of the alternating form of turns: {role, text}", turn_msg_keys);

static bool has_any(const struct ynode *map, const char *a, const char *b)
{
	return ymap_get(map, a) || ymap_get(map, b);
}

/* The alternating role/text form: user, assistant, user, assistant... */
static int parse_messages(struct schema_ctx *c, const struct ynode *v, struct session_draft *d)
{
	struct turn_msg m[2];
	int rc;

	if (v->n % 2)
		return schema_error(c, OTELSIM_EINPUT, v->items[v->n - 1],
				    "the user's message has no assistant reply after it (turns "
				    "alternate user, assistant)");
	d->turns = ARENA_NEWN(&c->m->arena, struct exchange, v->n / 2);
	if (!d->turns)
		return oom(c);
	for (size_t i = 0; i < v->n; i += 2) {
		struct exchange *ex = &d->turns[i / 2];

		for (int k = 0; k < 2; k++) {
			const struct ynode *it = v->items[i + (size_t)k];

			memset(&m[k], 0, sizeof(m[k]));
			if ((rc = schema_walk(c, &turn_msg_table, it, &m[k])))
				return rc;
			if (m[k].role != k)
				return schema_error(
					c, OTELSIM_EINPUT, ymap_get(it, "role"),
					"message %zu should be the %s's (turns alternate user, "
					"assistant, the user first)",
					i + (size_t)k + 1, k ? "assistant" : "user");
		}
		ex->user = m[0].text;
		ex->user_redacted = m[0].text_redacted;
		ex->reply = m[1].text;
		ex->reply_redacted = m[1].text_redacted;
		ex->pos = pos_of(c, v->items[i]);
	}
	d->nturns = (uint32_t)(v->n / 2);
	return 0;
}

static int fill_turns(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	struct session_draft *d = obj;
	bool pairs = false, messages = false;

	(void)k;
	if (!v->n)
		return schema_error(c, OTELSIM_EINPUT, v, "'turns' must not be empty");
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		bool p, m;

		if (it->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "a turn must be a mapping: {user_input, llm_response} "
					    "or {role, text}, not %s",
					    ynode_kind(it));
		p = has_any(it, "user_input", "llm_response");
		m = has_any(it, "role", "text");
		if (!p && !m)
			return schema_error(c, OTELSIM_EINPUT, it,
					    "a turn needs user_input and llm_response, or role and "
					    "text");
		if ((p && messages) || (m && !p && pairs))
			return schema_error(
				c, OTELSIM_EINPUT, it,
				"the turns mix the user_input/llm_response form with the "
				"role/text form (use one)");
		pairs |= p;
		messages |= m && !p;
	}
	d->turns_at = v;
	if (messages)
		return parse_messages(c, v, d);
	return parse_exchanges(c, v, "turns", &d->turns, &d->nturns);
}

static int fill_samples(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct session_draft *d = obj;

	(void)k;
	if (d->turns_at)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "give 'turns' (one trace per turn) or 'samples' (one per "
				    "session), not both");
	return parse_exchanges(c, v, "samples", &d->samples, &d->nsamples);
}

static int fill_turn_gap(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct session_draft *d = obj;

	(void)k;
	d->has_gap = true;
	return value_latency(c, v, &d->turn_gap);
}

static const struct key_def conversation_keys[] = {
	{ "turns", KT_LIST, 0, NULL, NULL, fill_turns, SCHEMA_NOFILL,
	  "one trace per turn, all in one session: [{user_input, llm_response, "
	  "user_input_redacted, llm_response_redacted}] or [{role: user|assistant, text, "
	  "text_redacted}] alternating" },
	{ "samples", KT_LIST, 0, NULL, NULL, fill_samples, SCHEMA_NOFILL,
	  "one of them per session (single turn): [{user_input, llm_response, "
	  "user_input_redacted, llm_response_redacted}]" },
	{ "turn_gap", KT_ANY, 0, NULL, NULL, fill_turn_gap, SCHEMA_NOFILL,
	  "from a turn's end to the next turn's start, like a latency (default log_normal "
	  "median 4000 ms, sigma 0.5: the user reads and types)" },
};

SCHEMA_TABLE(conversation_table, "scenario.conversation",
	     "what the sessions say: turns (one trace each) or samples (one per session)",
	     conversation_keys);

int agent_fill_conversation(struct schema_ctx *c, const struct ynode *v, struct session_draft *d)
{
	if (!d->at)
		d->at = v;
	return schema_walk(c, &conversation_table, v, d);
}

const struct key_table *const agent_key_tables[] = { &id_formats_table,
						     &tenant_table,
						     &agent_table,
						     &server_table,
						     &tool_table,
						     &sample_set_table,
						     &exchange_table,
						     &context_table,
						     &conversation_table,
						     &turn_msg_table,
						     NULL };

/* ---- the session a scenario runs as ---- */

/* [{"role":..,"parts":[{"type":"text","content":..}]}] (the GenAI message shape) */
static int message_json(struct schema_ctx *c, const char *role, const char *text, size_t len,
			bool reply, struct value *out)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	int rc = strbuf_addf(&sb, "[{\"role\":\"%s\",\"parts\":[{\"type\":\"text\",\"content\":",
			     role) ||
		 jsonw_add_str(&sb, text, len) ||
		 strbuf_addstr(&sb, reply ? "}],\"finish_reason\":\"stop\"}]" : "}]}]");

	if (!rc && sb.len > UINT32_MAX)
		rc = -1;
	s = rc ? NULL : arena_strndup(&c->m->arena, sb.buf, sb.len);
	if (s) {
		out->type = VAL_STRING;
		out->u.s.ptr = s;
		out->u.s.len = (uint32_t)sb.len;
	}
	strbuf_release(&sb);
	return s ? 0 : oom(c);
}

/* text's redacted copy: the one written, else text redacted by patterns */
static int redacted_json(struct schema_ctx *c, const char *role, const char *text,
			 const char *written, int level, bool reply, struct value *out)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (written)
		return message_json(c, role, written, strlen(written), reply, out);
	if (redact_text(text, strlen(text), level, &sb)) {
		strbuf_release(&sb);
		return oom(c);
	}
	rc = message_json(c, role, sb.buf ? sb.buf : "", sb.len, reply, out);
	strbuf_release(&sb);
	return rc;
}

static int lower_exchanges(struct schema_ctx *c, const struct exchange *ex, uint32_t n, int level,
			   struct exchange_out **out)
{
	struct exchange_out *o = ARENA_NEWN(&c->m->arena, struct exchange_out, n ? n : 1);
	int rc;

	if (!o)
		return oom(c);
	for (uint32_t i = 0; i < n; i++) {
		rc = message_json(c, "user", ex[i].user, strlen(ex[i].user), false, &o[i].input);
		if (!rc)
			rc = message_json(c, "assistant", ex[i].reply, strlen(ex[i].reply), true,
					  &o[i].output);
		if (!rc && level > REDACT_NONE)
			rc = redacted_json(c, "user", ex[i].user, ex[i].user_redacted, level, false,
					   &o[i].input_redacted);
		if (!rc && level > REDACT_NONE)
			rc = redacted_json(c, "assistant", ex[i].reply, ex[i].reply_redacted, level,
					   true, &o[i].output_redacted);
		if (rc)
			return rc;
	}
	*out = o;
	return 0;
}

struct walk {
	struct session_spec *s;
	const struct agent_model *am;
	bool tenant; /* sessions have a tenant */
	const char *llm_type, *mcp_type, *tool_name_key;
};

static const struct attr_spec *find_attr(const struct span_spec *sp, const char *key)
{
	for (uint32_t i = 0; i < sp->nattrs; i++)
		if (!strcmp(sp->attrs[i].key, key))
			return &sp->attrs[i];
	return NULL;
}

static bool const_string_in(const struct attr_spec *a, const char *const *words)
{
	if (!a || a->gen.kind != GEN_CONST || a->gen.constant.type != VAL_STRING)
		return false;
	for (size_t i = 0; words[i]; i++)
		if (a->gen.constant.u.s.len == strlen(words[i]) &&
		    !memcmp(a->gen.constant.u.s.ptr, words[i], a->gen.constant.u.s.len))
			return true;
	return false;
}

static int span_role(const struct walk *w, const struct span_spec *sp)
{
	static const char *const llm_ops[] = { "chat", "text_completion", "generate_content",
					       NULL };
	static const char *const tools_call[] = { "tools/call", NULL };

	if (!sp->name_tmpl && !strcmp(sp->name, w->llm_type))
		return SPAN_ROLE_LLM;
	if (!sp->name_tmpl && !strcmp(sp->name, w->mcp_type))
		return SPAN_ROLE_MCP_TOOL;
	if (!sp->name_tmpl && !strcmp(sp->name, w->am->turn_type))
		return SPAN_ROLE_TURN;
	if (const_string_in(find_attr(sp, "gen_ai.operation.name"), llm_ops))
		return SPAN_ROLE_LLM;
	if (const_string_in(find_attr(sp, "mcp.method.name"), tools_call))
		return SPAN_ROLE_MCP_TOOL;
	return SPAN_ROLE_NONE;
}

/* Is key k written on sp by the session? */
static bool session_sets(const struct walk *w, const struct span_spec *sp, bool root, int k)
{
	const struct session_spec *s = w->s;
	bool content = s->nturns || s->nsamples;

	switch (k) {
	case SK_SESSION_ID:
	case SK_CONVERSATION_ID:
	case SK_ENDUSER:
	case SK_REQUEST_ID:
		return true;
	case SK_TENANT_ID:
		return w->tenant;
	case SK_AGENT_ID:
	case SK_GENAI_AGENT_ID:
		return (root || sp->role == SPAN_ROLE_TURN) && s->agent;
	case SK_GENAI_AGENT_NAME:
		return (root || sp->role == SPAN_ROLE_TURN) && s->agent && s->agent->name;
	case SK_SERVER_UUID:
	case SK_TOOL_UUID:
		return sp->role == SPAN_ROLE_MCP_TOOL && (s->server || sp->nmcp_servers);
	case SK_CALL_ID:
	case SK_GENAI_CALL_ID:
		return sp->role == SPAN_ROLE_MCP_TOOL;
	case SK_INPUT:
	case SK_OUTPUT:
		return sp->role == SPAN_ROLE_LLM && content;
	default:
		return sp->role == SPAN_ROLE_LLM && content && s->redaction > REDACT_NONE;
	}
}

static int attr_error(struct schema_ctx *c, const struct attr_spec *a, const char *msg)
{
	return error_at(c->err, OTELSIM_EINPUT, a->pos.file, a->pos.line, a->pos.col, "%s", msg);
}

/* An MCP tool span naming a tool its server does not have. */
static int check_tool(struct schema_ctx *c, const struct walk *w, const struct span_spec *sp)
{
	const struct mcp_server_def *srv = w->s->server;
	const char *keys[2] = { "gen_ai.tool.name", w->tool_name_key };
	const char **names;
	char hint[400], msg[700];
	int rc;

	for (int k = 0; k < 2 && srv; k++) {
		const struct attr_spec *a = find_attr(sp, keys[k]);
		const char *tool;

		if (!a || a->gen.kind != GEN_CONST || a->gen.constant.type != VAL_STRING)
			continue;
		tool = a->gen.constant.u.s.ptr;
		for (uint32_t i = 0; i < srv->ntools; i++)
			if (!strcmp(srv->tools[i].name, tool))
				return 0;
		if ((rc = names_of(c, srv->ntools, &names)))
			return rc;
		for (uint32_t i = 0; i < srv->ntools; i++)
			names[i] = srv->tools[i].name;
		known_names(tool, names, srv->ntools, "tools of that server", hint, sizeof(hint));
		snprintf(msg, sizeof(msg), "unknown tool '%.100s' on MCP server '%.100s'%s", tool,
			 srv->key, hint);
		return attr_error(c, a, msg);
	}
	return 0;
}

static int walk_span(struct schema_ctx *c, struct walk *w, struct span_spec *sp, bool root)
{
	int rc;

	sp->role = (uint8_t)span_role(w, sp);
	if (root && sp->role == SPAN_ROLE_TURN)
		sp->role = SPAN_ROLE_NONE; /* a root gets the agent's ids as the root */
	if (sp->role == SPAN_ROLE_MCP_TOOL)
		w->s->has_mcp = true;
	for (int k = 0; k < SK_COUNT; k++) {
		const struct attr_spec *a;
		char msg[400];

		if (!session_sets(w, sp, root, k) || !(a = find_attr(sp, w->am->keys[k])))
			continue;
		snprintf(msg, sizeof(msg),
			 "'%.100s' is set by the session (context, conversation and the config's "
			 "id_formats)%s: remove it",
			 w->am->keys[k],
			 k == SK_CONVERSATION_ID ? ", always equal to the session id" : "");
		return attr_error(c, a, msg);
	}
	if (sp->role == SPAN_ROLE_MCP_TOOL && (rc = check_tool(c, w, sp)))
		return rc;
	for (uint32_t i = 0; i < sp->nchildren; i++)
		if ((rc = walk_span(c, w, &sp->children[i], false)))
			return rc;
	return 0;
}

static int check_formats(struct schema_ctx *c, const struct session_draft *d, const struct walk *w)
{
	static const int used[] = { ID_SESSION, ID_REQUEST, ID_ENDUSER_PSEUDO, ID_MCP_TOOL_CALL };
	const struct id_format *ids = w->am->config.ids;

	for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
		const struct id_format *f = &ids[used[i]];

		if (used[i] == ID_MCP_TOOL_CALL && !w->s->has_mcp)
			continue;
		if (!f->text)
			return schema_error(c, OTELSIM_EINPUT, d->at,
					    "the config has no id_formats.%s (every id of a "
					    "session comes from the config's id_formats, with no "
					    "fallback)",
					    id_kind_names[used[i]]);
		if (f->uses_tenant && !w->tenant)
			return schema_error(
				c, OTELSIM_EINPUT, d->at,
				"id_formats.%s uses {tenant_id}, but these sessions have "
				"no tenant (set context.tenant, or TENANT_UUID)",
				id_kind_names[used[i]]);
	}
	return 0;
}

int agent_session_finish(struct schema_ctx *c, struct scenario *sc, struct session_draft *d)
{
	const struct agent_model *am = c->m->agent;
	struct session_spec *s;
	struct walk w;
	uint32_t len;
	int rc;

	if (!d->at) {
		if (d->redaction > REDACT_NONE && d->redaction_at &&
		    model_warn(c->m, c->file, d->redaction_at->line, d->redaction_at->col,
			       "'redaction_applied' applies to agent sessions (a scenario with "
			       "'context' or 'conversation'): this scenario has none"))
			return oom(c);
		return 0;
	}
	s = ARENA_NEW(&c->m->arena, struct session_spec);
	if (!s)
		return oom(c);
	s->tenant_id = d->tenant ? d->tenant->id : NULL;
	s->agent = d->agent;
	s->server = d->server;
	s->workflow = d->workflow ? d->workflow->workflow : NULL;
	s->redaction = (uint8_t)d->redaction;
	s->pos = pos_of(c, d->at);
	if (d->has_gap) {
		s->turn_gap = d->turn_gap;
	} else {
		s->turn_gap.kind = DIST_LOG_NORMAL;
		s->turn_gap.p1 = 4000;
		s->turn_gap.p2 = 0.5;
	}
	if (d->nturns)
		rc = lower_exchanges(c, d->turns, d->nturns, d->redaction, &s->turns);
	else if (d->nsamples)
		rc = lower_exchanges(c, d->samples, d->nsamples, d->redaction, &s->samples);
	else if (d->workflow)
		rc = lower_exchanges(c, d->workflow->samples, d->workflow->nsamples, d->redaction,
				     &s->samples);
	else
		rc = 0;
	if (rc)
		return rc;
	s->nturns = d->nturns;
	s->nsamples = d->nturns     ? 0
		      : d->nsamples ? d->nsamples
		      : d->workflow ? d->workflow->nsamples
				    : 0;
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.am = am;
	w.tenant = s->tenant_id || am->env_tenants.n;
	w.llm_type = vendor_rewrite(c->m, "vendor.llm.call", 15, &len);
	w.mcp_type = vendor_rewrite(c->m, "vendor.mcp.tool.execute", 23, &len);
	w.tool_name_key = am->tool_name_key;
	if (!w.llm_type || !w.mcp_type)
		return oom(c);
	for (uint32_t k = 0; sc->root && k < scenario_nroots(sc); k++)
		if ((rc = walk_span(c, &w, &sc->root[k], true)))
			return rc;
	if ((rc = check_formats(c, d, &w)))
		return rc;
	if (s->redaction > REDACT_NONE && !s->nturns && !s->nsamples && d->redaction_at &&
	    model_warn(c->m, c->file, d->redaction_at->line, d->redaction_at->col,
		       "'redaction_applied: %s' has nothing to redact: the scenario has no "
		       "conversation turns or samples, and no context.workflow with samples",
		       d->redaction == REDACT_STRICT ? "strict" : "basic"))
		return oom(c);
	sc->session = s;
	return 0;
}
