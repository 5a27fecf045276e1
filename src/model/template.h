/*
 * model/template.h - a compiled "{{...}}" string: the template IR.
 *
 * A template is literal text with embedded expressions. The loader
 * (load/template.h) compiles the text once, checking everything a user can
 * get wrong; the engine (engine/template.h) evaluates the parts in one pass
 * per span. The parts are plain data, read-only after loading:
 *   TP_LIT     literal text (s, n)
 *   TP_INT     random.int(lo, hi): an integer in [lo, hi]
 *   TP_FLOAT   random.float(a, b): flo + fspan * u, rounded to `decimals`
 *   TP_UUID    random.uuid (version 4)
 *   TP_HEX     random.hex(n): n hex digits
 *   TP_IPV4    random.ipv4
 *   TP_CHOICE  random.choice(...): one of `choices` (typed `vals` when set)
 *   TP_UA      random.user_agent: one of tmpl_user_agents
 *   TP_VAR     the trace's var number n
 *   TP_PARENT  the parent span's attribute s (n bytes)
 *   TP_ATTR    the attribute s (n bytes) of the span `up` levels above the
 *              one being made (0: that span itself, whose attributes are
 *              made first): a trace-generator {{name}}
 */
#ifndef MODEL_TEMPLATE_H
#define MODEL_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/value.h"

enum tmpl_part_kind {
	TP_LIT = 0,
	TP_INT,
	TP_FLOAT,
	TP_UUID,
	TP_HEX,
	TP_IPV4,
	TP_CHOICE,
	TP_UA,
	TP_VAR,
	TP_PARENT,
	TP_ATTR
};

struct tmpl_str {
	const char *ptr;
	uint32_t len;
};

struct tmpl_part {
	uint8_t kind;     /* enum tmpl_part_kind */
	uint8_t decimals; /* TP_FLOAT */
	uint32_t
		n; /* TP_LIT/TP_PARENT/TP_ATTR length, TP_HEX chars, TP_CHOICE count, TP_VAR index */
	uint32_t up;              /* TP_ATTR: levels above the span being made */
	const char *s;            /* TP_LIT text, TP_PARENT/TP_ATTR key */
	int64_t lo, hi;           /* TP_INT range */
	double flo, fspan, scale; /* TP_FLOAT: min, max - min, 10^decimals */
	const struct tmpl_str *choices;
	const uint32_t *offs;     /* TP_CHOICE: each option's byte offset */
	const struct value *vals; /* TP_CHOICE: typed results, or NULL (text) */
	uint32_t off;             /* byte offset of the expression's name */
};

struct tmpl {
	struct tmpl_part *parts;
	uint32_t nparts;
	bool lone;        /* one expression, no text around it */
	bool dynamic;     /* has TP_VAR/TP_PARENT/TP_ATTR parts (length known only at eval) */
	uint8_t natural;  /* enum value_type, see tmpl_natural_type */
	size_t fixed_max; /* output bound of every non-dynamic part */
};

/* What random.user_agent draws from (uniformly). */
extern const struct tmpl_str tmpl_user_agents[];
extern const size_t tmpl_nuser_agents;

/*
 * When the whole string is one expression, the value type it yields on its
 * own (VAL_INT for random.int, VAL_DOUBLE for random.float, VAL_STRING for
 * the rest, VAL_NONE for var and attribute references whose type is only
 * known when rendering); VAL_STRING when there is text around it.
 */
int tmpl_natural_type(const struct tmpl *t);
bool tmpl_is_lone_expr(const struct tmpl *t);

/* The var index of a template that is exactly "{{vars.x}}", else -1. */
int tmpl_lone_var(const struct tmpl *t);

/* A template that is exactly one attribute reference (TP_ATTR): its key and level. */
bool tmpl_lone_attr(const struct tmpl *t, const char **key, uint32_t *up);

/*
 * A template that is exactly "{{random.choice(...)}}": its number of options
 * (0 for any other template) and option i's text and byte offset in the
 * compiled string.
 */
size_t tmpl_choice_count(const struct tmpl *t);
void tmpl_choice_option(const struct tmpl *t, size_t i, const char **s, size_t *len, size_t *off);
/*
 * Give a lone random.choice typed results (vals[i] for option i, in the
 * caller's arena; the draw is the same as for the text): the loader converts
 * the options to an attribute's type from the conventions.
 */
void tmpl_set_choice_values(struct tmpl *t, const struct value *vals);
/* The typed results set above, or NULL. */
const struct value *tmpl_choice_values(const struct tmpl *t);

/*
 * The i-th {{parent.attributes.KEY}} of the template: false past the last;
 * else its key and the byte offset of the reference in the compiled string.
 */
bool tmpl_parent_ref(const struct tmpl *t, size_t i, const char **key, size_t *len, size_t *off);

#endif
