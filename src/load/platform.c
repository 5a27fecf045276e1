/*
 * load/platform.c - seed 000's workflow sections of the config:
 * happy_path_latency, tools_recommend, mcp_retry, mcp_retry_templates,
 * realistic_scenarios and control_plane, read into
 * model->agent->config.platform (model/agent.h). load/workflow.c turns
 * them into span trees. The accepted shapes are the key tables below;
 * config/config.yaml comments them key by key.
 *
 * Values that end up on spans are checked here, at their own line and
 * column: error types against the conventions' error.type (the five agent
 * values), control-plane attributes against the conventions (a closed
 * vendor enum such as <vendor>.step.outcome refuses other values), retry
 * policies against <vendor>.retry.policy.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "load/loader.h"
#include "model/agent.h"
#include "util/error.h"

const char *const cp_part_names[CP_NPARTS] = { "root", "payload", "policy", "augmentation" };

static const char *const goal_names[] = { "happy_path",       "4xx_invalid_arguments",
					  "wrong_division",   "partial_workflow",
					  "ungrounded_response", NULL };

const char *const *platform_goal_names(void)
{
	return goal_names;
}

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

static struct src_pos pos_of(struct schema_ctx *c, const struct ynode *n)
{
	struct src_pos p = { c->file, n->line, n->col };

	return p;
}

static struct platform_config *pcfg(struct schema_ctx *c)
{
	return &c->m->agent->config.platform;
}

static int need_map(struct schema_ctx *c, const struct ynode *v, const char *what)
{
	if (v->type != YN_MAP)
		return schema_error(c, OTELSIM_EINPUT, v, "%s must be a mapping, not %s", what,
				    ynode_kind(v));
	return 0;
}

static int need_text(struct schema_ctx *c, const struct ynode *v, const char *what,
		     const char **out)
{
	if (v->type != YN_SCALAR || ynode_is_null(v) || !v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "%s must be a non-empty string, not %s",
				    what, ynode_kind(v));
	return value_string(c, v, out);
}

static int need_number(struct schema_ctx *c, const struct ynode *v, const char *what, double min,
		       double max, double *out)
{
	if (v->type != YN_SCALAR || ynode_double(v, out) || !(*out >= min) || !(*out <= max))
		return schema_error(c, OTELSIM_EINPUT, v, "%s must be a number from %g to %g", what,
				    min, max);
	return 0;
}

/* A value attribute `key` (as written, vendor.*) may hold: checked like a scenario's. */
static int check_attr_value(struct schema_ctx *c, const char *key, const struct ynode *v)
{
	struct gen_env env;
	struct gen g;
	bool was = c->vendor_span;
	int rc;

	memset(&env, 0, sizeof(env));
	if (v->type != YN_SCALAR || ynode_is_null(v))
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be a constant, not %s", key,
				    ynode_kind(v));
	c->vendor_span = true;
	rc = value_gen(c, key, v, &env, &g);
	c->vendor_span = was;
	if (!rc && g.kind != GEN_CONST)
		rc = schema_error(c, OTELSIM_EINPUT, v,
				  "'%s' must be a constant here: templates are not allowed", key);
	return rc;
}

/* ---- happy_path_latency ---- */

static int fill_hp_spans(struct schema_ctx *c, const struct ynode *v)
{
	struct platform_config *p = pcfg(c);
	int rc;

	if ((rc = need_map(c, v, "'spans'")))
		return rc;
	p->latency = ARENA_NEWN(&c->m->arena, struct hp_latency, v->n ? v->n : 1);
	if (!p->latency)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct hp_latency *h = &p->latency[i];
		const struct ynode *mean, *var;

		if ((rc = need_text(c, key, "a span name", &h->span)) ||
		    (rc = need_map(c, body, "a span's latency {mean_ms, variance}")))
			return rc;
		for (size_t k = 0; k < body->n; k++) {
			const char *kk = body->pairs[k].key->str;

			if (strcmp(kk, "mean_ms") && strcmp(kk, "variance"))
				return schema_error(c, OTELSIM_EINPUT, body->pairs[k].key,
						    "unknown key '%s' (expected mean_ms, variance)",
						    kk);
		}
		mean = ymap_get(body, "mean_ms");
		var = ymap_get(body, "variance");
		if (!mean)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "missing required key 'mean_ms'");
		if ((rc = need_number(c, mean, "'mean_ms'", 0.001, 3.1536e10, &h->mean_ms)))
			return rc;
		h->variance = -1; /* the default_variance */
		if (var && (rc = need_number(c, var, "'variance'", 0, 10, &h->variance)))
			return rc;
	}
	p->nlatency = (uint32_t)v->n;
	return 0;
}

