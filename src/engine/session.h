/*
 * engine/session.h - what an agent session (model/agent.h) puts on its
 * spans, for engine/render.c.
 *
 * Draw order (part of render.c's contract): session_begin, right after the
 * first trace's arrival draws, draws the tenant (one rng_double, only when
 * the environment mixes several), the session id and the end-user id (their
 * id formats' template draws), then the sample (one rng_below, only with
 * more than one); session_trace, after each trace's arrival or turn-gap
 * draw, draws its request id; session_attrs draws, for an MCP tool span,
 * its tool call id. Nothing else draws.
 */
#ifndef ENGINE_SESSION_H
#define ENGINE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "model/agent.h"
#include "util/arena.h"
#include "util/rng.h"

/* The most attributes session_attrs adds to one span. */
#define SESSION_MAX_ATTRS 12

struct session_state {
	const struct session_spec *spec; /* NULL: the scenario is no session */
	const struct agent_model *am;
	struct value tenant; /* VAL_STRING, or VAL_NONE */
	struct value session_id, user_id, request_id;
	const struct exchange_out *exchange; /* this trace's content, or NULL */
	const struct exchange_out *sample;   /* the session's sample, or NULL */
	/* the span being made names its own MCP server (wrong_division), or NULL */
	const struct mcp_server_def *server_over;
};

/* A new session of scenario sc (none when it is no session). 0, or -1 (memory). */
int session_begin(struct session_state *s, const struct model *m, const struct scenario *sc,
		  struct rng *r, struct arena *a);
/* The session's trace number `turn`: its request id and content. 0, or -1. */
int session_trace(struct session_state *s, uint32_t turn, struct rng *r, struct arena *a);
/*
 * Append to kv[*n...] (room for SESSION_MAX_ATTRS more) what the session
 * writes on a span of this role (enum span_role; a retry attempt's is
 * none): kv[0..*n) are its own attributes (an MCP tool span finds its
 * tool's uuid by the gen_ai.tool.name or <vendor>.mcp.tool.name among
 * them); root: the trace's root span. 0, or -1 (memory).
 */
int session_attrs(struct session_state *s, int role, bool root, struct keyval *kv, uint32_t *n,
		  struct rng *r, struct arena *a);

#endif
