/*
 * load/load.h - from files to a validated `struct model`.
 *
 * Order: conventions (the bundled registry, then --semconv: one file or a
 * registry folder), config (config/config.yaml: its resource attributes are
 * checked against the conventions), then scenarios: the given files, or
 * every .yaml/.yml below the scenarios folder, recursively (at most 16
 * levels), each folder sorted by name (files and folders starting with '_'
 * or '.' are skipped: '_' marks shared files, like the trace-generator's
 * _base.yaml, which its dialect reads itself). Scenarios end up sorted by
 * folder, then name.
 * The dialect of each scenario file is recognised from its top-level keys
 * (the dialect table in load.c, described in load/loader.h): native
 * (`root`, load/native.c); trace-generator (`scenario_name`, `root_span`,
 * `steps`, or a folder's shared `_base.yaml` with `schema_version`:
 * load/tracegen.c); Dreamweaver (`templates` + `services` + `workload`) is
 * reported as not supported yet. A dialect may make several scenarios of
 * one file (or none: a shared file). All lower to model/model.h. Every key
 * of our own files is in a key table (load/schema.h lists them). After
 * every file, a context a scenario imports must be one some scenario
 * exports, when any does.
 *
 * Every user mistake is reported as file:line:col with code OTELSIM_EINPUT
 * (OTELSIM_ELIMIT for hard limits: YAML aliases, nesting, string lengths,
 * integer overflow, worst-case spans per trace); nothing is written anywhere.
 * The file is the path as the caller gave it. Loading stops at the first
 * error (`validate` loads files one by one to report each bad file).
 *
 * Resources: each distinct (service, scenario resource) pair is one entry of
 * model->services: service.name, then the config's resource attributes, the
 * config's `services: <name>:` attributes, then the scenario's `resource:`
 * attributes (later keys replace earlier values; `replace: true` drops the
 * config's two sets).
 */
#ifndef LOAD_LOAD_H
#define LOAD_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "util/dir.h"
#include "otelsim/error.h"

struct load_opts {
	const char *config_path;     /* NULL: built-in defaults only */
	const char *bundled_semconv; /* the bundled conventions/ (NULL: none) */
	const char *semconv_path;    /* --semconv: a file or registry folder, loaded
				       after the bundled one (NULL: none) */
	const char *const *semconv_paths; /* and these, in order */
	size_t nsemconv;
	const char *scenarios_dir;   /* NULL with files == NULL: no scenarios */
	const char *const *files;    /* load only these scenario files */
	size_t nfiles;
	const char *bundled_dir;      /* the bundled scenarios folder: its
				       example_scenario.yaml is `reference` */
	const char *vendor;           /* NULL: "vendor"; see load_check_vendor */
	const char *service_name;     /* NULL: config's, else "otelsim" */
	uint64_t max_spans_per_trace; /* 0: 10000 */
	/* tenants that win over every session's context.tenant (model/agent.h):
	 * one is every session's, several a weighted mix (weights NULL: equal) */
	const char *const *tenant_ids;
	const double *tenant_weights;
	size_t ntenants;
};

/* Fill *m (model_release frees it, also after a failure). */
int load_model(const struct load_opts *opts, struct model *m, struct otelsim_error *err);

/*
 * The scenario files below `dir`, found as load_model finds them (the walk
 * described above), appended to *out as "dir/sub/name.yaml". Errors:
 * OTELSIM_EINPUT when a folder does not exist, OTELSIM_EIO when it cannot
 * be read, OTELSIM_ELIMIT past 16 levels, OTELSIM_ENOMEM.
 */
struct load_files {
	char **paths; /* malloc'd, each malloc'd */
	size_t n, cap;
	/* wanted names that are not regular files (a FIFO, a socket): left
	 * out, for a warning (util/dir.h) */
	struct dir_list skipped;
};
int load_list_files(const char *dir, struct load_files *out, struct otelsim_error *err);
int load_files_add(struct load_files *files, const char *path); /* a copy; 0 or -1 */
void load_files_release(struct load_files *files);

/*
 * What a YAML file is, from its top-level keys: a scenario (or anything the
 * scenario loader should report on, unreadable files included, and a
 * trace-generator _base.yaml: `schema_version`, or `services` as a list), our
 * config file (service, resource, scope, defaults, output, services as a
 * mapping), or part of a conventions registry (groups, file_format, or a
 * manifest's schema_url).
 */
enum load_kind { LOAD_KIND_SCENARIO = 0, LOAD_KIND_CONFIG, LOAD_KIND_CONVENTIONS };
int load_file_kind(const char *path);

/*
 * The vendor prefix replaces "vendor" in vendor.* names, so it must read
 * as the start of an attribute name: "acme", "acme_corp", or a dotted
 * namespace such as "com.acme" (no empty names: no leading, trailing or
 * doubled dot). 0, or OTELSIM_EUSAGE "vendor prefix 'x' must be <rule>".
 */
#define LOAD_VENDOR_RULE                                                                          \
	"names of letters, digits, '_' or '-' joined by single dots (like acme or com.acme), at " \
	"most 64 characters"
int load_check_vendor(const char *vendor, struct otelsim_error *err);

#endif
