/*
 * load/workflow.c - a native scenario's tree from seed 000's data_plane
 * and control_plane settings (load/workflow.h).
 *
 * Data plane, steps in workflow order ("task" opens a sub-task that holds
 * the steps after it, up to the next task or response_compose):
 *   <vendor>.a2a.orchestrate                       the root (or under cp.request)
 *     <vendor>.planner > <vendor>.llm.call        planning, tool selection
 *     <vendor>.task.execute                       per task step (task.id, task.type)
 *       <vendor>.tools.recommend                  tools_recommend
 *       <vendor>.mcp.tool.execute                 per tool step, with one
 *         <vendor>.mcp.tool.execute.attempt       ... child per attempt
 *       <vendor>.llm.call                         the answer, after the task's tools
 *     <vendor>.response.compose                   a direct child of the root
 * Durations: happy_path_latency (mean x (1 + gauss(0, variance)), at
 * least 1% of the mean). A tool call whose last attempt fails marks its
 * ancestors ERROR (the turn FAILURE, the task's step.outcome fail) and the
 * response's step.outcome fail: a failed turn is never reported a success.
 *
 * Control plane: a cp.request root (the request's validation: the
 * template's root attributes) with <vendor>.validation.payload,
 * <vendor>.validation.policy and <vendor>.augmentation children (the
 * incoming validation); then, when the config's trace_flow says so for
 * the request's outcome (allowed, by default), the data plane and
 * <vendor>.response.validation > <vendor>.validation.policy.
 */
#include "load/workflow.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "load/loader.h"
#include "model/agent.h"
#include "util/error.h"
#include "util/jsonw.h"

enum goal { G_HAPPY = 0, G_4XX, G_WRONG, G_PARTIAL, G_UNGROUNDED, G_NGOALS };

struct wf {
	struct schema_ctx *c;
	const struct platform_config *p;
	const struct wf_input *in;
	struct wf_result *res;
	struct jsonw w;
	int goal;
	const struct workflow_def *wf;
	const char **steps; /* the steps the tree shows */
	uint32_t nsteps;
	const struct attempt_def *retry; /* data_plane.mcp_retry, or NULL */
	uint32_t nretry;
	int64_t target; /* the tool step (0-based among tool steps) a goal hits */
	bool fixed;     /* step_index_for_4xx given: target is that step */
	uint32_t targets[64]; /* the steps a goal may hit: one root each */
	uint32_t ntargets;
	uint32_t cur;         /* the root being written */
	const struct mcp_server_def **wrong; /* wrong_division's candidate servers */
	uint32_t nwrong;
	bool tool_failed; /* some tool call's last attempt fails */
	uint32_t ntasks, ntools, nmcp;
	uint32_t ntool_steps; /* the workflow's tool steps */
};

/* ---- durations ---- */

static const struct {
	const char *span;
	double mean, variance;
} hp_defaults[] = {
	{ "a2a_orchestrate", 1500, 0.2 },      { "planner", 220, 0.22 },
	{ "task_execute", 75, 0.18 },          { "llm_call", 420, 0.35 },
	{ "tools_recommend", 52, 0.28 },       { "mcp_tool_execute", 160, 0.32 },
	{ "response_compose", 58, 0.2 },       { "request_validation", 36, 0.25 },
	{ "response_validation", 38, 0.25 },   { "validation_payload", 18, 0.22 },
	{ "validation_policy", 24, 0.25 },     { "augmentation", 85, 0.35 },
};

static void hp_lookup(const struct platform_config *p, const char *span, double *mean,
		      double *var)
{
	*mean = 50;
	*var = p->default_variance;
	for (size_t i = 0; i < sizeof(hp_defaults) / sizeof(hp_defaults[0]); i++)
		if (!strcmp(hp_defaults[i].span, span)) {
			*mean = hp_defaults[i].mean;
			*var = p->has_latency ? p->default_variance : hp_defaults[i].variance;
		}
	for (uint32_t i = 0; i < p->nlatency; i++)
		if (!strcmp(p->latency[i].span, span)) {
			*mean = p->latency[i].mean_ms;
			*var = p->latency[i].variance >= 0 ? p->latency[i].variance
							   : p->default_variance;
		}
}

/* "latency": mean x (1 + gauss(0, variance)), floored at 1% of the mean */
static void put_latency_ms(struct wf *x, double mean, double var)
{
	jsonw_key(&x->w, "latency");
	jsonw_begin_object(&x->w);
	jsonw_key(&x->w, "distribution");
	jsonw_string(&x->w, "normal");
	jsonw_key(&x->w, "mean_ms");
	jsonw_double(&x->w, mean);
	jsonw_key(&x->w, "stddev_ms");
	jsonw_double(&x->w, mean * var);
	jsonw_key(&x->w, "min_ms");
	jsonw_double(&x->w, mean * 0.01);
	jsonw_end_object(&x->w);
}

static void put_latency(struct wf *x, const char *span)
{
	double mean, var;

	hp_lookup(x->p, span, &mean, &var);
	put_latency_ms(x, mean, var);
}

static void put_str(struct wf *x, const char *key, const char *val)
{
	jsonw_key(&x->w, key);
	jsonw_string(&x->w, val);
}

static void put_int(struct wf *x, const char *key, int64_t v)
{
	jsonw_key(&x->w, key);
	jsonw_int(&x->w, v);
}

static void begin_span(struct wf *x, const char *type, const char *kind)
{
	jsonw_begin_object(&x->w);
	put_str(x, "type", type);
	put_str(x, "kind", kind);
}

