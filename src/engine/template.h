/*
 * engine/template.h - "{{...}}" strings, compiled when a file loads.
 *
 * A template is literal text with embedded expressions:
 *   {{random.int(a,b)}} {{random.float(a,b)}} {{random.uuid}} {{random.hex(n)}}
 *   {{random.ipv4}} {{random.choice(a,b,...)}} {{random.user_agent}}
 *   {{vars.x}} {{parent.attributes.some.dotted.key}}
 * (trace-generator files also write a bare {{x}} for vars.x; the loader
 * passes `bare_vars` for them). Compiling checks everything a user can get
 * wrong (unclosed braces, unknown functions, bad arguments, unknown vars)
 * and reports the byte offset in the string, which the loader turns into a
 * file:line:col. Evaluation never fails on user input.
 */
#ifndef ENGINE_TEMPLATE_H
#define ENGINE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "model/value.h"
#include "util/arena.h"
#include "util/rng.h"

struct tmpl;

struct tmpl_env {
	const char *const *vars; /* names of vars defined so far */
	size_t nvars;
	bool bare_vars; /* accept {{x}} for {{vars.x}} */
	/*
	 * vars[nvars..nall) are defined later (0: none): only named in the
	 * message when one of them is used (a var may use only earlier vars)
	 */
	size_t nall;
};

struct tmpl_error {
	size_t offset; /* byte offset in the string (0-based) */
	char message[256];
};

/* Does s contain "{{" at all? (Cheap test before compiling.) */
bool tmpl_has_expr(const char *s, size_t len);

/* 0, or -1 with err filled. The result lives in the arena. */
int tmpl_compile(struct arena *a, const char *s, size_t len, const struct tmpl_env *env,
		 struct tmpl **out, struct tmpl_error *err);

/*
 * When the whole string is one expression, the value type it yields on its
 * own (VAL_INT for random.int, VAL_DOUBLE for random.float, VAL_STRING for
 * the rest, VAL_NONE for vars./parent. references whose type is only known
 * when rendering); VAL_STRING when there is text around it.
 */
int tmpl_natural_type(const struct tmpl *t);
bool tmpl_is_lone_expr(const struct tmpl *t);

/* The var index of a template that is exactly "{{vars.x}}", else -1. */
int tmpl_lone_var(const struct tmpl *t);

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

/* What evaluation may look at. */
struct tmpl_ctx {
	struct rng *rng;
	struct arena *arena;      /* where result strings go */
	const struct value *vars; /* values of the trace's vars, by index */
	const struct keyval *parent_attrs;
	size_t nparent_attrs;
};

/* Evaluate into *out (strings in ctx->arena). 0, or -1 out of memory. */
int tmpl_eval(const struct tmpl *t, struct tmpl_ctx *ctx, struct value *out);

#endif
