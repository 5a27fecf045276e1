/*
 * config/config.yaml: service defaults, resource attributes, the
 * instrumentation scope, schema_url, run defaults, output settings and
 * per-service resource attributes. Every key is in a table below.
 */
#include <stddef.h>
#include <string.h>

#include "load/loader.h"
#include "load/scopes.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/timefmt.h"

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->service_name = "otelsim";
	cfg->sdk_language = "python";
	cfg->scope_name = "otelsim";
	cfg->scope_version = "0.1.0";
	cfg->schema_url = "https://opentelemetry.io/schemas/1.44.0";
	cfg->default_latency.kind = DIST_LOG_NORMAL;
	cfg->default_latency.p1 = 20;
	cfg->default_latency.p2 = 0.5;
	cfg->gap.kind = DIST_LOG_NORMAL;
	cfg->gap.p1 = 0.3;
	cfg->gap.p2 = 0.6;
	cfg->default_interval_ns = 500LL * 1000000;
	cfg->default_count = 100;
	cfg->default_exceptions = EXCEPTIONS_LOG;
	cfg->default_seed = 1;
	cfg->default_start_ns = 1767225600LL * 1000000000; /* 2026-01-01T00:00:00Z */
	cfg->traces_per_record = 64;
	cfg->iterations_per_block = 64;
}

static struct load_state *state(struct schema_ctx *c)
{
	return c->state;
}

static int oom(struct schema_ctx *c)
{
	return error_set(c->err, OTELSIM_ENOMEM, "out of memory loading '%s'", c->doc->file);
}

/* A scalar's text (versions may be written 2 or 1.4.2). */
static int fill_text(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	const char *s;
	int rc = value_string(c, v, &s);

	if (rc)
		return rc;
	if (!*s)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be empty", k->key);
	memcpy((char *)obj + k->offset, &s, sizeof(s));
	return 0;
}

static int fill_nonempty(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	if (!v->len)
		return schema_error(c, OTELSIM_EINPUT, v, "'%s' must not be empty", k->key);
	if (v->len > LOAD_MAX_KEY)
		return schema_error(c, OTELSIM_ELIMIT, v, "'%s' longer than %d bytes", k->key,
				    LOAD_MAX_KEY);
	return fill_text(c, k, v, obj);
}

/* ---- service: {name} ---- */

static int fill_service_name(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			     void *obj)
{
	state(c)->service_name_set = true;
	return fill_nonempty(c, k, v, obj);
}

/* telemetry.sdk.language values (the conventions' enum) and a recent SDK release of each */
static const struct {
	const char *language, *version;
} sdk_versions[] = {
	{ "cpp", "1.23.0" },  { "dotnet", "1.13.1" }, { "erlang", "1.7.0" }, { "go", "1.38.0" },
	{ "java", "1.55.0" }, { "nodejs", "2.2.0" },  { "php", "1.9.0" },    { "python", "1.38.0" },
	{ "ruby", "1.10.0" }, { "rust", "0.31.0" },   { "swift", "2.1.0" },  { "webjs", "2.2.0" },
};

const char *const load_sdk_languages =
	"cpp, dotnet, erlang, go, java, nodejs, php, python, ruby, rust, swift, webjs";

const char *load_sdk_version(const char *language)
{
	for (size_t i = 0; i < sizeof(sdk_versions) / sizeof(sdk_versions[0]); i++)
		if (!strcmp(sdk_versions[i].language, language))
			return sdk_versions[i].version;
	return NULL;
}

/* A language telemetry.sdk.language knows, as text. */
static int fill_language(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	const char *s;
	int rc = value_string(c, v, &s);

	if (rc)
		return rc;
	if (!load_sdk_version(s))
		return schema_error(c, OTELSIM_EINPUT, v,
				    "unknown language '%.100s' for telemetry.sdk.language (one of: %s)",
				    s, load_sdk_languages);
	memcpy((char *)obj + k->offset, &s, sizeof(s));
	return 0;
}