static int fill_hp(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	(void)obj;
	if (!strcmp(k->key, "default_variance"))
		return need_number(c, v, "'default_variance'", 0, 10,
				   &pcfg(c)->default_variance);
	return fill_hp_spans(c, v);
}

static const struct key_def hp_keys[] = {
	{ "default_variance", KT_NUMBER, 0, NULL, NULL, fill_hp, SCHEMA_NOFILL,
	  "variance of spans that give none (default 0.2)" },
	{ "spans", KT_MAP, 0, NULL, NULL, fill_hp, SCHEMA_NOFILL,
	  "{<span>: {mean_ms, variance}}: a2a_orchestrate, planner, task_execute, llm_call, "
	  "tools_recommend, mcp_tool_execute, response_compose, request_validation, "
	  "response_validation, validation_payload, validation_policy, augmentation" },
};

SCHEMA_TABLE(hp_table, "config.happy_path_latency",
	     "duration = mean_ms x (1 + gauss(0, variance)), at least 1% of the mean", hp_keys);

/* ---- tools_recommend ---- */

static int fill_tr_text(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	(void)obj;
	return need_text(c, v, k->key,
			 !strcmp(k->key, "selection_strategy") ? &pcfg(c)->selection_strategy
							      : &pcfg(c)->selection_constraints);
}

static int fill_tr_count(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	int64_t n;

	(void)obj;
	if (ynode_int(v, &n) || n < 0 || n > 1000000)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must be an integer from 0 to 10^6",
				    k->key);
	pcfg(c)->tools_selected_count = n;
	return 0;
}

static int fill_tr_outcome(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	(void)k, (void)obj;
	return check_attr_value(c, "vendor.step.outcome", v);
}

static const struct key_def tr_keys[] = {
	{ "selection_strategy", KT_STRING, 0, NULL, NULL, fill_tr_text, SCHEMA_NOFILL,
	  "<vendor>.mcp.selection.strategy (default default)" },
	{ "selection_constraints", KT_STRING, 0, NULL, NULL, fill_tr_text, SCHEMA_NOFILL,
	  "<vendor>.mcp.selection.constraints (default none)" },
	{ "tools_selected_count", KT_INT, 0, NULL, NULL, fill_tr_count, SCHEMA_NOFILL,
	  "<vendor>.mcp.tools.selected.count (default 1)" },
	{ "selection_fallback_used", KT_BOOL, 0, NULL, NULL, NULL,
	  offsetof(struct platform_config, selection_fallback_used),
	  "<vendor>.mcp.selection.fallback.used (default false)" },
	{ "step_outcome", KT_STRING, 0, NULL, NULL, fill_tr_outcome, SCHEMA_NOFILL,
	  "accepted for later configs; must be success (the span's outcome follows the turn)" },
};

SCHEMA_TABLE(tr_table, "config.tools_recommend",
	     "attributes of the <vendor>.tools.recommend span", tr_keys);

/* ---- mcp_retry ---- */

static int fill_policy(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	int rc;

	(void)k, (void)obj;
	if ((rc = check_attr_value(c, "vendor.retry.policy", v)))
		return rc;
	return value_string(c, v, &pcfg(c)->retry_policy);
}

static int fill_lat_err(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	struct platform_config *p = pcfg(c);
	int rc;

	(void)k, (void)obj;
	if (v->n > 8)
		return schema_error(c, OTELSIM_EINPUT, v, "at most 8 error types");
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key;

		if ((rc = value_error_type(c, key, "error type", &p->lat_err_type[i])) ||
		    (rc = need_number(c, v->pairs[i].value, "a latency in ms", 0.001, 3.1536e10,
				      &p->lat_err_ms[i])))
			return rc;
	}
	p->nlat_err = (uint32_t)v->n;
	return 0;
}

static const struct key_def mr_keys[] = {
	{ "retry_policy", KT_STRING, 0, NULL, NULL, fill_policy, SCHEMA_NOFILL,
	  "<vendor>.retry.policy on retried MCP spans: none, fixed or exponential" },
	{ "latency_by_error_type", KT_MAP, 0, NULL, NULL, fill_lat_err, SCHEMA_NOFILL,
	  "{<error type>: ms}: mean latency of a failed attempt of that type" },
};

