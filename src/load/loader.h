/*
 * load/loader.h - what the loader's own files share (not a public header).
 *
 *   load.c      load_model: config, conventions, the scenario walk, the
 *               dialect table, services, duplicate names, sorting
 *   config.c    config/config.yaml (its key tables)
 *   native.c    the native scenario dialect (seeds 000/001; its key tables)
 *   tracegen.c  the trace-generator dialect (seed 002; its key tables)
 *   dreamweaver.c  the Dreamweaver dialect (seed 004; its key tables)
 *   agent.c     the agent platform (model/agent.h): the config's id_formats,
 *               tenants, agents, mcp_servers, conversation_samples, and a
 *               native scenario's context and conversation (its key tables)
 *   tree.c      the checks every dialect's span tree needs (load/tree.h)
 *   values*.c   values every dialect needs: attribute value specs, latency
 *               and count distributions, probabilities, the vendor rewrite
 *               (load/values.h lists the files)
 *   template.c  "{{...}}" compiled (load/template.h)
 *
 * Everything written into the model lives in model->arena; YAML nodes live in
 * the document's arena and are released after each file.
 */
#ifndef LOAD_LOADER_H
#define LOAD_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "load/template.h"
#include "load/load.h"
#include "load/schema.h"
#include "model/model.h"

/* Hard limits of the scenario language (each has its own message). */
#define LOAD_MAX_SPAN_DEPTH 32              /* nested children */
#define LOAD_MAX_STRING     65536           /* bytes of a string value */
#define LOAD_MAX_KEY        256             /* bytes of an attribute key or span type */
#define LOAD_MAX_NAME       128             /* bytes of a scenario name */
#define LOAD_MAX_REPEAT     1000000000000LL /* repeat_count, defaults.count */
#define LOAD_MAX_MS         31536000000.0   /* one year: any duration in ms */
#define LOAD_MAX_ATTEMPTS   1000            /* retry.max_attempts */
#define LOAD_MAX_DECIMALS   15
#define LOAD_MAX_DOCS       1000 /* YAML documents in one scenario file */

/* A resource being collected (copied into model->services at the end). */
struct svc_draft {
	const char *name;
	struct keyval *attrs;
	uint32_t nattrs;
	const struct scope_def *scope_kinds; /* its cfg_service's, or NULL */
};

/* Per-service settings from the config's `services:` section. */
struct cfg_service {
	const char *name;
	struct keyval *attrs; /* service.version first when given, then attributes */
	uint32_t nattrs;
	const char *language; /* telemetry.sdk.language, or NULL: config's */
	const struct scope_def *scopes; /* [SCOPE_KINDS] its `scopes:`, or NULL */
};

/*
 * The telemetry.sdk.* resource attributes an SDK always sends, added to a
 * service's resource where it does not give them: telemetry.sdk.name
 * "opentelemetry", telemetry.sdk.language the service's language (config:
 * services.<name>.language, else service.language), telemetry.sdk.version
 * a recent release of that language's SDK. NULL when `language` is not one
 * of the conventions' values.
 */
const char *load_sdk_version(const char *language);
extern const char *const load_sdk_languages; /* "cpp, dotnet, ...": for messages */

struct load_state {
	struct model *m;
	const struct load_opts *opts;
	struct otelsim_error *err;
	struct svc_draft *svcs; /* malloc'd; strings in m->arena */
	size_t nsvcs, svcs_cap;
	struct cfg_service *cfg_svcs; /* in m->arena */
	uint32_t ncfg_svcs;
	bool schema_url_set;     /* the config gave one */
	bool service_name_set;   /* the config gave one */
	struct scenario **scens; /* every scenario so far (malloc'd) */
	size_t nscens, scens_cap;
	void *dialect_state[4]; /* by enum dialect: what a dialect keeps across files */
};