static const struct key_def service_keys[] = {
	{ "name", KT_STRING, 0, NULL, NULL, fill_service_name,
	  offsetof(struct config, service_name),
	  "service.name of spans whose scenario names no service (default otelsim)" },
	{ "language", KT_STRING, 0, NULL, NULL, fill_language,
	  offsetof(struct config, sdk_language),
	  "telemetry.sdk.language of services without their own (default python): the SDK "
	  "their resources say wrote them" },
};

/* ---- resource: {attributes, schema_url} ---- */

/*
 * Seed 000's resource block: `service.name` is the default service (as
 * service: name: says), and the prefix-relative keys module, component
 * and otel.source mean <vendor>.module... (vendor.* keys are rewritten
 * anyway). The rest are resource attributes as written.
 */
static int fill_resource_attrs(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			       void *obj)
{
	static const char *const relative[] = { "module", "component", "otel.source" };
	static const char *const rewritten[] = { "vendor.module", "vendor.component",
						 "vendor.otel.source" };
	struct config *cfg = obj;
	struct ynode copy;
	int rc;

	(void)k;
	if (v->type != YN_MAP)
		return value_const_attrs(c, v, &cfg->resource_attrs, &cfg->nresource_attrs);
	copy = *v;
	copy.pairs = ARENA_NEWN(&c->m->arena, struct ypair, v->n ? v->n : 1);
	if (!copy.pairs)
		return oom(c);
	copy.n = 0;
	for (size_t i = 0; i < v->n; i++) {
		struct ynode *key = v->pairs[i].key, *val = v->pairs[i].value;

		if (key->type == YN_SCALAR && !strcmp(key->str, "service.name")) {
			const char *name;

			if (!ynode_is_string(val) || !val->len)
				return schema_error(c, OTELSIM_EINPUT, val,
						    "'service.name' must be a non-empty string");
			if ((rc = value_string(c, val, &name)))
				return rc;
			if (state(c)->service_name_set && strcmp(name, cfg->service_name))
				return schema_error(c, OTELSIM_EINPUT, key,
						    "'service.name' is '%s' here but '%s' under "
						    "service: name (keep one)",
						    name, cfg->service_name);
			cfg->service_name = name;
			state(c)->service_name_set = true;
			continue;
		}
		for (size_t j = 0; key->type == YN_SCALAR && j < 3; j++) {
			if (strcmp(key->str, relative[j]))
				continue;
			key = ARENA_NEW(&c->m->arena, struct ynode);
			if (!key)
				return oom(c);
			*key = *v->pairs[i].key;
			key->str = rewritten[j];
			key->len = strlen(rewritten[j]);
		}
		copy.pairs[copy.n].key = key;
		copy.pairs[copy.n].value = val;
		copy.n++;
	}
	return value_const_attrs(c, &copy, &cfg->resource_attrs, &cfg->nresource_attrs);
}

static int fill_schema_url(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	state(c)->schema_url_set = true;
	return fill_text(c, k, v, obj);
}

static const struct key_def resource_keys[] = {
	{ "attributes", KT_MAP, 0, NULL, NULL, fill_resource_attrs, SCHEMA_NOFILL,
	  "resource attributes of every service (constants; vendor.* keys are rewritten, and "
	  "module, component, otel.source mean vendor.module...; service.name sets the default "
	  "service)" },
	{ "schema_url", KT_STRING, 0, NULL, NULL, fill_schema_url,
	  offsetof(struct config, schema_url),
	  "schema URL on every resource and scope (default "
	  "https://opentelemetry.io/schemas/1.44.0)" },
};

/* ---- scope: {name, version} ---- */

static const struct key_def scope_keys[] = {
	{ "name", KT_STRING, 0, NULL, NULL, fill_nonempty, offsetof(struct config, scope_name),
	  "instrumentation scope name (default otelsim)" },
	{ "version", KT_SCALAR, 0, NULL, NULL, fill_text, offsetof(struct config, scope_version),
	  "instrumentation scope version (default 0.1.0)" },
};

/* ---- defaults: {seed, start, count, interval_ms, latency, gap} ---- */