SCHEMA_TABLE(mr_table, "config.mcp_retry", "how MCP tool calls are retried", mr_keys);

/* ---- mcp_retry_templates ---- */

static int fill_attempt_outcome(struct schema_ctx *c, const struct key_def *k,
				const struct ynode *v, void *obj)
{
	struct attempt_def *a = obj;

	(void)k;
	if (!strcmp(v->str, "success") || !strcmp(v->str, "failure")) {
		a->success = !strcmp(v->str, "success");
		return 0;
	}
	{
		static const char *const m[] = { "success", "failure", NULL };

		return schema_enum_error(c, v, "outcome", v->str, m, 2);
	}
}

static int fill_attempt_type(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	(void)k;
	return value_error_type(c, v, "error_type", &((struct attempt_def *)obj)->error_type);
}

static int fill_attempt_latency(struct schema_ctx *c, const struct key_def *k,
				const struct ynode *v, void *obj)
{
	(void)k;
	return need_number(c, v, "'latency_mean_ms'", 0.001, 3.1536e10,
			   &((struct attempt_def *)obj)->latency_mean_ms);
}

static const struct key_def attempt_keys[] = {
	{ "outcome", KT_STRING, KF_REQUIRED, NULL, NULL, fill_attempt_outcome, SCHEMA_NOFILL,
	  "success or failure" },
	{ "error_type", KT_STRING, 0, NULL, NULL, fill_attempt_type, SCHEMA_NOFILL,
	  "a failure's error.type: timeout, unavailable, invalid_arguments, tool_error or "
	  "protocol_error (default tool_error)" },
	{ "latency_mean_ms", KT_NUMBER, 0, NULL, NULL, fill_attempt_latency, SCHEMA_NOFILL,
	  "the attempt's mean latency (default: mcp_retry.latency_by_error_type for a failure, "
	  "happy_path_latency's mcp_tool_execute otherwise)" },
};

SCHEMA_TABLE(attempt_table, "config.mcp_retry_templates.attempt",
	     "one attempt of an MCP tool call: {outcome, error_type, latency_mean_ms}",
	     attempt_keys);

int platform_attempts(struct schema_ctx *c, const struct ynode *v, struct attempt_def **out,
		      uint32_t *n)
{
	struct attempt_def *a;
	int rc;

	if (v->type != YN_SEQ || !v->n || v->n > 16)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'attempts' must be a list of 1 to 16 attempts {outcome, "
				    "error_type, latency_mean_ms}");
	a = ARENA_NEWN(&c->m->arena, struct attempt_def, v->n);
	if (!a)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		if ((rc = need_map(c, v->items[i], "an attempt")) ||
		    (rc = schema_walk(c, &attempt_table, v->items[i], &a[i])))
			return rc;
		a[i].pos = pos_of(c, v->items[i]);
		if (a[i].success && a[i].error_type)
			return schema_error(c, OTELSIM_EINPUT, ymap_get(v->items[i], "error_type"),
					    "a successful attempt has no error_type");
		if (a[i].success && i + 1 < v->n)
			return schema_error(c, OTELSIM_EINPUT, v->items[i + 1],
					    "no attempt follows a successful one");
		if (!a[i].success && !a[i].error_type)
			a[i].error_type = "tool_error";
	}
	*out = a;
	*n = (uint32_t)v->n;
	return 0;
}

static int fill_retry_templates(struct schema_ctx *c, const struct ynode *v)
{
	struct platform_config *p = pcfg(c);
	int rc;

	p->retry_templates = ARENA_NEWN(&c->m->arena, struct retry_template, v->n ? v->n : 1);
	if (!p->retry_templates)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct retry_template *t = &p->retry_templates[i];
		const struct ynode *at;

		if ((rc = need_text(c, key, "a template name", &t->name)) ||
		    (rc = need_map(c, body, "a retry template {attempts}")))
			return rc;
		t->pos = pos_of(c, key);
		for (size_t k = 0; k < body->n; k++)
			if (strcmp(body->pairs[k].key->str, "attempts"))
				return schema_error(c, OTELSIM_EINPUT, body->pairs[k].key,
						    "unknown key '%s' (expected attempts)",
						    body->pairs[k].key->str);
		at = ymap_get(body, "attempts");
		if (!at)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "missing required key 'attempts'");
		if ((rc = platform_attempts(c, at, &t->attempts, &t->nattempts)))
			return rc;
	}
	p->nretry_templates = (uint32_t)v->n;
	return 0;
}

