/*
 * model/semconv.h - the semantic-conventions registry, as loaded and
 * resolved (load/semconv.h reads it): attribute types and enums, span kinds,
 * metric instruments and buckets. Immutable once loaded; the model owns it
 * (model_release frees it), the loader and the engine ask it questions.
 */
#ifndef MODEL_SEMCONV_H
#define MODEL_SEMCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

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
	int template_type;   /* SC_TEMPLATE: the type of each value (template[string] is
				SC_STRING, template[string[]] SC_STRING_ARRAY) */
	const struct sc_member *members;
	size_t nmembers;
	bool closed; /* our vendor group: values outside are errors */
	/*
	 * An open upstream attribute a vendor group narrowed (allowed_values
	 * on its ref, like error.type): the attribute as upstream defines it.
	 * The narrowing applies on the spans vendor groups define; elsewhere
	 * the loader checks values against this one. NULL otherwise.
	 */
	const struct sc_attr *open;
	bool deprecated;
	const char *renamed_to;
	const char *stability;
	const char *example; /* its first example as text, or NULL */
};

/* How much a span type wants one of its attributes. */
enum sc_req_level { SC_REQUIRED = 0, SC_RECOMMENDED, SC_CONDITIONAL, SC_OPT_IN };

/* An attribute a span type lists (its own, then what it extends). */
struct sc_req {
	const char *id;
	uint8_t level;       /* enum sc_req_level */
	const char *example; /* the entry's first example, else the attribute's, or NULL */
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
	bool vendor;      /* defined by a vendor.* group (our agent spans) */
	const struct sc_req *reqs; /* its attributes, each once (its own first) */
	size_t nreqs;
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

struct sc_alias {
	const char *name; /* first, like every sorted table here */
	size_t span;
	size_t order; /* of the span's group: the later wins */
};

/* Every table is sorted by its elements' first member, a `const char *`. */
struct semconv {
	struct arena arena;
	struct sc_attr *attrs; /* sorted by id */
	size_t nattrs;
	struct sc_metric *metrics; /* sorted by name */
	size_t nmetrics;
	struct sc_span *spans; /* sorted by type */
	size_t nspans;
	struct sc_alias *aliases; /* span names, sorted */
	size_t naliases;
	struct sc_counts counts;
	const char *schema_url;
	const char **warnings;
	size_t nwarnings;
};

/*
 * The element of a sorted table (n elements of `stride` bytes, each
 * starting with its `const char *` key) whose key is key[0..len), or NULL.
 */
const void *semconv_find_sorted(const void *base, size_t n, size_t stride, const char *key,
				size_t len);

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