static int fill_seed(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		     void *obj)
{
	int64_t i;
	int rc = ynode_int(v, &i);
	uint64_t seed;

	(void)k;
	if (rc == -2)
		return schema_error(c, OTELSIM_ELIMIT, v, "integer out of range for 'seed'");
	if (!rc && i < 0)
		return schema_error(c, OTELSIM_EINPUT, v, "'seed' must not be negative");
	if (!rc)
		seed = (uint64_t)i;
	else if (ynode_is_string(v))
		seed = rng_hash(v->str, v->len);
	else
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'seed' must be an integer or a string, not %s", ynode_kind(v));
	((struct config *)obj)->default_seed = seed;
	return 0;
}

static int fill_start(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	int64_t ns;

	(void)k;
	if (strcmp(v->str, "now") && time_parse_rfc3339(v->str, &ns) == -2)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'start' must not be after " TIME_MAX_TEXT
				    " (the last time 64-bit nanoseconds since 1970 hold; got "
				    "'%.100s')",
				    v->str);
	if (!strcmp(v->str, "now") || time_parse_rfc3339(v->str, &ns))
		return schema_error(
			c, OTELSIM_EINPUT, v,
			"'start' must be an RFC 3339 time like 2026-01-01T00:00:00Z (got '%.100s')",
			v->str);
	if (ns < 0)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'start' must not be before 1970-01-01T00:00:00Z (OTLP times "
				    "count nanoseconds from then; got '%.100s')",
				    v->str);
	((struct config *)obj)->default_start_ns = ns;
	return 0;
}

static int fill_count(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj)
{
	int64_t i;

	(void)k;
	if (ynode_int(v, &i) || i < 0 || i > LOAD_MAX_REPEAT)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'count' must be between 0 and 1000000000000");
	((struct config *)obj)->default_count = i;
	return 0;
}

static int fill_interval(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	double ms;

	(void)k;
	ynode_double(v, &ms);
	if (ms < 0)
		return schema_error(c, OTELSIM_EINPUT, v, "'interval_ms' must not be negative");
	if (ms > LOAD_MAX_MS)
		return schema_error(
			c, OTELSIM_ELIMIT, v,
			"'interval_ms' is too large (at most 31536000000 ms, one year)");
	((struct config *)obj)->default_interval_ns = (int64_t)(ms * 1e6 + 0.5);
	return 0;
}

static int fill_latency(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	return value_latency(c, v, (struct dist *)((char *)obj + k->offset));
}

const char *const exceptions_members[] = { "span_event", "log", "both", NULL };

static int fill_exceptions(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	(void)c, (void)k;
	for (int i = 0; exceptions_members[i]; i++)
		if (!strcmp(v->str, exceptions_members[i]))
			((struct config *)obj)->default_exceptions =
				(uint8_t)(EXCEPTIONS_SPAN_EVENT + i);
	return 0;
}

static const struct key_def defaults_keys[] = {
	{ "seed", KT_SCALAR, 0, NULL, NULL, fill_seed, SCHEMA_NOFILL,
	  "seed of a run without --seed (an integer, or a string that is hashed; default 1)" },
	{ "start", KT_STRING, 0, NULL, NULL, fill_start, SCHEMA_NOFILL,
	  "virtual start time of a run without --start (RFC 3339; default 2026-01-01T00:00:00Z)" },
	{ "count", KT_INT, KF_RANGE, NULL, NULL, fill_count, SCHEMA_NOFILL,
	  "traces of a scenario without repeat_count (default 100)" },
	{ "interval_ms", KT_NUMBER, 0, NULL, NULL, fill_interval, SCHEMA_NOFILL,
	  "time between trace starts of a scenario without interval_ms (default 500)" },
	{ "latency", KT_ANY, 0, NULL, NULL, fill_latency, offsetof(struct config, default_latency),
	  "latency of a span without one (default log_normal median 20 ms, sigma 0.5)" },
	{ "gap", KT_ANY, 0, NULL, NULL, fill_latency, offsetof(struct config, gap),
	  "pause before each sequential child (default log_normal median 0.3 ms, sigma 0.6)" },
	{ "exceptions", KT_ENUM, 0, exceptions_members, NULL, fill_exceptions, SCHEMA_NOFILL,
	  "where a native scenario without `exceptions` records a failed span's exception: log "
	  "(default), span_event or both" },
};