static void put_error(struct wf *x, double rate, const char *type, const char *msg,
		      const char *propagate)
{
	jsonw_key(&x->w, "error");
	jsonw_begin_object(&x->w);
	jsonw_key(&x->w, "rate");
	jsonw_double(&x->w, rate);
	put_str(x, "type", type);
	if (msg)
		put_str(x, "message", msg);
	if (propagate) {
		jsonw_key(&x->w, "propagate");
		jsonw_bool(&x->w, true);
	}
	jsonw_end_object(&x->w);
}

/* ---- the data plane ---- */

static bool is_keyword(const char *s)
{
	return !strcmp(s, "planner") || !strcmp(s, "task") || !strcmp(s, "tools_recommend") ||
	       !strcmp(s, "response_compose") || !strcmp(s, "llm_call");
}

static void put_llm(struct wf *x, int64_t in_min, int64_t in_max)
{
	begin_span(x, "vendor.llm.call", "client");
	put_latency(x, "llm_call");
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_str(x, "gen_ai.operation.name", "chat");
	put_str(x, "gen_ai.provider.name", "openai");
	put_str(x, "gen_ai.request.model", "gpt-4o");
	put_str(x, "gen_ai.response.model", "gpt-4o-2024-08-06");
	jsonw_key(&x->w, "gen_ai.usage.input_tokens");
	jsonw_begin_object(&x->w);
	put_str(x, "distribution", "uniform");
	put_int(x, "min", in_min);
	put_int(x, "max", in_max);
	jsonw_end_object(&x->w);
	jsonw_key(&x->w, "gen_ai.usage.output_tokens");
	jsonw_begin_object(&x->w);
	put_str(x, "distribution", "uniform");
	put_int(x, "min", in_min / 10);
	put_int(x, "max", in_max / 5);
	jsonw_end_object(&x->w);
	jsonw_end_object(&x->w);
	jsonw_end_object(&x->w);
}

static void put_planner(struct wf *x)
{
	begin_span(x, "vendor.planner", "internal");
	put_latency(x, "planner");
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_str(x, "vendor.planner.strategy", "react");
	put_int(x, "vendor.planner.steps", x->nsteps);
	put_str(x, "vendor.step.outcome", "success");
	jsonw_end_object(&x->w);
	jsonw_key(&x->w, "children");
	jsonw_begin_array(&x->w);
	put_llm(x, 200, 2000);
	jsonw_end_array(&x->w);
	jsonw_end_object(&x->w);
}

static void put_recommend(struct wf *x)
{
	double mean, var;

	hp_lookup(x->p, "tools_recommend", &mean, &var);
	begin_span(x, "vendor.tools.recommend", "internal");
	put_latency_ms(x, mean, var);
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_str(x, "vendor.mcp.selection.strategy", x->p->selection_strategy);
	put_str(x, "vendor.mcp.selection.constraints", x->p->selection_constraints);
	put_int(x, "vendor.mcp.tools.selected.count", x->p->tools_selected_count);
	jsonw_key(&x->w, "vendor.mcp.selection.fallback.used");
	jsonw_bool(&x->w, x->p->selection_fallback_used);
	put_int(x, "vendor.mcp.tools.available.count",
		x->in->server ? (int64_t)x->in->server->ntools : 0);
	jsonw_key(&x->w, "vendor.mcp.selection.latency.ms");
	jsonw_double(&x->w, mean);
	put_str(x, "vendor.step.outcome", "success");
	jsonw_end_object(&x->w);
	jsonw_end_object(&x->w);
}

static double attempt_mean(const struct wf *x, const struct attempt_def *a)
{
	double mean, var;

	if (a->latency_mean_ms > 0)
		return a->latency_mean_ms;
	for (uint32_t i = 0; !a->success && i < x->p->nlat_err; i++)
		if (!strcmp(x->p->lat_err_type[i], a->error_type))
			return x->p->lat_err_ms[i];
	hp_lookup(x->p, "mcp_tool_execute", &mean, &var);
	return mean;
}

static const struct error_template *error_template(const struct wf *x, int goal)
{
	const char *const *names = platform_goal_names();

	for (uint32_t i = 0; i < x->p->nerror_templates; i++)
		if (!strcmp(x->p->error_templates[i].goal, names[goal]))
			return &x->p->error_templates[i];
	return NULL;
}

static const char *goal_error_type(const struct wf *x, int goal, const char *dflt)
{
	const struct error_template *t = error_template(x, goal);

	return t && t->error_type ? t->error_type : dflt;
}

static void put_attempt(struct wf *x, const struct attempt_def *a, uint32_t k, bool status4xx)
{
	double mean, var;

	hp_lookup(x->p, "mcp_tool_execute", &mean, &var);
	begin_span(x, "vendor.mcp.tool.execute.attempt", "client");
	put_latency_ms(x, attempt_mean(x, a), var);
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_int(x, "vendor.attempt.number", k);
	put_str(x, "vendor.attempt.outcome", a->success ? "success" : "failure");
	put_int(x, "retry.attempt", k);
	if (status4xx) {
		const struct error_template *t = error_template(x, G_4XX);
		static const int64_t dflt[] = { 400, 404, 422 };
		const int64_t *codes = t && t->ncodes ? t->codes : dflt;
		uint32_t n = t && t->ncodes ? t->ncodes : 3;
		char buf[32 * 12 + 40];
		size_t used = 0;

		used += (size_t)snprintf(buf, sizeof(buf), "{{random.choice(");
		for (uint32_t i = 0; i < n && used < sizeof(buf) - 16; i++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%lld",
						 i ? "," : "", (long long)codes[i]);
		snprintf(buf + used, sizeof(buf) - used, ")}}");
		put_str(x, "http.response.status_code", buf);
	}
	jsonw_end_object(&x->w);
	if (!a->success)
		put_error(x, 1.0, a->error_type, NULL, NULL);
	jsonw_end_object(&x->w);
}