/* One scenario file, read and recognised, for its dialect to lower. */
struct load_file {
	const char *path;       /* as found (in the model arena) */
	const char *root;       /* the scenarios folder (no trailing '/'), or NULL */
	const char *rel_dir;    /* its folder below root ("" at the top or outside it) */
	const char *category;   /* the first component of rel_dir, or "" */
	const struct ydoc *doc; /* every document of the file (released after lowering) */
	char sha256[65];        /* of the file's bytes */
	bool reference;         /* the bundled example_scenario.yaml */
};

/*
 * A scenario dialect, as load.c's table (load_dialects) lists it: a file is
 * the first dialect's whose signature its first scenario (the root
 * mapping, or the first item of a root list) has: one of any_keys, or
 * every one of all_keys; failing that, the first whose top-level table
 * (tables[0]) knows one of its keys, so the walker reports what is
 * missing. `load` lowers every scenario of the file (none, one or several:
 * load_scenario_new, then load_scenario_add), and may read shared files of
 * its folder; NULL: recognised, "not supported yet". `release` frees what
 * the dialect kept in ls->dialect_state across files.
 */
struct load_dialect {
	const char *name; /* "trace-generator" */
	uint8_t id;       /* enum dialect */
	const char *const *any_keys;
	const char *const *all_keys;
	const char *hint; /* what "not a scenario file" says it expects */
	int (*load)(struct load_state *ls, const struct load_file *f);
	const struct key_table *const *tables; /* NULL-terminated; [0]: the top level */
	void (*release)(struct load_state *ls);
};

extern const struct load_dialect load_dialects[];
extern const size_t load_ndialects;

/* What templates and lone-template type inference may look at. */
struct gen_env {
	struct tmpl_env tenv;        /* var names defined so far */
	const uint8_t *var_types;    /* their value types (VAL_*) */
	const struct var_spec *vars; /* their specs (values known at load time), or NULL */
	/* called with every template compiled under this env (may be NULL) */
	int (*note)(struct schema_ctx *c, void *arg, const struct ynode *n, const struct tmpl *t);
	void *note_arg;
	/*
	 * The value type of the attribute a lone attribute reference copies
	 * (tenv.attr_ref resolved it; arg is tenv.attr_arg), or VAL_NONE
	 */
	int (*attr_type)(void *arg, const char *key, uint32_t up);
};

/* Each file's key tables, NULL-terminated (schema_tables lists them all). */
extern const struct key_table *const config_key_tables[];
extern const struct key_table *const native_key_tables[];
extern const struct key_table *const value_dist_tables[]; /* latency, count, distributions */
extern const struct key_table *const value_form_tables[]; /* choice, forced type */

/* ---- agent.c ---- */
struct sample_set;
struct tenant_def;
struct agent_def;
struct mcp_server_def;
struct exchange;

/* A native scenario's context, conversation and redaction_applied, as read. */
struct session_draft {
	const struct ynode *at; /* context or conversation, the first given (NULL: none) */
	const struct tenant_def *tenant;
	const struct agent_def *agent;
	const struct mcp_server_def *server;
	const struct sample_set *workflow;
	int redaction; /* enum redact_level */
	const struct ynode *redaction_at;
	struct exchange *turns, *samples;
	uint32_t nturns, nsamples;
	const struct ynode *turns_at;
	struct dist turn_gap;
	bool has_gap;
};

extern const struct key_table *const agent_key_tables[];
/* m->agent: the session keys after the vendor rewrite, the options' tenants. */
int agent_model_init(struct load_state *ls);
/* The config sections id_formats, tenants, agents, mcp_servers, conversation_samples. */
int agent_config_fill(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		      void *obj);
int agent_fill_context(struct schema_ctx *c, const struct ynode *v, struct session_draft *d);
int agent_fill_conversation(struct schema_ctx *c, const struct ynode *v, struct session_draft *d);
/*
 * After the scenario's tree is read: sc->session from the draft (nothing
 * when neither context nor conversation was given), the span roles, and
 * the checks that need both (keys the session sets, tools, id formats).
 */