/* ---- output: {traces_per_record, iterations_per_block} ---- */

static int fill_tpr(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	int64_t i;

	(void)k;
	ynode_int(v, &i);
	if (i < 1 || i > 65536)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'traces_per_record' must be between 1 and 65536");
	((struct config *)obj)->traces_per_record = (uint32_t)i;
	return 0;
}

static int fill_ipb(struct schema_ctx *c, const struct key_def *k, const struct ynode *v, void *obj)
{
	int64_t i;

	(void)k;
	ynode_int(v, &i);
	if (i < 1 || i > 1048576)
		return schema_error(c, OTELSIM_EINPUT, v,
				    "'iterations_per_block' must be between 1 and 1048576");
	((struct config *)obj)->iterations_per_block = (uint32_t)i;
	return 0;
}

static const struct key_def output_keys[] = {
	{ "traces_per_record", KT_INT, 0, NULL, NULL, fill_tpr, SCHEMA_NOFILL,
	  "traces per written record (a record never spans two blocks); part of the output "
	  "bytes (default 64)" },
	{ "iterations_per_block", KT_INT, 0, NULL, NULL, fill_ipb, SCHEMA_NOFILL,
	  "iterations per engine block, the unit of threads and shards, rounded up to a "
	  "multiple of traces_per_record (default 64)" },
};

/* ---- services: {<name>: {version, attributes}} ---- */

struct svc_parse {
	const struct ynode *version, *attrs;
	const char *language;
	const struct scope_def *scopes;
};

static int fill_svc_scopes(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			   void *obj)
{
	(void)k;
	return load_scopes_new(c, v, &((struct svc_parse *)obj)->scopes);
}

static int fill_scopes(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj)
{
	(void)k;
	return load_scopes_fill(c, v, ((struct config *)obj)->scope_kinds);
}

static const struct key_def service_entry_keys[] = {
	{ "version", KT_SCALAR, 0, NULL, NULL, schema_fill_node,
	  offsetof(struct svc_parse, version), "service.version of this service's resource" },
	{ "attributes", KT_MAP, 0, NULL, NULL, schema_fill_node, offsetof(struct svc_parse, attrs),
	  "more resource attributes of this service (constants)" },
	{ "language", KT_STRING, 0, NULL, NULL, fill_language, offsetof(struct svc_parse, language),
	  "telemetry.sdk.language of this service (and the SDK version its resource says)" },
	{ "scopes", KT_MAP, 0, NULL, NULL, fill_svc_scopes, SCHEMA_NOFILL,
	  "instrumentation scopes of this service's spans by kind (see the scopes table), over "
	  "the config's" },
};

SCHEMA_TABLE(service_table, "config.service", "the default service", service_keys);
SCHEMA_TABLE(resource_table, "config.resource", "resource attributes of every service",
	     resource_keys);
SCHEMA_TABLE(scope_table, "config.scope",
	     "the application's own instrumentation scope (spans no library instruments, logs, "
	     "metrics)",
	     scope_keys);
SCHEMA_TABLE(defaults_table, "config.defaults", "run defaults (command-line flags override them)",
	     defaults_keys);
SCHEMA_TABLE(output_table, "config.output", "output settings", output_keys);
SCHEMA_TABLE(service_entry_table, "config.services.entry",
	     "one service's own resource attributes (under services: <name>:)", service_entry_keys);

static int fill_section(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj)
{
	static const struct {
		const char *key;
		const struct key_table *table;
	} by_key[] = {
		{ "service", &service_table }, { "resource", &resource_table },
		{ "scope", &scope_table },     { "defaults", &defaults_table },
		{ "output", &output_table },
	};

	for (size_t i = 0; i < sizeof(by_key) / sizeof(by_key[0]); i++)
		if (!strcmp(by_key[i].key, k->key))
			return schema_walk(c, by_key[i].table, v, obj);
	return error_set(c->err, OTELSIM_EINTERNAL, "config section '%s'", k->key);
}