/* ---- realistic_scenarios ---- */

static int find_server(struct schema_ctx *c, const struct ynode *v,
		       const struct mcp_server_def **out)
{
	const struct agent_config *ac = &c->m->agent->config;

	for (uint32_t i = 0; i < ac->nservers; i++)
		if (!strcmp(ac->servers[i].key, v->str)) {
			*out = &ac->servers[i];
			return 0;
		}
	return schema_error(c, OTELSIM_EINPUT, v, "no MCP server '%s' in mcp_servers", v->str);
}

static int fill_divisions(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct platform_config *p = pcfg(c);
	int rc;

	(void)k, (void)obj;
	p->divisions = ARENA_NEWN(&c->m->arena, struct division_def, v->n ? v->n : 1);
	if (!p->divisions)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		struct division_def *d = &p->divisions[i];
		const struct ynode *val = v->pairs[i].value;

		if ((rc = need_text(c, v->pairs[i].key, "a division name", &d->name)) ||
		    (rc = need_text(c, val, "an mcp_servers key", &d->name)) ||
		    (rc = find_server(c, val, &d->server)) ||
		    (rc = need_text(c, v->pairs[i].key, "a division name", &d->name)))
			return rc;
		d->pos = pos_of(c, v->pairs[i].key);
	}
	p->ndivisions = (uint32_t)v->n;
	return 0;
}

static bool is_goal(const char *s)
{
	for (int i = 0; goal_names[i]; i++)
		if (!strcmp(goal_names[i], s))
			return true;
	return false;
}

static int fill_codes(struct schema_ctx *c, const struct ynode *v, struct error_template *t)
{
	if (v->type != YN_SEQ || !v->n || v->n > 32)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'http_status_codes' must be a list of 1 to 32 status codes");
	t->codes = ARENA_NEWN(&c->m->arena, int64_t, v->n);
	if (!t->codes)
		return oom(c);
	for (size_t i = 0; i < v->n; i++)
		if (ynode_int(v->items[i], &t->codes[i]) || t->codes[i] < 100 ||
		    t->codes[i] > 599)
			return schema_error(c, OTELSIM_EINPUT, v->items[i],
					    "an HTTP status code must be an integer from 100 to "
					    "599");
	t->ncodes = (uint32_t)v->n;
	return 0;
}

static int fill_error_templates(struct schema_ctx *c, const struct key_def *k,
				const struct ynode *v, void *obj)
{
	struct platform_config *p = pcfg(c);
	int rc;

	(void)k, (void)obj;
	p->error_templates = ARENA_NEWN(&c->m->arena, struct error_template, v->n ? v->n : 1);
	if (!p->error_templates)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct error_template *t = &p->error_templates[i];

		if ((rc = need_text(c, key, "a simulation goal", &t->goal)))
			return rc;
		if (!is_goal(t->goal))
			return schema_enum_error(c, key, "simulation goal", t->goal, goal_names, 5);
		t->pos = pos_of(c, key);
		if ((rc = need_map(c, body, "an error template {error_type, http_status_codes}")))
			return rc;
		for (size_t j = 0; j < body->n; j++) {
			const struct ynode *kk = body->pairs[j].key, *vv = body->pairs[j].value;

			if (!strcmp(kk->str, "error_type"))
				rc = value_error_type(c, vv, "error_type", &t->error_type);
			else if (!strcmp(kk->str, "http_status_codes"))
				rc = fill_codes(c, vv, t);
			else
				rc = schema_error(c, OTELSIM_EINPUT, kk,
						  "unknown key '%s' (expected error_type, "
						  "http_status_codes)",
						  kk->str);
			if (rc)
				return rc;
		}
	}
	p->nerror_templates = (uint32_t)v->n;
	return 0;
}