int agent_session_finish(struct schema_ctx *c, struct scenario *sc, struct session_draft *d);

/* ---- platform.c: seed 000's workflow sections of the config ---- */
extern const struct key_table *const platform_key_tables[];
struct platform_config;
struct attempt_def;
void platform_defaults(struct platform_config *p);
/* happy_path_latency, tools_recommend, mcp_retry(_templates), realistic_scenarios, control_plane */
int platform_config_fill(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			 void *obj);
/* An `attempts` list (a retry template's, or a scenario's inline one). */
int platform_attempts(struct schema_ctx *c, const struct ynode *v, struct attempt_def **out,
		      uint32_t *n);
/* The five simulation goals, NULL-terminated. */
const char *const *platform_goal_names(void);

/* ---- fill.c ---- */
/* An agent session's spans get the attributes their conventions want (see fill.c). */
int conventions_fill(struct schema_ctx *c, struct scenario *sc);
/*
 * emit_metrics without `metrics:` in an agent session: also the vendor's
 * <vendor>.turn.duration (a histogram of the turns, by turn status and
 * agent) and <vendor>.tool.calls (MCP tool calls, by tool and error.type).
 */
int agent_metrics_defaults(struct schema_ctx *c, struct scenario *sc);

/* ---- config.c ---- */
void config_defaults(struct config *cfg);
/* Load config/config.yaml into ls->m->config (and ls->cfg_svcs). */
int config_load(struct load_state *ls, const char *path);

/* ---- tracegen.c ---- */
/* A trace-generator file: its scenarios, or a shared _base.yaml (none). */
int tracegen_load(struct load_state *ls, const struct load_file *f);
void tracegen_release(struct load_state *ls);
extern const struct key_table *const tracegen_key_tables[];

/* ---- dreamweaver.c ---- */
/* A Dreamweaver config (seed 004): one scenario named after the file. */
int dreamweaver_load(struct load_state *ls, const struct load_file *f);
extern const struct key_table *const dreamweaver_key_tables[];

/* ---- native.c ---- */
/* A native file: one scenario (one YAML document, a mapping). */
int native_load(struct load_state *ls, const struct load_file *f);

/* ---- load.c ---- */
/*
 * A new scenario of file f (path, folder, category, file hash, reference,
 * position 1:1 and weight 1 set), in the model arena.
 */
int load_scenario_new(struct load_state *ls, const struct load_file *f, struct scenario **out);
/*
 * Add a finished scenario: its name (and display name, when it has one)
 * must not be another's; the errors are reported at name_at / title_at
 * (NULL: 1:1).
 */
int load_scenario_add(struct load_state *ls, struct scenario *sc, const struct ydoc *doc,
		      const struct ynode *name_at, const struct ynode *title_at);
/*
 * The index of the resource for `service` with the scenario's resource
 * attributes (`replace`: without the config's resource attributes),
 * creating it when no equal one exists.
 */
int load_service(struct load_state *ls, const char *service, const struct keyval *attrs,
		 uint32_t nattrs, bool replace, int32_t *index);
const char *load_default_service(const struct load_state *ls);

/* ---- metrics.c: a native scenario's metrics:, series:, metric_interval ---- */
extern const struct key_table *const metrics_key_tables[];
int metrics_fill_rules(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
		       void *obj);
int metrics_fill_series(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			void *obj);
int metrics_fill_interval(struct schema_ctx *c, const struct key_def *k, const struct ynode *v,
			  void *obj);
/* emit_metrics: true without rules: the conventions' metrics for their spans */
int metrics_defaults(struct schema_ctx *c, struct scenario *sc);
/* the config's `metrics:`: rules for every scenario, checked against the conventions */
int metrics_fill_config_rules(struct schema_ctx *c, const struct key_def *k,
			      const struct ynode *v, void *obj);