/* The attempts of tool step `ordinal`: the goal's, the retry template's, or one success. */
static void attempts_of(struct wf *x, uint32_t ordinal, const struct attempt_def **out,
			uint32_t *n, bool *status4xx)
{
	static struct attempt_def one_ok = { true, NULL, 0, { NULL, 0, 0 } };
	static struct attempt_def fail_4xx = { false, "invalid_arguments", 0, { NULL, 0, 0 } };
	static struct attempt_def fail_wrong = { false, "tool_error", 0, { NULL, 0, 0 } };

	*status4xx = false;
	if (x->goal == G_4XX && ordinal == x->target) {
		fail_4xx.error_type = goal_error_type(x, G_4XX, "invalid_arguments");
		*out = &fail_4xx;
		*n = 1;
		*status4xx = true;
	} else if (x->goal == G_WRONG && ordinal == x->target) {
		fail_wrong.error_type = goal_error_type(x, G_WRONG, "tool_error");
		*out = &fail_wrong;
		*n = 1;
	} else if (x->retry) {
		*out = x->retry;
		*n = x->nretry;
	} else {
		*out = &one_ok;
		*n = 1;
	}
}

static void put_mcp(struct wf *x, const char *tool)
{
	const struct attempt_def *at;
	uint32_t n, ordinal = x->ntools++;
	bool s4xx;
	const struct attempt_def *last;

	attempts_of(x, ordinal, &at, &n, &s4xx);
	last = &at[n - 1];
	if (x->goal == G_WRONG && ordinal == x->target) {
		x->res->wrong[x->cur].servers = x->wrong;
		x->res->wrong[x->cur].n = x->nwrong;
		x->res->wrong[x->cur].ordinal = x->nmcp;
	}
	x->nmcp++;
	begin_span(x, "vendor.mcp.tool.execute", "client");
	jsonw_key(&x->w, "latency");
	jsonw_double(&x->w, 0.5);
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_str(x, "gen_ai.operation.name", "execute_tool");
	put_str(x, "gen_ai.tool.name", tool);
	put_str(x, "vendor.mcp.tool.name", tool);
	put_str(x, "mcp.method.name", "tools/call");
	put_int(x, "vendor.retry.count", (int64_t)n - 1);
	put_str(x, "vendor.retry.policy", n > 1 ? x->p->retry_policy : "none");
	if (n > 1)
		put_str(x, "vendor.retry.reason", at[0].error_type);
	put_str(x, "vendor.step.outcome", last->success ? "success" : "fail");
	jsonw_end_object(&x->w);
	if (!last->success) {
		put_error(x, 1.0, last->error_type, NULL, "true");
		x->tool_failed = true;
	}
	jsonw_key(&x->w, "children");
	jsonw_begin_array(&x->w);
	for (uint32_t k = 0; k < n; k++)
		put_attempt(x, &at[k], k + 1, s4xx && k == n - 1);
	jsonw_end_array(&x->w);
	jsonw_end_object(&x->w);
}

static void put_compose(struct wf *x)
{
	bool fail = x->goal == G_PARTIAL || x->goal == G_UNGROUNDED;

	begin_span(x, "vendor.response.compose", "internal");
	put_latency(x, "response_compose");
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_str(x, "vendor.response.format", "a2a_json");
	put_str(x, "vendor.step.outcome", fail || x->tool_failed ? "fail" : "success");
	jsonw_end_object(&x->w);
	if (x->goal == G_UNGROUNDED)
		put_error(x, 1.0, goal_error_type(x, G_UNGROUNDED, "unavailable"), NULL, NULL);
	else if (x->goal == G_PARTIAL)
		put_error(x, 1.0, goal_error_type(x, G_PARTIAL, "tool_error"), NULL, NULL);
	jsonw_end_object(&x->w);
}

/* Steps [i, end) of a task's body: tools_recommend, tools, an explicit llm_call. */
static uint32_t put_task_body(struct wf *x, uint32_t i, bool *tools)
{
	for (; i < x->nsteps; i++) {
		const char *s = x->steps[i];

		if (!strcmp(s, "task") || !strcmp(s, "response_compose") || !strcmp(s, "planner"))
			break;
		if (!strcmp(s, "tools_recommend")) {
			put_recommend(x);
		} else if (!strcmp(s, "llm_call")) {
			put_llm(x, 800, 4000);
		} else {
			put_mcp(x, s);
			*tools = true;
		}
	}
	return i;
}

static uint32_t put_task(struct wf *x, uint32_t i)
{
	char id[32];
	bool tools = false;

	snprintf(id, sizeof(id), "task_%02u", ++x->ntasks);
	begin_span(x, "vendor.task.execute", "internal");
	put_latency(x, "task_execute");
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	put_str(x, "vendor.task.id", id);
	put_str(x, "vendor.task.type", x->wf ? x->wf->name : "task");
	put_str(x, "vendor.step.outcome", "success");
	jsonw_end_object(&x->w);
	jsonw_key(&x->w, "children");
	jsonw_begin_array(&x->w);
	i = put_task_body(x, i + 1, &tools);
	if (tools)
		put_llm(x, 800, 4000);
	jsonw_end_array(&x->w);
	jsonw_end_object(&x->w);
	return i;
}

