/*
 * model/scope.h - instrumentation scopes: which library wrote a span.
 *
 * SDKs put every span under the scope of the tracer that made it: an HTTP
 * server span under the HTTP framework's instrumentation, an LLM call under
 * a GenAI one, the application's own spans under its own tracer. A span's
 * kind of instrumentation (enum scope_kind) follows from what it is:
 *   - its agent role: an LLM call is gen_ai, an MCP tool call mcp;
 *   - else the attribute its conventions require, first found of:
 *     gen_ai.operation.name gen_ai, mcp.method.name mcp, db.system.name
 *     (or db.system) db, messaging.system messaging, rpc.system.name (or
 *     rpc.system) rpc, http.request.method (or http.method) http.server
 *     for SERVER spans, else http.client;
 *   - else app: the config's `scope` (the application's tracer).
 * Its scope is the first that names one of (model_finish resolves each span
 * once): the span's own `scope: {name, version}`; the scenario's
 * `scopes: {<kind>: {name, version}}`; its service's in the config
 * (services: <name>: scopes:); the config's `scopes:`; the instrumentation
 * an SDK of the service's telemetry.sdk.language ships for that kind
 * (scope_default); else "otelsim.instrumentation.<kind>" with the config's
 * scope version. Logs, events and metrics stay under the app scope.
 */
#ifndef MODEL_SCOPE_H
#define MODEL_SCOPE_H

#include <stdint.h>

enum scope_kind {
	SCOPE_APP = 0, /* the application's own tracer: config `scope` */
	SCOPE_HTTP_SERVER,
	SCOPE_HTTP_CLIENT,
	SCOPE_RPC,
	SCOPE_DB,
	SCOPE_MESSAGING,
	SCOPE_GEN_AI,
	SCOPE_MCP,
	SCOPE_KINDS
};

/* A scope, or (name NULL) none given. */
struct scope_def {
	const char *name, *version; /* version may be NULL */
};

/* "app", "http.server", ... (the keys of `scopes:`); NULL out of range. */
const char *scope_kind_name(int kind);

/* The kind a `scopes:` key names, or -1 (app is not one: it is `scope:`). */
int scope_kind_by_name(const char *name);

/* What an SDK of `language` (telemetry.sdk.language) ships for `kind`, or NULL. */
const struct scope_def *scope_default(const char *language, int kind);

struct span_spec;

/* The kind of a span (rules above); `kind` is its OTLP SpanKind as rendered. */
int scope_kind_of(const struct span_spec *sp, uint8_t span_kind);

struct model;
struct otelsim_error;

/* Resolve every span's scope into model->scopes (model_finish). 0 or -1 (memory). */
int model_resolve_scopes(struct model *m);

#endif