static int fill_workflows(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj)
{
	struct platform_config *p = pcfg(c);
	int rc;

	(void)k, (void)obj;
	p->workflows = ARENA_NEWN(&c->m->arena, struct workflow_def, v->n ? v->n : 1);
	if (!p->workflows)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct workflow_def *w = &p->workflows[i];

		if ((rc = need_text(c, key, "a workflow name", &w->name)))
			return rc;
		w->pos = pos_of(c, key);
		if (body->type != YN_SEQ || !body->n || body->n > 64)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "workflow '%s' must be a list of 1 to 64 steps",
					    w->name);
		w->steps = ARENA_NEWN(&c->m->arena, const char *, body->n);
		if (!w->steps)
			return oom(c);
		for (size_t j = 0; j < body->n; j++)
			if ((rc = need_text(c, body->items[j], "a step", &w->steps[j])))
				return rc;
		w->nsteps = (uint32_t)body->n;
	}
	p->nworkflows = (uint32_t)v->n;
	return 0;
}

static const struct key_def rs_keys[] = {
	{ "divisions", KT_MAP, 0, NULL, NULL, fill_divisions, SCHEMA_NOFILL,
	  "{<division>: <mcp_servers key>}: where a wrong_division call goes" },
	{ "error_templates", KT_MAP, 0, NULL, NULL, fill_error_templates, SCHEMA_NOFILL,
	  "{<goal>: {error_type, http_status_codes}}" },
	{ "workflow_templates", KT_MAP, 0, NULL, NULL, fill_workflows, SCHEMA_NOFILL,
	  "{<workflow>: [steps]}: planner, task, tools_recommend, a tool name, response_compose" },
};

SCHEMA_TABLE(rs_table, "config.realistic_scenarios",
	     "divisions, error templates and workflows of the simulation goals", rs_keys);

/* ---- control_plane ---- */

static const char *const phase_names[] = { "incoming_validation", "data_plane",
					   "response_validation", NULL };

static int fill_flows(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	static const char *const outcomes[] = { "allowed", "blocked", "error", NULL };
	struct platform_config *p = pcfg(c);
	int rc;

	(void)k, (void)obj;
	p->flows = ARENA_NEWN(&c->m->arena, struct trace_flow, v->n ? v->n : 1);
	if (!p->flows)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct trace_flow *f = &p->flows[i];
		bool ok = false;

		for (int j = 0; outcomes[j]; j++)
			ok |= !strcmp(outcomes[j], key->str);
		if (!ok)
			return schema_enum_error(c, key, "request outcome", key->str, outcomes, 3);
		f->outcome = key->str;
		if ((rc = value_string(c, key, &f->outcome)))
			return rc;
		if (body->type != YN_SEQ || body->n > 3)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "a trace flow is a list of phases: "
					    "incoming_validation, data_plane, response_validation");
		f->phases = ARENA_NEWN(&c->m->arena, const char *, body->n ? body->n : 1);
		if (!f->phases)
			return oom(c);
		for (size_t j = 0; j < body->n; j++) {
			const struct ynode *it = body->items[j];

			ok = false;
			for (int q = 0; phase_names[q] && it->type == YN_SCALAR; q++)
				ok |= !strcmp(phase_names[q], it->str);
			if (!ok)
				return schema_enum_error(c, it, "phase",
							 it->type == YN_SCALAR ? it->str : "",
							 phase_names, 3);
			if ((rc = value_string(c, it, &f->phases[j])))
				return rc;
		}
		f->nphases = (uint32_t)body->n;
	}
	p->nflows = (uint32_t)v->n;
	return 0;
}

static int fill_cp_latencies(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	static const char *const names[] = { "request_validation", "validation_payload",
					     "validation_policy", "augmentation",
					     "response_validation", NULL };
	int rc;

	(void)k, (void)obj;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key;
		int idx = -1;

		for (int j = 0; names[j]; j++)
			if (!strcmp(names[j], key->str))
				idx = j;
		if (idx < 0)
			return schema_enum_error(c, key, "control-plane span", key->str, names, 5);
		if ((rc = need_number(c, v->pairs[i].value, "a latency in ms", 0.001, 3.1536e10,
				      &pcfg(c)->cp_latency_ms[idx])))
			return rc;
	}
	return 0;
}