static int fill_services(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj)
{
	struct load_state *ls = state(c);
	struct cfg_service *cs;
	int rc;

	(void)k;
	(void)obj;
	cs = ARENA_NEWN(&c->m->arena, struct cfg_service, v->n ? v->n : 1);
	if (!cs)
		return oom(c);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *name = v->pairs[i].key, *body = v->pairs[i].value;
		struct svc_parse sp;
		struct keyval *attrs = NULL;
		uint32_t nattrs = 0, n = 0;

		memset(&sp, 0, sizeof(sp));
		if (name->type != YN_SCALAR || !name->len)
			return schema_error(c, OTELSIM_EINPUT, name,
					    "service names must be non-empty");
		if (name->len > LOAD_MAX_KEY)
			return schema_error(c, OTELSIM_ELIMIT, name,
					    "service name longer than %d bytes", LOAD_MAX_KEY);
		if (body->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, body,
					    "service '%.200s' must be a mapping, not %s", name->str,
					    ynode_kind(body));
		rc = schema_walk(c, &service_entry_table, body, &sp);
		if (rc)
			return rc;
		if (sp.attrs) {
			rc = value_const_attrs(c, sp.attrs, &attrs, &nattrs);
			if (rc)
				return rc;
		}
		cs[i].name = arena_strndup(&c->m->arena, name->str, name->len);
		cs[i].attrs = ARENA_NEWN(&c->m->arena, struct keyval, nattrs + 1);
		if (!cs[i].name || !cs[i].attrs)
			return oom(c);
		if (sp.version) {
			const char *ver;

			if ((rc = value_string(c, sp.version, &ver)))
				return rc;
			cs[i].attrs[n].key = "service.version";
			cs[i].attrs[n].key_len = 15;
			cs[i].attrs[n].value.type = VAL_STRING;
			cs[i].attrs[n].value.u.s.ptr = ver;
			cs[i].attrs[n].value.u.s.len = (uint32_t)strlen(ver);
			n++;
		}
		for (uint32_t j = 0; j < nattrs; j++) {
			if (sp.version && !strcmp(attrs[j].key, "service.version"))
				return schema_error(c, OTELSIM_EINPUT, sp.version,
						    "service.version is given twice (as 'version' "
						    "and in 'attributes')");
			cs[i].attrs[n++] = attrs[j];
		}
		cs[i].nattrs = n;
		cs[i].language = sp.language;
		cs[i].scopes = sp.scopes;
	}
	ls->cfg_svcs = cs;
	ls->ncfg_svcs = (uint32_t)v->n;
	return 0;
}