static void put_steps(struct wf *x)
{
	uint32_t i = 0;

	while (i < x->nsteps) {
		const char *s = x->steps[i];
		bool tools = false;

		if (!strcmp(s, "planner")) {
			put_planner(x);
			i++;
		} else if (!strcmp(s, "task")) {
			i = put_task(x, i);
		} else if (!strcmp(s, "response_compose")) {
			put_compose(x);
			i++;
		} else {
			i = put_task_body(x, i, &tools);
			if (tools)
				put_llm(x, 800, 4000);
		}
	}
}

static void put_orchestrate(struct wf *x)
{
	/* a dry run finds whether a tool call fails, which the root's status follows */
	const char *status = x->goal == G_HAPPY ? "SUCCESS" : "PARTIAL";

	begin_span(x, "vendor.a2a.orchestrate", "server");
	put_latency(x, "a2a_orchestrate");
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	if (x->tool_failed)
		status = "FAILURE";
	put_str(x, "vendor.turn.status.code", status);
	jsonw_end_object(&x->w);
	jsonw_key(&x->w, "children");
	jsonw_begin_array(&x->w);
	x->ntasks = x->ntools = x->nmcp = 0;
	put_steps(x);
	jsonw_end_array(&x->w);
	jsonw_end_object(&x->w);
}

/* ---- reading the scenario's settings ---- */

