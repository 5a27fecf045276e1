/*
 * load/load.h - from files to a validated `struct model`.
 *
 * Order: config (config/config.yaml), conventions (--semconv: one file or a
 * registry folder), then scenarios (every .yaml below the scenarios folder,
 * recursively; files whose name starts with '_' are shared includes, not
 * scenarios). The dialect of each scenario file is recognised from its
 * top-level keys (load/dialect_*.c); all lower to model/model.h.
 *
 * Every user mistake is reported as file:line:col with code OTELSIM_EINPUT
 * (OTELSIM_ELIMIT for hard limits); nothing is written anywhere. Loading
 * stops at the first error (`validate` loads files one by one to report
 * each bad file).
 */
#ifndef LOAD_LOAD_H
#define LOAD_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "otelsim/error.h"

struct load_opts {
	const char *config_path;    /* NULL: built-in defaults only */
	const char *bundled_semconv;  /* the bundled conventions/ (NULL: none) */
	const char *semconv_path;   /* --semconv: a file or registry folder, loaded
				       after the bundled one (NULL: none) */
	const char *scenarios_dir;  /* NULL with files == NULL: no scenarios */
	const char *const *files;   /* load only these scenario files */
	size_t nfiles;
	const char *bundled_dir;    /* the bundled scenarios folder: its
				       example_scenario.yaml is `reference` */
	const char *vendor;         /* NULL: "vendor" */
	const char *service_name;   /* NULL: config's, else "otelsim" */
	uint64_t max_spans_per_trace;  /* 0: 10000 */
};

/* Fill *m (model_release frees it, also after a failure). */
int load_model(const struct load_opts *opts, struct model *m, struct otelsim_error *err);

#endif
