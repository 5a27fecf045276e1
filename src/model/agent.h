/*
 * model/agent.h - the agent platform of seeds 000 and 001: correlation id
 * formats, tenants, agents, MCP servers and conversation content from the
 * config, and the scenarios that run as agent sessions.
 *
 * A scenario with `context` or `conversation` is an agent session
 * (scenario->session). Each iteration is one session: the engine draws the
 * session's tenant (the environment's weighted mix, else the context's),
 * its session id and end user from the config's id_formats, and, with
 * samples, the exchange it shows; a scenario with turns yields one trace
 * per turn, each with a fresh request id. Every span of every trace of the
 * session carries
 *     <vendor>.session.id = gen_ai.conversation.id = the session id,
 *     <vendor>.tenant.id (when the session has a tenant),
 *     enduser.pseudo.id, <vendor>.request.id;
 * the root also <vendor>.agent.id, gen_ai.agent.id and gen_ai.agent.name
 * (context.agent); MCP tool spans <vendor>.mcp.server.uuid,
 * <vendor>.mcp.tool.uuid (the tool they name, on the context's server),
 * <vendor>.mcp.tool.call.id and gen_ai.tool.call.id; LLM spans the
 * exchange's gen_ai.input.messages / gen_ai.output.messages and, with
 * redaction, gen_ai.input.redacted / gen_ai.output.redacted. The loader
 * refuses a scenario that sets one of these itself, so each key appears
 * once. Everything here is read-only after loading.
 */
#ifndef MODEL_AGENT_H
#define MODEL_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "model/value.h"

/* The config's id_formats, by name. */
enum id_kind {
	ID_SESSION = 0,
	ID_CONVERSATION, /* accepted: gen_ai.conversation.id is the session id */
	ID_REQUEST,
	ID_MCP_TOOL_CALL,
	ID_ENDUSER_PSEUDO,
	ID_KIND_COUNT
};
extern const char *const id_kind_names[ID_KIND_COUNT]; /* "session_id", ... */

/*
 * One id format ("sess_{tenant_id}_{hex:12}") compiled to a template:
 * {hex:N} is random.hex(N), {uuid} random.uuid, {tenant_id} var 0 (the
 * session's tenant id). Its draws are the template's (engine/template.h).
 */
struct id_format {
	const char *text; /* as written; NULL: not given */
	struct tmpl *tmpl;
	bool uses_tenant;
	struct src_pos pos;
};

struct tenant_def {
	const char *key, *id, *display_name; /* display_name may be NULL */
	struct src_pos pos;
};

struct agent_def {
	const char *id, *name, *description; /* name, description may be NULL */
	struct src_pos pos;
};

struct mcp_tool_def {
	const char *name, *uuid;
};

struct mcp_server_def {
	const char *key, *uuid, *description;
	struct mcp_tool_def *tools;
	uint32_t ntools;
	struct src_pos pos;
};

/* A user message and the model's reply, as written (redacted copies may be NULL). */
struct exchange {
	const char *user, *reply;
	const char *user_redacted, *reply_redacted;
	struct src_pos pos;
};

/* conversation_samples: <workflow>: its exchanges */
struct sample_set {
	const char *workflow;
	struct exchange *samples;
	uint32_t nsamples;
	struct src_pos pos;
};

/* ---- seed 000's workflow sections (load/platform.c) ---- */

/* happy_path_latency.spans.<type>: mean_ms x (1 + gauss(0, variance)) */
struct hp_latency {
	const char *span; /* a2a_orchestrate, planner, llm_call, ... */
	double mean_ms, variance;
};

/* One attempt of an MCP retry template. */
struct attempt_def {
	bool success;
	const char *error_type;  /* failure: one of the five (default tool_error) */
	double latency_mean_ms;  /* <= 0: latency_by_error_type, else the happy path's */
	struct src_pos pos;
};

struct retry_template {
	const char *name;
	struct attempt_def *attempts;
	uint32_t nattempts;
	struct src_pos pos;
};

struct division_def {
	const char *name;
	const struct mcp_server_def *server;
	struct src_pos pos;
};

/* realistic_scenarios.error_templates.<goal> */
struct error_template {
	const char *goal;
	const char *error_type; /* may be NULL */
	int64_t *codes;         /* http_status_codes */
	uint32_t ncodes;
	struct src_pos pos;
};

struct workflow_def {
	const char *name;
	const char **steps;
	uint32_t nsteps;
	struct src_pos pos;
};

/* A constant attribute of a control-plane template, as written (short key). */
struct cp_attr {
	const char *key;  /* "request.outcome": written as <vendor>.request.outcome */
	const char *text; /* the scalar */
	bool quoted;      /* a string (else a plain scalar: bool, number, word) */
};

/* The parts of a control-plane request. */
enum cp_part_id { CP_ROOT = 0, CP_PAYLOAD, CP_POLICY, CP_AUGMENT, CP_NPARTS };
extern const char *const cp_part_names[CP_NPARTS]; /* root, payload, policy, augmentation */

struct cp_part {
	bool given;
	struct cp_attr *attrs;
	uint32_t nattrs;
	double error_rate; /* 0..1 */
	const char *exc_type, *exc_message; /* exception: {type, message}, or NULL */
};

struct validation_error_def {
	const char *path, *rule, *code;
};

/* request_validation_templates.<name> (after _defaults) or response_validation_templates */
struct cp_template {
	const char *name;
	struct cp_part parts[CP_NPARTS];
	bool include_policy, include_augmentation;
	struct validation_error_def *verrs; /* payload.validation_errors */
	uint32_t nverrs;
	struct src_pos pos;
};