/* An attribute of a part: kept as written, checked against the conventions. */
static int add_cp_attr(struct schema_ctx *c, struct cp_part *part, const struct ynode *key,
		       const struct ynode *val)
{
	char full[300];
	struct cp_attr *a;
	int rc;

	if (key->len > 200)
		return schema_error(c, OTELSIM_ELIMIT, key, "attribute key longer than 200 bytes");
	snprintf(full, sizeof(full), "vendor.%s", key->str);
	if ((rc = check_attr_value(c, full, val)))
		return rc;
	a = NULL;
	for (uint32_t i = 0; i < part->nattrs && !a; i++)
		if (!strcmp(part->attrs[i].key, key->str))
			a = &part->attrs[i];
	if (!a) {
		struct cp_attr *na = ARENA_NEWN(&c->m->arena, struct cp_attr, part->nattrs + 1);

		if (!na)
			return oom(c);
		if (part->nattrs)
			memcpy(na, part->attrs, part->nattrs * sizeof(*na));
		part->attrs = na;
		a = &na[part->nattrs++];
		if ((rc = value_string(c, key, &a->key)))
			return rc;
	}
	a->quoted = val->style != YS_PLAIN;
	return value_string(c, val, &a->text);
}

static int fill_exception(struct schema_ctx *c, const struct ynode *v, struct cp_part *part)
{
	const struct ynode *t, *m;
	int rc;

	if ((rc = need_map(c, v, "'exception' ({type, message})")))
		return rc;
	t = ymap_get(v, "type");
	m = ymap_get(v, "message");
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->pairs[i].key->str, "type") && strcmp(v->pairs[i].key->str, "message"))
			return schema_error(c, OTELSIM_EINPUT, v->pairs[i].key,
					    "unknown key '%s' (expected type, message)",
					    v->pairs[i].key->str);
	if (!t)
		return schema_error(c, OTELSIM_EINPUT, v, "missing required key 'type'");
	if ((rc = need_text(c, t, "'type'", &part->exc_type)))
		return rc;
	return m ? need_text(c, m, "'message'", &part->exc_message) : 0;
}

static int fill_verrs(struct schema_ctx *c, const struct ynode *v, struct cp_template *t)
{
	int rc;

	if (v->type != YN_SEQ || v->n > 64)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'validation_errors' must be a list of {path, rule, code}");
	t->verrs = ARENA_NEWN(&c->m->arena, struct validation_error_def, v->n ? v->n : 1);
	if (!t->verrs)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *it = v->items[i];
		struct validation_error_def *e = &t->verrs[i];

		if ((rc = need_map(c, it, "a validation error {path, rule, code}")))
			return rc;
		for (size_t j = 0; j < it->n; j++) {
			const struct ynode *kk = it->pairs[j].key, *vv = it->pairs[j].value;
			const char **dst = !strcmp(kk->str, "path")   ? &e->path
					   : !strcmp(kk->str, "rule") ? &e->rule
					   : !strcmp(kk->str, "code") ? &e->code
								      : NULL;

			if (!dst)
				return schema_error(c, OTELSIM_EINPUT, kk,
						    "unknown key '%s' (expected path, rule, code)",
						    kk->str);
			if ((rc = need_text(c, vv, kk->str, dst)))
				return rc;
		}
	}
	t->nverrs = (uint32_t)v->n;
	return 0;
}

static int fill_part(struct schema_ctx *c, const struct ynode *v, struct cp_template *t, int pid)
{
	struct cp_part *part = &t->parts[pid];
	int rc;

	if ((rc = need_map(c, v, "a control-plane part (attributes)")))
		return rc;
	part->given = true;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *kk = v->pairs[i].key, *vv = v->pairs[i].value;

		if (!strcmp(kk->str, "exception"))
			rc = fill_exception(c, vv, part);
		else if (!strcmp(kk->str, "validation_errors") && pid == CP_PAYLOAD)
			rc = fill_verrs(c, vv, t);
		else
			rc = add_cp_attr(c, part, kk, vv);
		if (rc)
			return rc;
	}
	return 0;
}

static int fill_rates(struct schema_ctx *c, const struct ynode *v, struct cp_template *t)
{
	int rc;

	if ((rc = need_map(c, v, "'error_rate' ({root, payload, policy, augmentation})")))
		return rc;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *kk = v->pairs[i].key;
		int pid = -1;

		for (int j = 0; j < CP_NPARTS; j++)
			if (!strcmp(cp_part_names[j], kk->str))
				pid = j;
		if (pid < 0) {
			static const char *const m[] = { "root", "payload", "policy",
							 "augmentation", NULL };

			return schema_enum_error(c, kk, "part", kk->str, m, 4);
		}
		if ((rc = need_number(c, v->pairs[i].value, "an error rate", 0, 1,
				      &t->parts[pid].error_rate)))
			return rc;
	}
	return 0;
}

