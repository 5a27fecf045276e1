/*
 * load/workflow.h - seed 000's scenario trees built from the config: a
 * data-plane workflow (data_plane.workflow, a simulation goal and its
 * realistic_overrides, MCP retry templates) and a control-plane request
 * (control_plane.template, or request_outcome + block_reason).
 *
 * The tree is written as a native `root:` span (JSON text, which YAML
 * reads) and then read by the native loader like one a user wrote, so
 * every check of a hand-written tree applies to it. Everything taken from
 * the scenario or the config is checked here first, at its own line and
 * column.
 */
#ifndef LOAD_WORKFLOW_H
#define LOAD_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "load/schema.h"
#include "util/strbuf.h"

struct mcp_server_def;
struct span_spec;

/* What a native scenario gave (NULL: not given). */
struct wf_input {
	const struct ynode *data_plane, *control_plane, *goal, *overrides, *correct_flow;
	const struct ynode *at;               /* where errors about the whole go */
	const struct mcp_server_def *server; /* context.mcp_server */
	const char *context_workflow;        /* context.workflow */
};

/* wrong_division: the servers the n-th MCP tool span's call goes to (one drawn per trace) */
struct wf_wrong {
	const struct mcp_server_def **servers;
	uint32_t n;       /* 0: no such span in this root */
	uint32_t ordinal; /* which MCP tool span (0-based) */
};

/*
 * What the built tree needs after it is read. Without step_index_for_4xx,
 * 4xx_invalid_arguments and wrong_division write one root per tool step
 * they may hit (a JSON list when more than one): each trace draws one
 * (scenario.nroots), from its own random stream.
 */
struct wf_result {
	struct wf_wrong *wrong; /* [nroots] */
	uint32_t nroots;
	bool exceptions;        /* record failures as exception events */
};

/* Does the scenario ask for a built tree (data_plane or control_plane given)? */
bool workflow_wanted(const struct wf_input *in);

/* The root span as JSON text into out. 0, or an error (c->err filled). */
int workflow_root_json(struct schema_ctx *c, const struct wf_input *in, struct strbuf *out,
		       struct wf_result *res);

/* Apply res to the roots read from the text (roots[0..res->nroots)). */
void workflow_apply(const struct wf_result *res, struct span_spec *roots, const char *mcp_type);

#endif
