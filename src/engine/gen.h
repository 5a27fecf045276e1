/*
 * engine/gen.h - evaluating a generated value (a model `struct gen`).
 *
 *   GEN_CONST     the constant, as is
 *   GEN_TEMPLATE  tmpl_eval, then converted to g->type when that differs:
 *                 a string that parses as the type becomes it
 *                 (value_from_text: "42" -> int, "0.5" -> double,
 *                 "true"/"false" -> bool), otherwise it
 *                 stays a string; numbers convert to strings and to each
 *                 other (double -> int rounds half away from zero)
 *   GEN_DIST      dist_sample; VAL_INT rounds half away from zero, VAL_DOUBLE
 *                 rounds to g->decimals places when >= 0
 *   GEN_CHOICE    u = rng_double * total weight; the first choice whose
 *                 cumulative weight exceeds u
 * Strings made here go to ctx->arena.
 */
#ifndef ENGINE_GEN_H
#define ENGINE_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/template.h"
#include "model/model.h"

/* 0, or -1 out of memory. */
int gen_eval(const struct gen *g, struct tmpl_ctx *ctx, struct value *out);

#endif
