/*
 * load/semconv.h - the semantic-conventions registry.
 *
 * Reads the OpenTelemetry registry format, both v1 (`groups:`) and
 * `file_format: definition/2`, from one file or every .yaml below a folder
 * (manifest.yaml included), the way the upstream registry is published:
 * refs, extends, templates, deprecated entries and annotations. Keys the
 * upstream schema knows are accepted; a key it does not know is a warning
 * (collected, not printed: the library never prints).
 *
 * Upstream enums are open (any value allowed, members are suggestions);
 * enums of groups we own (ids starting with the vendor prefix, or marked
 * `annotations: {otelsim: {closed: true}}`) are closed: a value outside
 * them is an error in a scenario. When the same attribute id is defined
 * twice (core's deprecated stub and the GenAI registry's definition) the
 * non-deprecated definition wins.
 */
#ifndef LOAD_SEMCONV_H
#define LOAD_SEMCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "otelsim/error.h"

struct semconv;

enum sc_type {
	SC_STRING = 0,
	SC_INT,
	SC_DOUBLE,
	SC_BOOLEAN,
	SC_ANY,
	SC_STRING_ARRAY,
	SC_INT_ARRAY,
	SC_DOUBLE_ARRAY,
	SC_BOOLEAN_ARRAY,
	SC_TEMPLATE, /* template[...]: key is a prefix */
	SC_ENUM      /* members below; value type in enum_value_type */
};

struct sc_member {
	const char *id;
	const char *value; /* as text: "chat", "200" */
	bool deprecated;
};

struct sc_attr {
	const char *id;
	int type;            /* enum sc_type */
	int enum_value_type; /* SC_STRING / SC_INT / SC_DOUBLE for enums */
	const struct sc_member *members;
	size_t nmembers;
	bool closed; /* our vendor group: values outside are errors */
	bool deprecated;
	const char *renamed_to;
	const char *stability;
};

struct sc_metric {
	const char *name;
	const char *instrument; /* counter, histogram, gauge, updowncounter */
	const char *unit;
	const double *buckets; /* from annotations (our bundled file) */
	size_t nbuckets;
};

struct sc_span {
	const char *type; /* span group id or definition/2 span type */
	int kind;         /* OTLP SpanKind, 0 when not given */
};

/*
 * files: YAML files read (manifest included). groups: v1 groups plus v2
 * attribute_groups, spans, metrics, events and entities. attributes: distinct
 * ids after resolution; enums/members: those of enum type and their members.
 * metrics/spans: distinct names/types. events: event groups. deprecated:
 * deprecated attributes plus deprecated members of enums. refs: `ref:`
 * entries (ref_group not included). warnings: as semconv_warning_count.
 */
struct sc_counts {
	size_t files, groups, attributes, enums, members, metrics, spans, events, deprecated, refs,
		warnings;
};

/*
 * Load `path` (a file or folder). `vendor` is the prefix our vendor group is
 * written with ("vendor"); attribute ids "vendor.x" are stored as
 * "<vendor_out>.x". Errors are file:line:col, code OTELSIM_EINPUT (a
 * vendor prefix load_check_vendor refuses: its OTELSIM_EUSAGE).
 */
int semconv_load(const char *path, const char *vendor_out, struct semconv **out,
		 struct otelsim_error *err);
/*
 * Several paths merged into one registry (later ones win on conflicts; the
 * schema URL is the first manifest's).
 */
int semconv_load_many(const char *const *paths, size_t n, const char *vendor_out,
		      struct semconv **out, struct otelsim_error *err);
void semconv_free(struct semconv *sc);

/* By id; an id under a template ("http.request.header.accept") finds it. */
const struct sc_attr *semconv_attr(const struct semconv *sc, const char *id);
const struct sc_metric *semconv_metric(const struct semconv *sc, const char *name);
/* By type (v1: group id without "span.") or by the span's `name` when given. */
const struct sc_span *semconv_span(const struct semconv *sc, const char *type);
void semconv_counts(const struct semconv *sc, struct sc_counts *out);
const char *semconv_schema_url(const struct semconv *sc); /* manifest's, or "" */
/* Warnings collected while loading ("file:line:col: unknown key 'x'"). */
size_t semconv_warning_count(const struct semconv *sc);
const char *semconv_warning(const struct semconv *sc, size_t i);

#endif
