/* Instrumentation scopes by kind of span (model/scope.h has the rules). */
#include "model/scope.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "model/agent.h"
#include "model/model.h"

#define SPAN_KIND_SERVER 2 /* OTLP SpanKind */
#define SPAN_KIND_INTERNAL 1

static const char *const kind_names[SCOPE_KINDS] = {
	"app", "http.server", "http.client", "rpc", "db", "messaging", "gen_ai", "mcp",
};

const char *scope_kind_name(int kind)
{
	return kind >= 0 && kind < SCOPE_KINDS ? kind_names[kind] : NULL;
}

int scope_kind_by_name(const char *name)
{
	for (int k = SCOPE_APP + 1; k < SCOPE_KINDS; k++)
		if (!strcmp(kind_names[k], name))
			return k;
	return -1;
}

/*
 * What each language's SDK distribution instruments these with (the
 * instrumentation packages released beside the SDK version config.c
 * gives for the language); a kind a language has no row for falls back
 * to "otelsim.instrumentation.<kind>".
 */
static const struct {
	const char *language;
	uint8_t kind;
	struct scope_def scope;
} defaults[] = {
	{ "python", SCOPE_HTTP_SERVER, { "opentelemetry.instrumentation.fastapi", "0.59b0" } },
	{ "python", SCOPE_HTTP_CLIENT, { "opentelemetry.instrumentation.httpx", "0.59b0" } },
	{ "python", SCOPE_RPC, { "opentelemetry.instrumentation.grpc", "0.59b0" } },
	{ "python", SCOPE_DB, { "opentelemetry.instrumentation.sqlalchemy", "0.59b0" } },
	{ "python", SCOPE_MESSAGING, { "opentelemetry.instrumentation.confluent_kafka", "0.59b0" } },
	{ "python", SCOPE_GEN_AI, { "opentelemetry.instrumentation.openai_v2", "2.2b0" } },
	{ "python", SCOPE_MCP, { "opentelemetry.instrumentation.mcp", "0.47.0" } },
	{ "nodejs", SCOPE_HTTP_SERVER, { "@opentelemetry/instrumentation-http", "0.207.0" } },
	{ "nodejs", SCOPE_HTTP_CLIENT, { "@opentelemetry/instrumentation-http", "0.207.0" } },
	{ "nodejs", SCOPE_RPC, { "@opentelemetry/instrumentation-grpc", "0.207.0" } },
	{ "nodejs", SCOPE_DB, { "@opentelemetry/instrumentation-pg", "0.59.0" } },
	{ "nodejs", SCOPE_MESSAGING, { "@opentelemetry/instrumentation-kafkajs", "0.15.0" } },
	{ "nodejs", SCOPE_GEN_AI, { "@opentelemetry/instrumentation-openai", "0.4.0" } },
	{ "java", SCOPE_HTTP_SERVER, { "io.opentelemetry.tomcat-10.0", "2.21.0-alpha" } },
	{ "java", SCOPE_HTTP_CLIENT, { "io.opentelemetry.java-http-client", "2.21.0-alpha" } },
	{ "java", SCOPE_RPC, { "io.opentelemetry.grpc-1.6", "2.21.0-alpha" } },
	{ "java", SCOPE_DB, { "io.opentelemetry.jdbc", "2.21.0-alpha" } },
	{ "java", SCOPE_MESSAGING, { "io.opentelemetry.kafka-clients-2.6", "2.21.0-alpha" } },
	{ "java", SCOPE_GEN_AI, { "io.opentelemetry.openai-java-1.1", "2.21.0-alpha" } },
	{ "go", SCOPE_HTTP_SERVER,
	  { "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.63.0" } },
	{ "go", SCOPE_HTTP_CLIENT,
	  { "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.63.0" } },
	{ "go", SCOPE_RPC,
	  { "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc",
	    "0.63.0" } },
	{ "go", SCOPE_DB, { "github.com/XSAM/otelsql", "0.40.0" } },
};

const struct scope_def *scope_default(const char *language, int kind)
{
	if (!language)
		return NULL;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (defaults[i].kind == kind && !strcmp(defaults[i].language, language))
			return &defaults[i].scope;
	return NULL;
}

/* The attributes that make a span one of a kind: each convention's required ones. */
static const struct {
	const char *key;
	uint8_t kind; /* SCOPE_HTTP_SERVER: server or client by the span's kind */
} identifying[] = {
	{ "gen_ai.operation.name", SCOPE_GEN_AI }, { "mcp.method.name", SCOPE_MCP },
	{ "db.system.name", SCOPE_DB },            { "db.system", SCOPE_DB },
	{ "messaging.system", SCOPE_MESSAGING },   { "rpc.system.name", SCOPE_RPC },
	{ "rpc.system", SCOPE_RPC },               { "http.request.method", SCOPE_HTTP_SERVER },
	{ "http.method", SCOPE_HTTP_SERVER },
};