static int err_at(struct wf *x, const struct ynode *n, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* An input error at n (a message of up to 600 bytes). */
static int err_at(struct wf *x, const struct ynode *n, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return schema_error(x->c, OTELSIM_EINPUT, n, "%s", msg);
}

static const struct workflow_def *find_workflow(const struct platform_config *p,
						const char *name)
{
	for (uint32_t i = 0; i < p->nworkflows; i++)
		if (!strcmp(p->workflows[i].name, name))
			return &p->workflows[i];
	return NULL;
}

static int read_goal(struct wf *x, const struct ynode *g)
{
	const char *const *names = platform_goal_names();

	x->goal = G_HAPPY;
	if (!g)
		return 0;
	if (g->type != YN_SCALAR || !ynode_is_string(g))
		return schema_error(x->c, OTELSIM_EINPUT, g,
				    "'simulation_goal' must be a string, not %s", ynode_kind(g));
	for (int i = 0; i < G_NGOALS; i++)
		if (!strcmp(names[i], g->str)) {
			x->goal = i;
			return 0;
		}
	return schema_enum_error(x->c, g, "simulation goal", g->str, names, G_NGOALS);
}

/* A list of step names at n, into arena strings. */
static int read_steps(struct wf *x, const struct ynode *n, const char *what, const char ***out,
		      uint32_t *count)
{
	const char **s;
	int rc;

	if (n->type != YN_SEQ || !n->n || n->n > 64)
		return schema_error(x->c, OTELSIM_EINPUT, n, "'%s' must be a list of 1 to 64 steps",
				    what);
	s = ARENA_NEWN(&x->c->m->arena, const char *, n->n);
	if (!s)
		return error_set(x->c->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t i = 0; i < n->n; i++) {
		if (n->items[i]->type != YN_SCALAR || !n->items[i]->len)
			return schema_error(x->c, OTELSIM_EINPUT, n->items[i],
					    "a step must be a non-empty string");
		if ((rc = value_string(x->c, n->items[i], &s[i])))
			return rc;
	}
	*out = s;
	*count = (uint32_t)n->n;
	return 0;
}

static bool in_list(const char *s, const char *const *list, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/* partial_workflow: actual_steps, or the correct flow without skip_steps. */
static int partial_steps(struct wf *x, const struct ynode *ov)
{
	const struct ynode *actual = ov ? ymap_get(ov, "actual_steps") : NULL;
	const struct ynode *skip = ov ? ymap_get(ov, "skip_steps") : NULL;
	const struct ynode *cf = x->in->correct_flow;
	const char **skips = NULL, **kept;
	uint32_t nskip = 0, n = 0;
	int rc;

	if (actual)
		return read_steps(x, actual, "actual_steps", &x->steps, &x->nsteps);
	if (cf) {
		const struct ynode *st = cf->type == YN_MAP ? ymap_get(cf, "steps") : NULL;

		if (!st)
			return schema_error(x->c, OTELSIM_EINPUT, cf,
					    "'correct_flow' must be a mapping with 'steps'");
		if ((rc = read_steps(x, st, "correct_flow.steps", &x->steps, &x->nsteps)))
			return rc;
	}
	if (!skip)
		return 0;
	if ((rc = read_steps(x, skip, "skip_steps", &skips, &nskip)))
		return rc;
	kept = ARENA_NEWN(&x->c->m->arena, const char *, x->nsteps ? x->nsteps : 1);
	if (!kept)
		return error_set(x->c->err, OTELSIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < nskip; i++)
		if (!in_list(skips[i], x->steps, x->nsteps))
			return err_at(x, skip->items[i], "skip step '%s' is not a step of the flow%s",
				      skips[i], "");
	for (uint32_t i = 0; i < x->nsteps; i++)
		if (!in_list(x->steps[i], skips, nskip))
			kept[n++] = x->steps[i];
	x->steps = kept;
	x->nsteps = n;
	return 0;
}

static int check_override_keys(struct wf *x, const struct ynode *ov)
{
	static const char *const keys[] = { "step_index_for_4xx", "wrong_division_target",
					    "actual_steps", "skip_steps", NULL };

	if (ov->type != YN_MAP)
		return schema_error(x->c, OTELSIM_EINPUT, ov,
				    "'realistic_overrides' must be a mapping, not %s",
				    ynode_kind(ov));
	for (size_t i = 0; i < ov->n; i++) {
		const struct ynode *k = ov->pairs[i].key;
		bool ok = false;

		for (int j = 0; keys[j]; j++)
			ok |= !strcmp(keys[j], k->str);
		if (!ok)
			return schema_enum_error(x->c, k, "override", k->str, keys, 4);
	}
	return 0;
}

/* Tool steps must be tools of the context's server. */
static int check_tools(struct wf *x, const struct ynode *at)
{
	const struct mcp_server_def *srv = x->in->server;
	uint32_t ntools = 0;

	for (uint32_t i = 0; i < x->nsteps; i++) {
		const char *s = x->steps[i];
		bool found = false;

		if (is_keyword(s))
			continue;
		ntools++;
		if (!srv)
			return err_at(x, at,
				      "step '%s' calls a tool: the scenario needs context.mcp_server%s",
				      s, "");
		for (uint32_t t = 0; t < srv->ntools; t++)
			found |= !strcmp(srv->tools[t].name, s);
		if (!found)
			return err_at(x, at, "step '%s' is not a tool of MCP server '%s'", s,
				      srv->key);
	}
	if ((x->goal == G_4XX || x->goal == G_WRONG) && x->target >= (int64_t)ntools)
		return schema_error(x->c, OTELSIM_EINPUT, at,
				    "the goal needs a tool step %lld, and the workflow has %u",
				    (long long)x->target, ntools);
	x->ntool_steps = ntools;
	return 0;
}

static bool has_tool(const struct mcp_server_def *s, const char *tool)
{
	for (uint32_t t = 0; t < s->ntools; t++)
		if (!strcmp(s->tools[t].name, tool))
			return true;
	return false;
}

/* The tool step the goal hits (step_index_for_4xx among the tool steps). */
static const char *target_tool(const struct wf *x)
{
	uint32_t ord = 0;

	for (uint32_t i = 0; i < x->nsteps; i++)
		if (!is_keyword(x->steps[i]) && ord++ == (uint32_t)x->target)
			return x->steps[i];
	return NULL;
}

static bool listed(const struct mcp_server_def *const *v, uint32_t n,
		   const struct mcp_server_def *s)
{
	for (uint32_t i = 0; i < n; i++)
		if (v[i] == s)
			return true;
	return false;
}

/*
 * wrong_division's servers: the target division's, else every other
 * division's server that has the called tool (one is drawn per trace).
 */
static int read_wrong(struct wf *x, const struct ynode *ov)
{
	const struct ynode *t = ov ? ymap_get(ov, "wrong_division_target") : NULL;
	const struct platform_config *p = x->p;
	const char *tool = target_tool(x);

	x->nwrong = 0;
	x->wrong = ARENA_NEWN(&x->c->m->arena, const struct mcp_server_def *,
			      p->ndivisions ? p->ndivisions : 1);
	if (!x->wrong)
		return error_set(x->c->err, OTELSIM_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < p->ndivisions; i++) {
		const struct division_def *d = &p->divisions[i];

		if (t ? t->type == YN_SCALAR && !strcmp(d->name, t->str)
		      : d->server != x->in->server && tool && has_tool(d->server, tool) &&
				!listed(x->wrong, x->nwrong, d->server))
			x->wrong[x->nwrong++] = d->server;
	}
	if (t && !x->nwrong)
		return err_at(x, t, "no division '%s' in realistic_scenarios.divisions",
			      t->type == YN_SCALAR ? t->str : "");
	if (!x->nwrong)
		return err_at(x, x->in->at,
			      "wrong_division needs another division in "
			      "realistic_scenarios.divisions whose MCP server has tool '%s'",
			      tool ? tool : "?");
	if (x->wrong[0] == x->in->server)
		return err_at(x, t, "division '%s' is the scenario's own MCP server", t->str);
	if (tool && !has_tool(x->wrong[0], tool))
		return err_at(x, t, "the wrong division's MCP server '%s' has no tool '%s'",
			      x->wrong[0]->key, tool);
	return 0;
}

static int read_retry(struct wf *x, const struct ynode *r)
{
	if (!r)
		return 0;
	if (r->type == YN_SCALAR) {
		for (uint32_t i = 0; i < x->p->nretry_templates; i++)
			if (!strcmp(x->p->retry_templates[i].name, r->str)) {
				x->retry = x->p->retry_templates[i].attempts;
				x->nretry = x->p->retry_templates[i].nattempts;
				return 0;
			}
		return err_at(x, r, "no MCP retry template '%s' in mcp_retry_templates%s", r->str,
			      "");
	}
	if (r->type == YN_MAP && ymap_get(r, "attempts") && r->n == 1) {
		struct attempt_def *a;
		int rc = platform_attempts(x->c, ymap_get(r, "attempts"), &a, &x->nretry);

		x->retry = a;
		return rc;
	}
	return schema_error(x->c, OTELSIM_EINPUT, r,
			    "'mcp_retry' is a template name or {attempts: [...]}");
}

static const struct ynode *dp_get(const struct wf *x, const char *key)
{
	const struct ynode *dp = x->in->data_plane;

	return dp ? ymap_get(dp, key) : NULL;
}

static int check_dp_keys(struct wf *x)
{
	static const char *const keys[] = { "workflow", "simulation_goal",
					    "control_plane_template", "mcp_retry", NULL };
	const struct ynode *dp = x->in->data_plane;

	for (size_t i = 0; dp && i < dp->n; i++) {
		const struct ynode *k = dp->pairs[i].key;
		bool ok = false;

		for (int j = 0; keys[j]; j++)
			ok |= !strcmp(keys[j], k->str);
		if (!ok)
			return schema_enum_error(x->c, k, "data_plane key", k->str, keys, 4);
	}
	return 0;
}

static int read_target(struct wf *x, const struct ynode *ov)
{
	const struct ynode *t = ov ? ymap_get(ov, "step_index_for_4xx") : NULL;

	x->target = 0;
	x->fixed = t != NULL;
	if (t && (ynode_int(t, &x->target) || x->target < 0 || x->target > 63))
		return schema_error(x->c, OTELSIM_EINPUT, t,
				    "'step_index_for_4xx' must be an integer from 0 to 63 (the "
				    "tool step, counted from 0)");
	return 0;
}

/* Could tool step e go to another division (wrong_division, target t or any)? */
static bool wrong_eligible(struct wf *x, const struct ynode *t, uint32_t e)
{
	const char *tool;

	x->target = e;
	tool = target_tool(x);
	for (uint32_t i = 0; tool && i < x->p->ndivisions; i++) {
		const struct division_def *d = &x->p->divisions[i];

		if ((!t || (t->type == YN_SCALAR && !strcmp(d->name, t->str))) &&
		    d->server != x->in->server && has_tool(d->server, tool))
			return true;
	}
	return false;
}

/*
 * The tool steps a goal may hit, one root each (a trace draws one):
 * step_index_for_4xx's, else every tool step (wrong_division: those
 * another division's server also has; none: step 0's error).
 */
static int pick_targets(struct wf *x, const struct ynode *ov)
{
	const struct ynode *t = ov ? ymap_get(ov, "wrong_division_target") : NULL;
	int64_t fixed = x->target;

	x->ntargets = 0;
	if (x->goal != G_4XX && x->goal != G_WRONG)
		return 0;
	for (uint32_t e = 0; e < x->ntool_steps && x->ntargets < 64; e++)
		if (x->fixed ? e == (uint32_t)fixed
			     : x->goal == G_4XX || wrong_eligible(x, t, e))
			x->targets[x->ntargets++] = e;
	x->target = x->ntargets ? x->targets[0] : 0;
	return x->goal == G_WRONG ? read_wrong(x, ov) : 0;
}

/* The data plane's settings: workflow, goal, overrides, retries. */
static int read_data_plane(struct wf *x)
{
	const struct ynode *wn = dp_get(x, "workflow");
	const struct ynode *ov = x->in->overrides;
	const char *name = wn && wn->type == YN_SCALAR ? wn->str : x->in->context_workflow;
	int rc;

	if ((rc = check_dp_keys(x)) || (ov && (rc = check_override_keys(x, ov))))
		return rc;
	if (dp_get(x, "simulation_goal") && x->in->goal)
		return schema_error(x->c, OTELSIM_EINPUT, dp_get(x, "simulation_goal"),
				    "the simulation goal is given twice (keep one)");
	if ((rc = read_goal(x, x->in->goal ? x->in->goal : dp_get(x, "simulation_goal"))) ||
	    (rc = read_target(x, ov)) || (rc = read_retry(x, dp_get(x, "mcp_retry"))))
		return rc;
	x->wf = name ? find_workflow(x->p, name) : NULL;
	if (wn && !x->wf)
		return err_at(x, wn, "no workflow '%s' in realistic_scenarios.workflow_templates%s",
			      wn->type == YN_SCALAR ? wn->str : "", "");
	if (x->wf) {
		x->steps = x->wf->steps;
		x->nsteps = x->wf->nsteps;
	}
	if (x->goal == G_PARTIAL && (rc = partial_steps(x, ov)))
		return rc;
	if (!x->nsteps)
		return 0;
	if ((rc = check_tools(x, wn ? wn : x->in->at)))
		return rc;
	return pick_targets(x, ov);
}

/* ---- the control plane ---- */

static const struct cp_template *find_cp(const struct cp_template *t, uint32_t n,
					 const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

static const char *cp_attr(const struct cp_part *p, const char *key)
{
	for (uint32_t i = 0; i < p->nattrs; i++)
		if (!strcmp(p->attrs[i].key, key))
			return p->attrs[i].text;
	return NULL;
}

static void put_cp_attrs(struct wf *x, const struct cp_part *p)
{
	jsonw_key(&x->w, "attributes");
	jsonw_begin_object(&x->w);
	for (uint32_t i = 0; i < p->nattrs; i++) {
		char key[300];

		snprintf(key, sizeof(key), "vendor.%s", p->attrs[i].key);
		jsonw_key(&x->w, key);
		if (p->attrs[i].quoted)
			jsonw_string(&x->w, p->attrs[i].text);
		else
			jsonw_raw(&x->w, p->attrs[i].text, strlen(p->attrs[i].text));
	}
	jsonw_end_object(&x->w);
}

static void put_cp_latency(struct wf *x, int idx, const char *span)
{
	double mean, var;

	hp_lookup(x->p, span, &mean, &var);
	if (x->p->cp_latency_ms[idx] > 0)
		mean = x->p->cp_latency_ms[idx];
	put_latency_ms(x, mean, var);
}

static const char *const part_errors[CP_NPARTS] = { "request_error", "validation_failed",
						    "policy_error", "augmentation_failed" };

static void put_part_error(struct wf *x, const struct cp_part *p, int pid)
{
	if (!(p->error_rate > 0))
		return;
	if (p->exc_type)
		x->res->exceptions = true;
	put_error(x, p->error_rate, p->exc_type ? p->exc_type : part_errors[pid], p->exc_message,
		  NULL);
}

static void put_verr_events(struct wf *x, const struct cp_template *t)
{
	if (!t->nverrs)
		return;
	jsonw_key(&x->w, "events");
	jsonw_begin_array(&x->w);
	for (uint32_t i = 0; i < t->nverrs; i++) {
		const struct validation_error_def *e = &t->verrs[i];

		jsonw_begin_object(&x->w);
		put_str(x, "name", "vendor.validation.error");
		jsonw_key(&x->w, "offset");
		jsonw_double(&x->w, 0);
		jsonw_key(&x->w, "attributes");
		jsonw_begin_object(&x->w);
		if (e->path)
			put_str(x, "vendor.validation.error.path", e->path);
		if (e->rule)
			put_str(x, "vendor.validation.error.rule", e->rule);
		if (e->code)
			put_str(x, "vendor.validation.error.code", e->code);
		jsonw_end_object(&x->w);
		jsonw_end_object(&x->w);
	}
	jsonw_end_array(&x->w);
}

static void put_cp_part(struct wf *x, const struct cp_template *t, int pid, const char *type,
			int lat, const char *lat_name)
{
	const struct cp_part *p = &t->parts[pid];

	begin_span(x, type, "internal");
	put_cp_latency(x, lat, lat_name);
	put_cp_attrs(x, p);
	put_part_error(x, p, pid);
	if (pid == CP_PAYLOAD)
		put_verr_events(x, t);
	jsonw_end_object(&x->w);
}

/* The incoming validation: the payload, policy and augmentation spans. */
static void put_incoming(struct wf *x, const struct cp_template *t)
{
	put_cp_part(x, t, CP_PAYLOAD, "vendor.validation.payload", CP_PAYLOAD,
		    "validation_payload");
	if (t->include_policy)
		put_cp_part(x, t, CP_POLICY, "vendor.validation.policy", CP_POLICY,
			    "validation_policy");
	if (t->include_augmentation)
		put_cp_part(x, t, CP_AUGMENT, "vendor.augmentation", CP_AUGMENT, "augmentation");
}

static void put_response(struct wf *x)
{
	const struct platform_config *p = x->p;
	const struct cp_template *t = find_cp(p->response_templates, p->nresponse_templates,
					      "allowed");
	static const struct cp_template none;

	if (!t)
		t = p->nresponse_templates ? &p->response_templates[0] : &none;
	begin_span(x, "vendor.response.validation", "internal");
	put_cp_latency(x, CP_NPARTS, "response_validation");
	put_cp_attrs(x, &t->parts[CP_ROOT]);
	put_part_error(x, &t->parts[CP_ROOT], CP_ROOT);
	jsonw_key(&x->w, "children");
	jsonw_begin_array(&x->w);
	put_cp_part(x, t, CP_POLICY, "vendor.validation.policy", CP_POLICY, "validation_policy");
	jsonw_end_array(&x->w);
	jsonw_end_object(&x->w);
}

static const struct trace_flow *flow_of(const struct platform_config *p, const char *outcome)
{
	for (uint32_t i = 0; i < p->nflows; i++)
		if (!strcmp(p->flows[i].outcome, outcome))
			return &p->flows[i];
	return NULL;
}

static bool flow_has(const struct trace_flow *f, const char *outcome, const char *phase)
{
	if (!f) /* the default flows: allowed requests reach the agent and are checked back */
		return !strcmp(phase, "incoming_validation") || !strcmp(outcome, "allowed");
	for (uint32_t i = 0; i < f->nphases; i++)
		if (!strcmp(f->phases[i], phase))
			return true;
	return false;
}

/* The request's template: control_plane.template, request_outcome + block_reason, or
 * data_plane.control_plane_template. */
static int read_cp_template(struct wf *x, const struct cp_template **out)
{
	const struct ynode *cp = x->in->control_plane, *tn = NULL, *oc = NULL, *br = NULL;
	const struct platform_config *p = x->p;
	char name[200];

	*out = NULL;
	if (cp) {
		for (size_t i = 0; i < cp->n; i++) {
			const struct ynode *k = cp->pairs[i].key;
			static const char *const keys[] = { "template", "request_outcome",
							    "block_reason", NULL };

			if (!strcmp(k->str, "template"))
				tn = cp->pairs[i].value;
			else if (!strcmp(k->str, "request_outcome"))
				oc = cp->pairs[i].value;
			else if (!strcmp(k->str, "block_reason"))
				br = cp->pairs[i].value;
			else
				return schema_enum_error(x->c, k, "control_plane key", k->str, keys,
							 3);
		}
	}
	if (!tn)
		tn = dp_get(x, "control_plane_template");
	if (tn && tn->type == YN_SCALAR) {
		snprintf(name, sizeof(name), "%s", tn->str);
	} else if (oc && oc->type == YN_SCALAR) {
		static const char *const outcomes[] = { "allowed", "blocked", "error", NULL };

		if (strcmp(oc->str, "allowed") && strcmp(oc->str, "blocked") &&
		    strcmp(oc->str, "error"))
			return schema_enum_error(x->c, oc, "request outcome", oc->str, outcomes, 3);
		if (!strcmp(oc->str, "blocked") && !(br && br->type == YN_SCALAR))
			return schema_error(x->c, OTELSIM_EINPUT, oc,
					    "a blocked request needs 'block_reason'");
		snprintf(name, sizeof(name), "%s%s%s", oc->str, br ? "_" : "",
			 br && br->type == YN_SCALAR ? br->str : "");
		tn = br ? br : oc;
	} else if (cp) {
		return schema_error(x->c, OTELSIM_EINPUT, cp,
				    "'control_plane' needs 'template', or 'request_outcome' "
				    "(and 'block_reason')");
	} else {
		return 0;
	}
	*out = find_cp(p->request_templates, p->nrequest_templates, name);
	if (!*out)
		return err_at(x, tn,
			      "no control-plane template '%s' in "
			      "control_plane.request_validation_templates%s",
			      name, "");
	return 0;
}

static void put_cp(struct wf *x, const struct cp_template *t)
{
	const char *outcome = cp_attr(&t->parts[CP_ROOT], "request.outcome");
	const struct trace_flow *f;
	const struct cp_part *root = &t->parts[CP_ROOT];

	if (!outcome)
		outcome = "allowed";
	f = flow_of(x->p, outcome);
	begin_span(x, "cp.request", "server");
	put_cp_latency(x, CP_ROOT, "request_validation");
	put_cp_attrs(x, root);
	if (root->error_rate > 0) {
		/* a failed request fails as the part that threw */
		const char *type = root->exc_type;
		const char *msg = root->exc_message;

		for (int i = CP_NPARTS - 1; i > 0 && !type; i--)
			if (t->parts[i].exc_type && t->parts[i].error_rate > 0) {
				type = t->parts[i].exc_type;
				msg = t->parts[i].exc_message;
			}
		if (type)
			x->res->exceptions = true;
		put_error(x, root->error_rate, type ? type : part_errors[CP_ROOT], msg, NULL);
	}
	jsonw_key(&x->w, "children");
	jsonw_begin_array(&x->w);
	if (flow_has(f, outcome, "incoming_validation"))
		put_incoming(x, t);
	if (flow_has(f, outcome, "data_plane") && x->nsteps)
		put_orchestrate(x);
	if (flow_has(f, outcome, "response_validation"))
		put_response(x);
	jsonw_end_array(&x->w);
	jsonw_end_object(&x->w);
}

/* ---- the whole ---- */

bool workflow_wanted(const struct wf_input *in)
{
	return in->data_plane || in->control_plane;
}

/* Root x->cur: the goal hits tool step targets[cur]. */
static int put_root(struct wf *x, const struct cp_template *t)
{
	int rc;

	if (x->ntargets) {
		x->target = x->targets[x->cur];
		if (x->goal == G_WRONG && (rc = read_wrong(x, x->in->overrides)))
			return rc;
	}
	x->tool_failed = false;
	if (x->nsteps) {
		/* a dry run: whether some tool call fails, which the root reports */
		struct strbuf dry = STRBUF_INIT;
		struct jsonw keep = x->w;

		jsonw_init(&x->w, &dry, false);
		x->ntasks = x->ntools = x->nmcp = 0;
		put_steps(x);
		strbuf_release(&dry);
		x->w = keep;
	}
	if (t)
		put_cp(x, t);
	else
		put_orchestrate(x);
	return 0;
}

int workflow_root_json(struct schema_ctx *c, const struct wf_input *in, struct strbuf *out,
		       struct wf_result *res)
{
	struct wf x;
	const struct cp_template *t = NULL;
	int rc;

	memset(&x, 0, sizeof(x));
	memset(res, 0, sizeof(*res));
	x.c = c;
	x.p = &c->m->agent->config.platform;
	x.in = in;
	x.res = res;
	if ((rc = read_data_plane(&x)) || (rc = read_cp_template(&x, &t)))
		return rc;
	if (!t && !x.nsteps)
		return schema_error(c, OTELSIM_EINPUT, in->at,
				    "the scenario has no span tree: give 'root', a "
				    "data_plane.workflow (or context.workflow naming one of "
				    "realistic_scenarios.workflow_templates), or a control_plane "
				    "template");
	res->nroots = x.ntargets > 1 ? x.ntargets : 1;
	res->wrong = ARENA_NEWN(&c->m->arena, struct wf_wrong, res->nroots);
	if (!res->wrong)
		return error_set(c->err, OTELSIM_ENOMEM, "out of memory");
	jsonw_init(&x.w, out, false);
	if (res->nroots > 1)
		jsonw_begin_array(&x.w);
	for (x.cur = 0; x.cur < res->nroots; x.cur++)
		if ((rc = put_root(&x, t)))
			return rc;
	if (res->nroots > 1)
		jsonw_end_array(&x.w);
	return jsonw_finish(&x.w) ? error_set(c->err, OTELSIM_ENOMEM, "out of memory") : 0;
}

static void apply(const struct wf_wrong *wr, struct span_spec *sp, const char *mcp_type,
		  uint32_t *ord)
{
	if (!strcmp(sp->name, mcp_type)) {
		if (wr->n && *ord == wr->ordinal) {
			sp->mcp_servers = wr->servers;
			sp->nmcp_servers = wr->n;
		}
		(*ord)++;
	}
	for (uint32_t i = 0; i < sp->nchildren; i++)
		apply(wr, &sp->children[i], mcp_type, ord);
}

void workflow_apply(const struct wf_result *res, struct span_spec *roots, const char *mcp_type)
{
	for (uint32_t i = 0; i < res->nroots; i++) {
		uint32_t ord = 0;

		apply(&res->wrong[i], &roots[i], mcp_type, &ord);
	}
}
