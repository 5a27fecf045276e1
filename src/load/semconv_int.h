/*
 * load/semconv_int.h - what registry files say, before resolution.
 *
 * semconv_read.c turns each YAML file (v1 `groups:`, `file_format:
 * definition/2`, or the manifest) into flat records: attribute definitions,
 * attribute references, and groups (v1 groups, v2 attribute groups and
 * signals). semconv.c resolves them once every file is read: picks one
 * definition per id, checks every ref/extends/ref_group target, applies our
 * narrowing, and builds the sorted tables the queries use.
 *
 * Every string lives in the registry's arena (the YAML documents are freed
 * file by file). Ids are stored as they will be looked up: "vendor.x" is
 * already "<vendor_out>.x".
 */
#ifndef LOAD_SEMCONV_INT_H
#define LOAD_SEMCONV_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "load/semconv.h"
#include "util/arena.h"

/* The prefix our vendor files are written with. */
#define SC_VENDOR_WRITTEN "vendor"

struct scx_pos {
	const char *file;
	int line, col;
};

enum scx_gkind {
	GK_ATTRIBUTE_GROUP = 0,
	GK_SPAN,
	GK_EVENT,
	GK_METRIC,
	GK_METRIC_GROUP,
	GK_ENTITY,
	GK_RESOURCE,
	GK_SCOPE
};

/* One attribute definition (`id:` in v1, `key:` in v2). */
struct scx_def {
	struct sc_attr a;
	bool excluded;               /* dependency_resolution: {exclude: true} */
	const char **allowed;        /* annotations.otelsim.allowed_values */
	struct scx_pos *allowed_pos; /* of each value */
	size_t nallowed;
	struct scx_pos pos;
	size_t order; /* position in load order: later wins */
	size_t group; /* 1 + index into groups of the group listing it (0: none) */
	uint8_t level; /* enum sc_req_level there */
	const char *example;
};

/* One `ref:`; `allowed` is our narrowing (only honoured in vendor groups). */
struct scx_ref {
	const char *id;
	struct scx_pos pos;
	const char **allowed;
	struct scx_pos *allowed_pos; /* of each value */
	size_t nallowed;
	bool has_allowed;
	bool in_vendor;
	struct scx_pos list_pos; /* of the allowed_values list */
	size_t group;            /* 1 + index into groups of its group (0: none) */
	uint8_t level;           /* enum sc_req_level */
	const char *example;
};

struct scx_edge {
	const char *target; /* group id */
	struct scx_pos pos;
	bool is_extends; /* else ref_group */
};

struct scx_group {
	const char *id; /* group id as written (v2 signals: "span:<type>"...) */
	int kind;       /* enum scx_gkind */
	bool deprecated;
	bool referable; /* may be named by extends / ref_group */
	struct scx_pos pos;
	struct scx_edge *edges;
	size_t nedges;
	/* spans */
	const char *span_type, *span_name;
	int span_kind;
	/* metrics */
	const char *metric_name, *instrument, *unit;
	double *buckets;
	size_t nbuckets;
	size_t order;
	int state; /* resolution: 0 new, 1 visiting, 2 done */
};

struct scx_warning {
	const char *text; /* "file:line:col: message" */
	size_t fileno;    /* load order of the file */
	int line, col;
	size_t seq;
};

/* Growable array of fixed-size items (malloc'd; freed by scx_release). */
struct scx_vec {
	void *items;
	size_t n, cap, size;
};

struct scx {
	struct arena *arena;    /* the registry's: everything kept goes here */
	const char *vendor_out; /* "acme" (no dot) */
	struct otelsim_error *err;
	struct scx_vec defs;      /* struct scx_def */
	struct scx_vec refs;      /* struct scx_ref */
	struct scx_vec groups;    /* struct scx_group */
	struct scx_vec warnings;  /* struct scx_warning */
	struct scx_vec filenames; /* const char *, in load order */
	const char *schema_url;
	size_t files;
	size_t order;
};

void scx_init(struct scx *x, struct arena *arena, const char *vendor_out,
	      struct otelsim_error *err);
void scx_release(struct scx *x);
/* Pointer to a new zeroed item, or NULL when out of memory. */
void *scx_push(struct scx_vec *v);
/* Add "file:line:col: message" to the warnings; 0 or OTELSIM_ENOMEM. */
int scx_warn(struct scx *x, const char *file, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* Read one YAML file into x (manifest, v1 or definition/2). */
int scx_read_file(struct scx *x, const char *path);

/* The id as stored: "vendor.x" becomes "<vendor_out>.x". */
const char *scx_store_id(struct scx *x, const char *id);
bool scx_is_vendor_id(const char *id); /* written "vendor.x" */

#endif