/*
 * Add the config's rules to a loaded scenario: a metric the scenario's own
 * `metrics:` names keeps only the scenario's rules; a metric of the config
 * replaces the scenario's default rules (emit_metrics) of that name.
 */
int metrics_add_config_rules(struct model *m, struct scenario *sc, struct otelsim_error *err);
/* ---- timeline.c: a native scenario's timeline: (after its tree is complete) ---- */
extern const struct key_table timeline_table;
/* A native scenario's `phases:` (load/phases.c), after its tree and series. */
int phases_fill(struct schema_ctx *c, struct load_state *ls, const struct ynode *v,
		struct scenario *sc);
extern const struct key_table phase_table;

int timeline_fill(struct schema_ctx *c, struct load_state *ls, const struct ynode *v,
		  struct scenario *sc);
/* exceptions: span_event, log, both (NULL-terminated; index + 1 is enum exceptions_mode) */
extern const char *const exceptions_members[];

/* The native loader's state behind a schema_ctx (its services). */
struct load_state *native_load_state(struct schema_ctx *c);

/* ---- values.c ---- */
/* "vendor.x" -> "<vendor>.x" (anything else unchanged); arena string. */
const char *vendor_rewrite(struct model *m, const char *s, size_t len, uint32_t *out_len);
/* A string value: copied to the arena, at most LOAD_MAX_STRING bytes. */
int value_string(struct schema_ctx *c, const struct ynode *n, const char **out);
/* A latency: a bare number (constant ms) or a mapping with `distribution`. */
int value_latency(struct schema_ctx *c, const struct ynode *n, struct dist *out);
/* A count: an integer or a mapping (poisson, uniform, fixed). */
int value_count(struct schema_ctx *c, const struct ynode *n, struct count_spec *out);
/* A probability-like number already known to be a number: 0..1. */
int value_prob(struct schema_ctx *c, const struct ynode *n, double *out);
/* An attribute (or var, key NULL) value spec in any of its forms. */
int value_gen(struct schema_ctx *c, const char *key, const struct ynode *n,
	      const struct gen_env *env, struct gen *out);
/*
 * A name that may hold templates (a span type, an event name): *name is it
 * as emitted (a leading vendor. and every {{parent.attributes.vendor.x}}
 * rewritten) and, when it holds templates, *out their compilation (checked
 * as written first, so errors name the file's positions; env->note sees
 * it); else *out = NULL.
 */
int value_name(struct schema_ctx *c, const struct ynode *n, const struct gen_env *env,
	       const char **name, uint32_t *name_len, struct tmpl **out);
/*
 * g, the value of attribute `key` at n, when it is a lone
 * {{parent.attributes.PKEY}}: the parent's attribute pa (NULL for one the
 * engine adds: retry.attempt, error.type; pwhat names whose it is, "the
 * parent span") must fit key's conventions type (its values convert when
 * the load knows them) and closed enum (the same enum, or values known to
 * be members). 0 when it does or g is something else.
 */
int value_check_copy(struct schema_ctx *c, const struct ynode *n, const char *key,
		     const struct gen *g, const char *pwhat, const char *pkey,
		     const struct attr_spec *pa);
/* An `attributes:` mapping: keys rewritten, values as value_gen. */
int value_attrs(struct schema_ctx *c, const struct ynode *map, const struct gen_env *env,
		struct attr_spec **out, uint32_t *n);
/* Resource attributes: constants only, into key/values. */
int value_const_attrs(struct schema_ctx *c, const struct ynode *map, struct keyval **out,
		      uint32_t *n);
/*
 * An error at byte `off` of the template compiled from string node n (the
 * vendor rewrite undone): "file:line:col: MESSAGE at position N of the string".
 */
int value_tmpl_error(struct schema_ctx *c, const struct ynode *n, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;
/* An error.type value: a member of the conventions' error.type when closed. */
int value_error_type(struct schema_ctx *c, const struct ynode *n, const char *what,
		     const char **out);

#endif