static bool has_attr(const struct span_spec *sp, const char *key)
{
	for (uint32_t k = 0; k < sp->nattrs; k++)
		if (!strcmp(sp->attrs[k].key, key))
			return true;
	return false;
}

int scope_kind_of(const struct span_spec *sp, uint8_t span_kind)
{
	if (sp->role == SPAN_ROLE_LLM)
		return SCOPE_GEN_AI;
	if (sp->role == SPAN_ROLE_MCP_TOOL)
		return SCOPE_MCP;
	for (size_t i = 0; i < sizeof(identifying) / sizeof(identifying[0]); i++) {
		if (!has_attr(sp, identifying[i].key))
			continue;
		if (identifying[i].kind != SCOPE_HTTP_SERVER)
			return identifying[i].kind;
		return span_kind == SPAN_KIND_SERVER ? SCOPE_HTTP_SERVER : SCOPE_HTTP_CLIENT;
	}
	return SCOPE_APP;
}

/* ---- resolution (model_finish) ---------------------------------------------------- */

struct scope_walk {
	struct model *m;
	const struct scenario *sc;
};

static const char *service_language(const struct service *sv)
{
	for (uint32_t i = 0; i < sv->nattrs; i++)
		if (!strcmp(sv->attrs[i].key, "telemetry.sdk.language") &&
		    sv->attrs[i].value.type == VAL_STRING)
			return sv->attrs[i].value.u.s.ptr;
	return NULL;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The index of {name, version} in m->scopes, added when new; -1 out of memory. */
static int64_t scope_index(struct model *m, const char *name, const char *version)
{
	struct scope_def *grown;

	for (uint32_t i = 0; i < m->nscopes; i++)
		if (same(m->scopes[i].name, name) && same(m->scopes[i].version, version))
			return i;
	grown = ARENA_NEWN(&m->arena, struct scope_def, m->nscopes + 1);
	if (!grown)
		return -1;
	if (m->nscopes)
		memcpy(grown, m->scopes, m->nscopes * sizeof(*grown));
	grown[m->nscopes].name = name;
	grown[m->nscopes].version = version;
	m->scopes = grown;
	return m->nscopes++;
}

/* The scope a span of `kind` on service `svc` gets when it names none itself. */
static int64_t kind_scope(struct scope_walk *w, int kind, uint32_t svc)
{
	struct model *m = w->m;
	const struct service *sv = svc < m->nservices ? &m->services[svc] : NULL;
	const struct scope_def *d = NULL;
	char *name;
	size_t n;

	if (kind == SCOPE_APP)
		return 0;
	if (w->sc->scope_kinds && w->sc->scope_kinds[kind].name)
		d = &w->sc->scope_kinds[kind];
	else if (sv && sv->scope_kinds && sv->scope_kinds[kind].name)
		d = &sv->scope_kinds[kind];
	else if (m->config.scope_kinds[kind].name)
		d = &m->config.scope_kinds[kind];
	else if (sv)
		d = scope_default(service_language(sv), kind);
	if (d)
		return scope_index(m, d->name, d->version);
	n = sizeof("otelsim.instrumentation.") + strlen(kind_names[kind]);
	name = arena_alloc(&m->arena, n);
	if (!name)
		return -1;
	snprintf(name, n, "otelsim.instrumentation.%s", kind_names[kind]);
	return scope_index(m, name, m->config.scope_version);
}

static int resolve_span(struct scope_walk *w, struct span_spec *sp, uint32_t svc, bool root)
{
	uint8_t span_kind = sp->kind ? sp->kind : root ? SPAN_KIND_SERVER : SPAN_KIND_INTERNAL;
	int64_t idx;

	if (sp->service >= 0)
		svc = (uint32_t)sp->service;
	if (sp->scope_set.name)
		idx = scope_index(w->m, sp->scope_set.name, sp->scope_set.version);
	else
		idx = kind_scope(w, scope_kind_of(sp, span_kind), svc);
	if (idx < 0)
		return -1;
	sp->scope = (uint32_t)idx;
	for (uint32_t k = 0; k < sp->nchildren; k++)
		if (resolve_span(w, &sp->children[k], svc, false))
			return -1;
	return 0;
}

int model_resolve_scopes(struct model *m)
{
	struct scope_walk w = { m, NULL };

	m->scopes = NULL;
	m->nscopes = 0;
	if (scope_index(m, m->config.scope_name, m->config.scope_version) != 0)
		return -1;
	for (uint32_t i = 0; i < m->nscenarios; i++) {
		w.sc = m->scenarios[i];
		if (w.sc->root && resolve_span(&w, w.sc->root, 0, true))
			return -1;
	}
	return 0;
}