static int fill_cp_template(struct schema_ctx *c, const struct ynode *v, struct cp_template *t,
			    bool response)
{
	int rc;

	if ((rc = need_map(c, v, "a control-plane template")))
		return rc;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *kk = v->pairs[i].key, *vv = v->pairs[i].value;
		int pid = -1;
		bool b;

		for (int j = 0; j < CP_NPARTS; j++)
			if (!strcmp(cp_part_names[j], kk->str) &&
			    (!response || j == CP_ROOT || j == CP_POLICY))
				pid = j;
		if (pid >= 0) {
			rc = fill_part(c, vv, t, pid);
		} else if (!strcmp(kk->str, "error_rate")) {
			rc = fill_rates(c, vv, t);
		} else if (!response && (!strcmp(kk->str, "include_policy") ||
					 !strcmp(kk->str, "include_augmentation"))) {
			if (ynode_bool(vv, &b))
				return schema_error(c, OTELSIM_EINPUT, vv,
						    "'%s' must be true or false", kk->str);
			if (!strcmp(kk->str, "include_policy"))
				t->include_policy = b;
			else
				t->include_augmentation = b;
		} else {
			rc = schema_error(c, OTELSIM_EINPUT, kk,
					  response ? "unknown key '%s' (expected root, policy, "
						     "error_rate)"
						   : "unknown key '%s' (expected root, payload, "
						     "policy, augmentation, include_policy, "
						     "include_augmentation, error_rate)",
					  kk->str);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int fill_cp_templates(struct schema_ctx *c, const struct ynode *v, bool response)
{
	struct platform_config *p = pcfg(c);
	struct cp_template defaults, *ts;
	const struct ynode *dv = response ? NULL : ymap_get(v, "_defaults");
	uint32_t n = 0;
	int rc;

	memset(&defaults, 0, sizeof(defaults));
	defaults.include_policy = defaults.include_augmentation = true;
	if (dv && (rc = fill_cp_template(c, dv, &defaults, false)))
		return rc;
	ts = ARENA_NEWN(&c->m->arena, struct cp_template, v->n ? v->n : 1);
	if (!ts)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key;
		struct cp_template *t = &ts[n];

		if (!strcmp(key->str, "_defaults") && !response)
			continue;
		*t = defaults;
		for (int j = 0; j < CP_NPARTS; j++) {
			struct cp_part *pt = &t->parts[j];

			if (!pt->nattrs)
				continue;
			pt->attrs = ARENA_NEWN(&c->m->arena, struct cp_attr, pt->nattrs);
			if (!pt->attrs)
				return oom(c);
			memcpy(pt->attrs, defaults.parts[j].attrs, pt->nattrs * sizeof(*pt->attrs));
		}
		if ((rc = need_text(c, key, "a template name", &t->name)) ||
		    (rc = fill_cp_template(c, v->pairs[i].value, t, response)))
			return rc;
		t->pos = pos_of(c, key);
		n++;
	}
	if (response) {
		p->response_templates = ts;
		p->nresponse_templates = n;
	} else {
		p->request_templates = ts;
		p->nrequest_templates = n;
	}
	return 0;
}

static int fill_req_templates(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			      void *obj)
{
	(void)obj;
	return fill_cp_templates(c, v, !strcmp(k->key, "response_validation_templates"));
}

static int fill_cp_scenarios(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	struct platform_config *p = pcfg(c);
	int rc;

	(void)k, (void)obj;
	p->cp_scenarios = ARENA_NEWN(&c->m->arena, struct cp_scenario_def, v->n ? v->n : 1);
	if (!p->cp_scenarios)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *key = v->pairs[i].key, *body = v->pairs[i].value;
		struct cp_scenario_def *s = &p->cp_scenarios[i];

		if ((rc = need_text(c, key, "a scenario name", &s->name)) ||
		    (rc = need_map(c, body, "a request scenario {template, description, "
					    "workload_weight}")))
			return rc;
		s->pos = pos_of(c, key);
		for (size_t j = 0; j < body->n; j++) {
			const struct ynode *kk = body->pairs[j].key, *vv = body->pairs[j].value;

			if (!strcmp(kk->str, "template")) {
				rc = need_text(c, vv, "'template'", &s->template_name);
			} else if (!strcmp(kk->str, "description")) {
				rc = need_text(c, vv, "'description'", &s->description);
			} else if (!strcmp(kk->str, "workload_weight")) {
				rc = need_number(c, vv, "'workload_weight'", -1e9, 1e9, &s->weight);
				s->has_weight = true;
			} else {
				rc = schema_error(c, OTELSIM_EINPUT, kk,
						  "unknown key '%s' (expected template, "
						  "description, workload_weight)",
						  kk->str);
			}
			if (rc)
				return rc;
		}
		if (!s->template_name)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "missing required key 'template'");
	}
	p->ncp_scenarios = (uint32_t)v->n;
	return 0;
}

