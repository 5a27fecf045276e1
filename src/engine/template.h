/*
 * engine/template.h - evaluating a compiled "{{...}}" string (the IR of
 * model/template.h, compiled by load/template.h) for one span.
 *
 * The random parts draw from ctx->rng in the order they are written (a
 * random.choice of one option draws nothing); var and attribute references
 * draw nothing.
 */
#ifndef ENGINE_TEMPLATE_H
#define ENGINE_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

#include "model/template.h"
#include "model/value.h"
#include "util/arena.h"
#include "util/rng.h"

/* What evaluation may look at. */
struct tmpl_ctx {
	struct rng *rng;
	struct arena *arena;      /* where result strings go */
	const struct value *vars; /* values of the trace's vars, by index */
	const struct keyval *parent_attrs;
	size_t nparent_attrs;
	/*
	 * TP_ATTR: the attributes of the span `up` levels above the one being
	 * made (NULL: none); the engine answers.
	 */
	const struct keyval *(*attrs_at)(const struct tmpl_ctx *ctx, uint32_t up, size_t *n);
	void *attrs_arg;
};

/* Evaluate into *out (strings in ctx->arena). 0, or -1 out of memory. */
int tmpl_eval(const struct tmpl *t, struct tmpl_ctx *ctx, struct value *out);

#endif