static const struct key_def config_keys[] = {
	{ "id_formats", KT_MAP, 0, NULL, NULL, agent_config_fill, SCHEMA_NOFILL,
	  "correlation id templates: {session_id, conversation_id, request_id, mcp_tool_call_id, "
	  "enduser_pseudo_id}" },
	{ "tenants", KT_MAP, 0, NULL, NULL, agent_config_fill, SCHEMA_NOFILL,
	  "{<key>: <tenant id> | {id, display_name}}: context.tenant names a key" },
	{ "agents", KT_LIST, 0, NULL, NULL, agent_config_fill, SCHEMA_NOFILL,
	  "[<agent id> | {id, name, description}]: context.agent names an id" },
	{ "mcp_servers", KT_MAP, 0, NULL, NULL, agent_config_fill, SCHEMA_NOFILL,
	  "{<key>: {mcp_server_uuid, description, tools: [{name, tool_uuid}]}}: "
	  "context.mcp_server names a key" },
	{ "conversation_samples", KT_MAP, 0, NULL, NULL, agent_config_fill, SCHEMA_NOFILL,
	  "{<workflow>: {samples: [{user_input, llm_response, user_input_redacted, "
	  "llm_response_redacted}]}}: context.workflow names one" },
	{ "happy_path_latency", KT_MAP, 0, NULL, NULL, platform_config_fill, SCHEMA_NOFILL,
	  "{default_variance, spans: {<span>: {mean_ms, variance}}}: workflow span durations" },
	{ "tools_recommend", KT_MAP, 0, NULL, NULL, platform_config_fill, SCHEMA_NOFILL,
	  "{selection_strategy, selection_constraints, tools_selected_count, "
	  "selection_fallback_used}" },
	{ "mcp_retry", KT_MAP, 0, NULL, NULL, platform_config_fill, SCHEMA_NOFILL,
	  "{retry_policy, latency_by_error_type}: retried MCP calls" },
	{ "mcp_retry_templates", KT_MAP, 0, NULL, NULL, platform_config_fill, SCHEMA_NOFILL,
	  "{<name>: {attempts: [{outcome, error_type, latency_mean_ms}]}}" },
	{ "realistic_scenarios", KT_MAP, 0, NULL, NULL, platform_config_fill, SCHEMA_NOFILL,
	  "{divisions, error_templates, workflow_templates}: simulation goals and workflows" },
	{ "control_plane", KT_MAP, 0, NULL, NULL, platform_config_fill, SCHEMA_NOFILL,
	  "{trace_flow, latencies_ms, request_validation_templates, "
	  "response_validation_templates, request_scenarios}" },
	{ "service", KT_MAP, 0, NULL, NULL, fill_section, SCHEMA_NOFILL,
	  "the default service: {name}" },
	{ "resource", KT_MAP, 0, NULL, NULL, fill_section, SCHEMA_NOFILL,
	  "{attributes, schema_url} of every resource" },
	{ "scope", KT_MAP, 0, NULL, NULL, fill_section, SCHEMA_NOFILL,
	  "the application's own instrumentation scope: {name, version} (spans of no library "
	  "below, logs, metrics)" },
	{ "scopes", KT_MAP, 0, NULL, NULL, fill_scopes, SCHEMA_NOFILL,
	  "instrumentation scopes by kind of span: {http.server, http.client, rpc, db, "
	  "messaging, gen_ai, mcp: {name, version}} (default: what an SDK of the service's "
	  "language ships)" },
	{ "defaults", KT_MAP, 0, NULL, NULL, fill_section, SCHEMA_NOFILL,
	  "{seed, start, count, interval_ms, latency, gap}" },
	{ "output", KT_MAP, 0, NULL, NULL, fill_section, SCHEMA_NOFILL,
	  "{traces_per_record, iterations_per_block}" },
	{ "services", KT_MAP, 0, NULL, NULL, fill_services, SCHEMA_NOFILL,
	  "per-service resource attributes: {<service name>: {version, attributes}}" },
	{ "metrics", KT_LIST, 0, NULL, NULL, metrics_fill_config_rules, SCHEMA_NOFILL,
	  "metrics derived from the spans of every scenario (see the metric_rule table); a "
	  "scenario's own rules of a metric replace the config's" },
};

SCHEMA_TABLE(config_table, "config", "config/config.yaml", config_keys);

const struct key_table *const config_key_tables[] = { &config_table,        &service_table,
						      &resource_table,      &scope_table,
						      &defaults_table,      &output_table,
						      &service_entry_table, NULL };

int config_load(struct load_state *ls, const char *path)
{
	struct ydoc doc;
	struct schema_ctx c;
	int rc;

	rc = yaml_load_file(path, NULL, &doc, ls->err);
	if (rc)
		goto cleanup;
	memset(&c, 0, sizeof(c));
	c.m = ls->m;
	c.doc = &doc;
	c.err = ls->err;
	c.state = ls;
	c.file = arena_strdup(&ls->m->arena, path);
	if (!c.file) {
		rc = error_set(ls->err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (!doc.root)
		goto cleanup; /* an empty config: the defaults */
	if (doc.root->type != YN_MAP) {
		rc = schema_error(&c, OTELSIM_EINPUT, doc.root,
				  "a config file must be a mapping, not %s", ynode_kind(doc.root));
		goto cleanup;
	}
	rc = schema_walk(&c, &config_table, doc.root, &ls->m->config);
cleanup:
	ydoc_release(&doc);
	return rc;
}