/* control_plane.request_scenarios.<name> */
struct cp_scenario_def {
	const char *name, *template_name, *description;
	double weight;
	bool has_weight;
	struct src_pos pos;
};

/* control_plane.trace_flow.<outcome>: the phases a request runs */
struct trace_flow {
	const char *outcome; /* allowed, blocked, error */
	const char **phases; /* incoming_validation, data_plane, response_validation */
	uint32_t nphases;
};

struct platform_config {
	bool has_latency;
	double default_variance;
	struct hp_latency *latency;
	uint32_t nlatency;
	/* tools_recommend */
	bool has_recommend;
	const char *selection_strategy, *selection_constraints;
	int64_t tools_selected_count;
	bool selection_fallback_used;
	/* mcp_retry */
	const char *retry_policy; /* none | fixed | exponential (default exponential) */
	const char *lat_err_type[8];
	double lat_err_ms[8];
	uint32_t nlat_err;
	struct retry_template *retry_templates;
	uint32_t nretry_templates;
	/* realistic_scenarios */
	struct division_def *divisions;
	uint32_t ndivisions;
	struct error_template *error_templates;
	uint32_t nerror_templates;
	struct workflow_def *workflows;
	uint32_t nworkflows;
	/* control_plane */
	struct trace_flow *flows;
	uint32_t nflows;
	struct cp_template *request_templates, *response_templates;
	uint32_t nrequest_templates, nresponse_templates;
	double cp_latency_ms[CP_NPARTS + 1]; /* by part; [CP_NPARTS]: response validation */
	struct cp_scenario_def *cp_scenarios;
	uint32_t ncp_scenarios;
	struct src_pos cp_pos; /* the control_plane section, when given */
};

struct agent_config {
	struct id_format ids[ID_KIND_COUNT];
	struct tenant_def *tenants;
	uint32_t ntenants;
	struct agent_def *agents;
	uint32_t nagents;
	struct mcp_server_def *servers;
	uint32_t nservers;
	struct sample_set *sample_sets;
	uint32_t nsample_sets;
	struct platform_config platform;
};

/*
 * The environment's tenants (TENANT_UUID, or TELEMETRY_TENANT_UUIDS with
 * TELEMETRY_TENANT_WEIGHTS): they win over every session's context.tenant.
 * One tenant: every session's; several: one drawn per session by weight.
 */
struct tenant_mix {
	const char **ids;
	double *cum_weights; /* ascending, last = total */
	uint32_t n;
};

/* What one exchange puts on an LLM span: GenAI message JSON, made when loading. */
struct exchange_out {
	struct value input, output;                   /* gen_ai.input/output.messages */
	struct value input_redacted, output_redacted; /* VAL_NONE without redaction */
};

/* What a session adds to a span besides the ids every span gets. */
enum span_role {
	SPAN_ROLE_NONE = 0,
	SPAN_ROLE_LLM,     /* <vendor>.llm.call, or gen_ai.operation.name chat,
			      text_completion or generate_content */
	SPAN_ROLE_MCP_TOOL, /* <vendor>.mcp.tool.execute, or mcp.method.name tools/call */
	SPAN_ROLE_TURN      /* <vendor>.a2a.orchestrate below the root (under cp.request):
			       it gets the agent's ids as a root does */
};

struct session_spec {
	const char *tenant_id;               /* context.tenant's id, or NULL */
	const struct agent_def *agent;       /* context.agent, or NULL */
	const struct mcp_server_def *server; /* context.mcp_server, or NULL */
	const char *workflow;                /* context.workflow, or NULL */
	uint8_t redaction;                   /* enum redact_level (util/redact.h) */
	/* turns: one trace each; else samples: one per iteration (or none) */
	struct exchange_out *turns;
	uint32_t nturns;
	struct exchange_out *samples;
	uint32_t nsamples;
	struct dist turn_gap; /* from one turn's end to the next turn's start */
	bool has_mcp;         /* some span has SPAN_ROLE_MCP_TOOL */
	struct src_pos pos;
};

/* The keys a session writes (vendor ones already rewritten), by enum session_key. */
enum session_key {
	SK_SESSION_ID = 0,
	SK_CONVERSATION_ID,
	SK_TENANT_ID,
	SK_ENDUSER,
	SK_REQUEST_ID,
	SK_AGENT_ID,
	SK_GENAI_AGENT_ID,
	SK_GENAI_AGENT_NAME,
	SK_SERVER_UUID,
	SK_TOOL_UUID,
	SK_CALL_ID,
	SK_GENAI_CALL_ID,
	SK_INPUT,
	SK_OUTPUT,
	SK_INPUT_REDACTED,
	SK_OUTPUT_REDACTED,
	SK_COUNT
};
/* as written in scenario files ("vendor.session.id"), for messages */
extern const char *const session_key_names[SK_COUNT];

/* What the model keeps of all this (model->agent). */
struct agent_model {
	struct agent_config config;
	struct tenant_mix env_tenants;
	const char *keys[SK_COUNT]; /* after the vendor rewrite */
	uint32_t key_lens[SK_COUNT];
	const char *tool_name_key; /* <vendor>.mcp.tool.name: an MCP span names its tool */
	uint32_t tool_name_key_len;
	const char *mcp_type, *turn_type; /* <vendor>.mcp.tool.execute, <vendor>.a2a.orchestrate */
	/* outcomes a failure rewrites (engine/render.c): SUCCESS -> FAILURE, success -> fail */
	const char *turn_status_key, *step_outcome_key;
	uint32_t turn_status_key_len, step_outcome_key_len;
	/* on the retry attempts of an MCP tool span of a session */
	const char *attempt_number_key, *attempt_outcome_key;
	uint32_t attempt_number_key_len, attempt_outcome_key_len;
};

#endif
