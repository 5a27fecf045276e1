/*
 * load/template.h - compiling "{{...}}" strings when a file loads.
 *
 * A template is literal text with embedded expressions:
 *   {{random.int(a,b)}} {{random.float(a,b)}} {{random.uuid}} {{random.hex(n)}}
 *   {{random.ipv4}} {{random.choice(a,b,...)}} {{random.user_agent}}
 *   {{vars.x}} {{parent.attributes.some.dotted.key}}
 * (trace-generator files also write a bare {{x}} for vars.x; the loader
 * passes `bare_vars` for them, and `attr_ref` to resolve a bare name that is
 * no var against the attributes of the span and its ancestors). Compiling
 * checks everything a user can get wrong (unclosed braces, unknown
 * functions, bad arguments, unknown vars) and reports the byte offset in
 * the string, which the loader turns into a file:line:col. The result is
 * the IR of model/template.h; evaluation (engine/template.h) never fails on
 * user input.
 */
#ifndef LOAD_TEMPLATE_H
#define LOAD_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/template.h"
#include "util/arena.h"

struct tmpl_env {
	const char *const *vars; /* names of vars defined so far */
	size_t nvars;
	bool bare_vars; /* accept {{x}} for {{vars.x}} */
	/*
	 * vars[nvars..nall) are defined later (0: none): only named in the
	 * message when one of them is used (a var may use only earlier vars)
	 */
	size_t nall;
	/*
	 * With bare_vars: a bare name (dots allowed) that is no var names an
	 * attribute when this returns 1, with *up the levels above the span
	 * being made (0: the span itself); 2: it names an attribute of the
	 * span whose attributes are being made (not allowed); 0: it does not
	 * (*near: a close attribute name for "did you mean", or NULL). NULL: no
	 * attribute references.
	 */
	int (*attr_ref)(void *arg, const char *name, uint32_t *up, const char **near);
	void *attr_arg;
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

#endif
