/*
 * Fuzz target for the template engine (load/template.c compiles "{{...}}"
 * strings, engine/template.c evaluates them): any bytes as a template,
 * compiled with two vars and attribute references (a bare name starting
 * with 'p' names an attribute one level up, 's' one of the span itself;
 * the first byte picks whether bare names are allowed), then evaluated a
 * few times. Checked:
 *   - compiling either succeeds or fails with a message and an offset
 *     inside the text (never a crash);
 *   - a template that compiles evaluates without error (evaluation never
 *     fails on user input) to a value of a known type, a string with its
 *     bytes in place.
 * `make test` runs it over tests/fuzz/corpus/template with
 * tests/fuzz/regression_driver.c; `make fuzz` runs it under libFuzzer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/template.h"
#include "load/template.h"
#include "util/arena.h"
#include "util/rng.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

static int attr_ref(void *arg, const char *name, uint32_t *up, const char **near)
{
	(void)arg;
	*near = NULL;
	if (name[0] == 'p') {
		*up = 1;
		return 1;
	}
	return name[0] == 's' ? 2 : 0;
}

static const struct keyval *attrs_at(const struct tmpl_ctx *ctx, uint32_t up, size_t *n)
{
	(void)up;
	*n = ctx->nparent_attrs;
	return ctx->parent_attrs;
}

static void check_value(const struct value *v)
{
	CHECK(v->type <= VAL_KVLIST);
	if ((v->type == VAL_STRING || v->type == VAL_BYTES) && v->u.s.len) {
		volatile unsigned sum = 0;

		CHECK(v->u.s.ptr != NULL);
		for (uint32_t i = 0; i < v->u.s.len; i++) /* every byte readable (ASan) */
			sum += (unsigned char)v->u.s.ptr[i];
		(void)sum;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const vars[] = { "a", "b.c", "later" };
	struct value var_values[2];
	struct keyval parent[1];
	struct tmpl_env env = { vars, 2, size && (data[0] & 1), 3, attr_ref, NULL };
	struct tmpl_error err;
	struct tmpl *t = NULL;
	struct arena a, out;
	struct rng rng;
	struct tmpl_ctx ctx;
	const char *text = size ? (const char *)data + 1 : "";
	size_t len = size ? size - 1 : 0;

	arena_init(&a, 0);
	arena_init(&out, 0);
	memset(&err, 0, sizeof(err));
	if (tmpl_compile(&a, text, len, &env, &t, &err) != 0) {
		CHECK(err.message[0] != '\0');
		CHECK(err.offset <= len);
		goto done;
	}
	CHECK(t != NULL);
	var_values[0] = (struct value){ .type = VAL_STRING, .u.s = { "x", 1 } };
	var_values[1] = (struct value){ .type = VAL_INT, .u.i = 42 };
	parent[0].key = "p.k";
	parent[0].key_len = 3;
	parent[0].value = var_values[0];
	memset(&ctx, 0, sizeof(ctx));
	rng_seed(&rng, size, 1, 2);
	ctx.rng = &rng;
	ctx.arena = &out;
	ctx.vars = var_values;
	ctx.parent_attrs = parent;
	ctx.nparent_attrs = 1;
	ctx.attrs_at = attrs_at;
	(void)tmpl_natural_type(t);
	(void)tmpl_is_lone_expr(t);
	for (int k = 0; k < 3; k++) {
		struct value v;

		memset(&v, 0, sizeof(v));
		CHECK(tmpl_eval(t, &ctx, &v) == 0);
		check_value(&v);
	}
done:
	arena_release(&a);
	arena_release(&out);
	return 0;
}