static const struct key_def cp_keys[] = {
	{ "trace_flow", KT_MAP, 0, NULL, NULL, fill_flows, SCHEMA_NOFILL,
	  "{allowed|blocked|error: [phases]}: incoming_validation, data_plane, "
	  "response_validation" },
	{ "latencies_ms", KT_MAP, 0, NULL, NULL, fill_cp_latencies, SCHEMA_NOFILL,
	  "{request_validation, validation_payload, validation_policy, augmentation, "
	  "response_validation}: mean ms (default: happy_path_latency's)" },
	{ "request_validation_templates", KT_MAP, 0, NULL, NULL, fill_req_templates,
	  SCHEMA_NOFILL,
	  "{_defaults, <name>: {root, payload, policy, augmentation, include_policy, "
	  "include_augmentation, error_rate}}" },
	{ "response_validation_templates", KT_MAP, 0, NULL, NULL, fill_req_templates,
	  SCHEMA_NOFILL, "{<name>: {root, policy, error_rate}}" },
	{ "request_scenarios", KT_MAP, 0, NULL, NULL, fill_cp_scenarios, SCHEMA_NOFILL,
	  "{<scenario>: {template, description, workload_weight}}: runnable without a file" },
	{ "default_data_plane_workflow", KT_STRING, 0, NULL, NULL, NULL, SCHEMA_NOFILL,
	  "accepted for later configs (the allowed flow's data plane is the scenario's)" },
};

SCHEMA_TABLE(cp_table, "config.control_plane",
	     "control-plane requests: flows, templates, latencies, registry", cp_keys);

static int check_cp_scenarios(struct schema_ctx *c, const struct ynode *v)
{
	const struct platform_config *p = pcfg(c);

	for (uint32_t i = 0; i < p->ncp_scenarios; i++) {
		const struct cp_scenario_def *s = &p->cp_scenarios[i];
		bool found = false;

		for (uint32_t j = 0; j < p->nrequest_templates; j++)
			found |= !strcmp(p->request_templates[j].name, s->template_name);
		if (!found)
			return error_at(c->err, OTELSIM_EINPUT, s->pos.file, s->pos.line,
					s->pos.col,
					"request scenario '%s' names template '%s', which "
					"request_validation_templates lacks",
					s->name, s->template_name);
	}
	(void)v;
	return 0;
}

int platform_config_fill(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct platform_config *p = pcfg(c);
	int rc;

	(void)obj;
	if (!strcmp(k->key, "happy_path_latency")) {
		p->has_latency = true;
		return schema_walk(c, &hp_table, v, p);
	}
	if (!strcmp(k->key, "tools_recommend")) {
		p->has_recommend = true;
		return schema_walk(c, &tr_table, v, p);
	}
	if (!strcmp(k->key, "mcp_retry"))
		return schema_walk(c, &mr_table, v, p);
	if (!strcmp(k->key, "mcp_retry_templates"))
		return fill_retry_templates(c, v);
	if (!strcmp(k->key, "realistic_scenarios"))
		return schema_walk(c, &rs_table, v, p);
	if (!strcmp(k->key, "control_plane")) {
		p->cp_pos = pos_of(c, v);
		if ((rc = schema_walk(c, &cp_table, v, p)))
			return rc;
		return check_cp_scenarios(c, v);
	}
	return error_set(c->err, OTELSIM_EINTERNAL, "config section '%s'", k->key);
}

void platform_defaults(struct platform_config *p)
{
	p->default_variance = 0.2;
	p->selection_strategy = "default";
	p->selection_constraints = "none";
	p->tools_selected_count = 1;
	p->retry_policy = "exponential";
}

const struct key_table *const platform_key_tables[] = { &hp_table, &tr_table,      &mr_table,
							&attempt_table, &rs_table, &cp_table,
							NULL };
