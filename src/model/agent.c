/* model/agent.h's name tables. */
#include "model/agent.h"

const char *const id_kind_names[ID_KIND_COUNT] = {
	"session_id", "conversation_id", "request_id", "mcp_tool_call_id", "enduser_pseudo_id",
};

const char *const session_key_names[SK_COUNT] = {
	"vendor.session.id",      "gen_ai.conversation.id",  "vendor.tenant.id",
	"enduser.pseudo.id",      "vendor.request.id",       "vendor.agent.id",
	"gen_ai.agent.id",        "gen_ai.agent.name",       "vendor.mcp.server.uuid",
	"vendor.mcp.tool.uuid",   "vendor.mcp.tool.call.id", "gen_ai.tool.call.id",
	"gen_ai.input.messages",  "gen_ai.output.messages",  "gen_ai.input.redacted",
	"gen_ai.output.redacted",
};
