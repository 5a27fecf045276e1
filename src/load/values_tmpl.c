/*
 * Values every dialect needs, part 5: templates - compiled with file
 * positions in their errors, given a type (forced, the conventions', or
 * their own) and checked against it and against closed enums, whatever a
 * var or a parent's attribute they copy can hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "load/semconv.h"
#include "load/values.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/text.h"

/* ---- templates ------------------------------------------------------------ */

#define PARENT_VENDOR "parent.attributes.vendor."

/*
 * {{parent.attributes.vendor.x}} names an attribute that is emitted as
 * <vendor>.x: rewrite every such reference. *out is the rewritten string (in
 * the model's arena) or, when there is nothing to rewrite, the node's own;
 * 0 or the out-of-memory error.
 */
static int rewrite_parent_refs(struct schema_ctx *c, const struct ynode *n, const char **out,
			       size_t *out_len)
{
	const char *vendor = c->m->vendor ? c->m->vendor : "vendor";
	const char *s = n->str;
	size_t len = n->len, vl = strlen(vendor), pl = sizeof(PARENT_VENDOR) - 1;
	struct strbuf sb = STRBUF_INIT;
	char *r = NULL;
	int rc = 0;

	*out = s;
	*out_len = len;
	if (!strcmp(vendor, "vendor") || !memmem(s, len, PARENT_VENDOR, pl))
		return 0;
	for (size_t i = 0; i < len && !rc;) {
		if (len - i >= pl && !memcmp(s + i, PARENT_VENDOR, pl)) {
			rc = strbuf_add(&sb, "parent.attributes.", 18) ||
			     strbuf_add(&sb, vendor, vl) || strbuf_addch(&sb, '.');
			i += pl;
		} else {
			rc = strbuf_addch(&sb, s[i++]);
		}
	}
	if (!rc)
		r = arena_strndup(&c->m->arena, sb.buf, sb.len);
	if (r) {
		*out = r;
		*out_len = sb.len;
	}
	strbuf_release(&sb);
	return r ? 0 : values_oom(c);
}

/*
 * Offset `off` of the rewritten string back in the file's: every reference
 * that ends at or before it moved it by the vendor's length minus 6.
 */
static size_t file_offset(struct schema_ctx *c, const struct ynode *n, size_t off)
{
	const char *vendor = c->m->vendor ? c->m->vendor : "vendor";
	ptrdiff_t delta = (ptrdiff_t)strlen(vendor) - 6, shift = 0;
	size_t pl = sizeof(PARENT_VENDOR) - 1;

	if (!strcmp(vendor, "vendor"))
		return off;
	for (size_t i = 0; i + pl <= n->len; i++) {
		if (memcmp(n->str + i, PARENT_VENDOR, pl))
			continue;
		/* where this reference ends in the rewritten string */
		if ((ptrdiff_t)(i + pl) + shift + delta > (ptrdiff_t)off)
			break;
		shift += delta;
		i += pl - 1;
	}
	return (size_t)((ptrdiff_t)off - shift);
}

static int compile_tmpl(struct schema_ctx *c, const struct ynode *n, const struct gen_env *env,
			struct tmpl **out)
{
	struct tmpl_error te = { 0 };
	static const struct tmpl_env empty;
	size_t len;
	const char *s;
	int line, col, rc;

	memset(&te, 0, sizeof(te));
	if (n->len > LOAD_MAX_STRING)
		return schema_error(c, OTELSIM_ELIMIT, n, "string longer than %d bytes",
				    LOAD_MAX_STRING);
	rc = rewrite_parent_refs(c, n, &s, &len);
	if (rc)
		return rc;
	if (tmpl_compile(&c->m->arena, s, len, env ? &env->tenv : &empty, out, &te)) {
		size_t off = s == n->str ? te.offset : file_offset(c, n, te.offset);

		ynode_offset_pos(c->doc, n, off, &line, &col);
		return error_at(c->err, OTELSIM_EINPUT, c->doc->file, line, col,
				"%s at position %zu of the string", te.message, off + 1);
	}
	return 0;
}

int value_name(struct schema_ctx *c, const struct ynode *n, const struct gen_env *env,
	       const char **name, uint32_t *name_len, struct tmpl **out)
{
	struct tmpl_error te = { 0 };
	static const struct tmpl_env empty;
	const char *s;
	size_t len;
	struct gen g;
	int rc;

	*out = NULL;
	if (!tmpl_has_expr(n->str, n->len)) {
		*name = vendor_rewrite(c->m, n->str, n->len, name_len);
		return *name ? 0 : values_oom(c);
	}
	/* checked as written (positions are the file's), kept as emitted */
	memset(&g, 0, sizeof(g));
	rc = value_gen(c, NULL, n, env, &g);
	if (rc)
		return rc;
	rc = rewrite_parent_refs(c, n, &s, &len);
	if (rc)
		return rc;
	*name = vendor_rewrite(c->m, s, len, name_len);
	if (!*name)
		return values_oom(c);
	if (tmpl_compile(&c->m->arena, *name, *name_len, env ? &env->tenv : &empty, out, &te))
		return schema_error(c, OTELSIM_EINPUT, n, "%s", te.message);
	return 0;
}

int value_tmpl_error(struct schema_ctx *c, const struct ynode *n, size_t off, const char *fmt, ...)
{
	char msg[1400];
	va_list ap;
	int line, col;
	size_t foff = file_offset(c, n, off);

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ynode_offset_pos(c->doc, n, foff, &line, &col);
	return error_at(c->err, OTELSIM_EINPUT, c->doc->file, line, col,
			"%s at position %zu of the string", msg, foff + 1);
}

/* Would the engine turn v into `want` (int, double or bool)? (gen_eval's conversion) */
static bool converts(const struct value *v, int want)
{
	struct value t;

	if (v->type == want || (want == VAL_DOUBLE && v->type == VAL_INT))
		return true;
	return v->type == VAL_STRING && value_from_text(v->u.s.ptr, v->u.s.len, want, &t);
}

/*
 * The first of vals[0..nv) that would not become `want`: 1 with *got its
 * text, 0 when all convert, or an error code.
 */
static int first_unconvertible(struct schema_ctx *c, const struct value *vals, size_t nv, int want,
			       const char **got)
{
	for (size_t i = 0; i < nv; i++) {
		if (converts(&vals[i], want))
			continue;
		*got = values_text(c, &vals[i]);
		return *got ? 1 : values_oom(c);
	}
	return 0;
}

/*
 * Every value var i can take, when the load knows them: a constant, a
 * choice, a lone random.choice, or a lone {{vars.y}} of such a var; *n = 0
 * when they are known only when rendering.
 */
static int gen_values(struct schema_ctx *c, const struct gen *g, const struct value **vals,
		      size_t *n);

static int var_values(struct schema_ctx *c, const struct gen_env *env, int i,
		      const struct value **vals, size_t *n)
{
	const struct gen *g;
	int j;

	*vals = NULL;
	*n = 0;
	if (!env || !env->vars || i < 0)
		return 0;
	g = &env->vars[i].gen;
	if (g->kind == GEN_TEMPLATE) {
		j = tmpl_lone_var(g->tmpl);
		if (j >= 0 && j < i)
			return var_values(c, env, j, vals, n);
	}
	return gen_values(c, g, vals, n);
}

/*
 * Every value a generated value can take, when the load knows them: a
 * constant, a choice or a lone random.choice; *n = 0 otherwise.
 */
static int gen_values(struct schema_ctx *c, const struct gen *g, const struct value **vals,
		      size_t *n)
{
	size_t k;
	struct value *v;

	*vals = NULL;
	*n = 0;
	switch (g->kind) {
	case GEN_CONST:
		*vals = &g->constant;
		*n = 1;
		return 0;
	case GEN_CHOICE:
		*vals = g->choices;
		*n = g->nchoices;
		return 0;
	case GEN_TEMPLATE:
		k = tmpl_choice_count(g->tmpl);
		if (!k)
			return 0;
		*vals = tmpl_choice_values(g->tmpl);
		if (*vals) {
			*n = k;
			return 0;
		}
		v = ARENA_NEWN(&c->m->arena, struct value, k);
		if (!v)
			return values_oom(c);
		for (size_t x = 0; x < k; x++) {
			const char *s;
			size_t len, off;

			tmpl_choice_option(g->tmpl, x, &s, &len, &off);
			v[x].type = VAL_STRING;
			v[x].u.s.ptr = s;
			v[x].u.s.len = (uint32_t)len;
		}
		*vals = v;
		*n = k;
		return 0;
	default:
		return 0;
	}
}

/* A lone random.choice for an int, double or bool: its options converted now. */
static int typed_choice(struct schema_ctx *c, const char *key, const struct ynode *n, int want,
			const char *why, struct tmpl *t)
{
	size_t k = tmpl_choice_count(t);
	struct value *vals = ARENA_NEWN(&c->m->arena, struct value, k);

	if (!vals)
		return values_oom(c);
	for (size_t i = 0; i < k; i++) {
		const char *s;
		size_t len, off;

		tmpl_choice_option(t, i, &s, &len, &off);
		if (!value_from_text(s, len, want, &vals[i]))
			return value_tmpl_error(c, n, off,
						"random.choice option '%.200s' is not %s ('%s' is "
						"%s: %s)",
						s, values_a_type(want), key, values_a_type(want),
						why);
	}
	tmpl_set_choice_values(t, vals);
	return 0;
}

/*
 * A template for an attribute whose conventions' enum is closed: a lone
 * random.choice of members, or a lone {{vars.x}} whose values are known
 * and members.
 */
static int closed_tmpl(struct schema_ctx *c, const char *key, const struct sc_attr *a,
		       const struct ynode *n, const struct gen_env *env, const struct tmpl *t)
{
	size_t k = tmpl_choice_count(t), nv, nm;
	int var = tmpl_lone_var(t), rc;
	const struct value *vals, *typed = tmpl_choice_values(t);
	const char *const *members;
	char msg[1400], list[640], what[128];

	for (size_t i = 0; i < k; i++) {
		const char *s, *got;
		size_t len, off;

		tmpl_choice_option(t, i, &s, &len, &off);
		got = typed ? values_text(c, &typed[i]) : s;
		if (!got)
			return values_oom(c);
		rc = values_enum_message(c, a, key, "got", got, msg, sizeof(msg));
		if (rc == 1)
			return value_tmpl_error(c, n, off, "%s", msg);
		if (rc)
			return rc;
	}
	if (k)
		return 0;
	if (var >= 0) {
		const struct var_spec *vs = &env->vars[var];

		rc = var_values(c, env, var, &vals, &nv);
		if (rc)
			return rc;
		if (!nv) {
			rc = values_member_list(c, a, list, sizeof(list), &members, &nm);
			return rc ? rc
				  : schema_error(
					    c, OTELSIM_EINPUT, n,
					    "'%s' must be one of: %s, but vars.%s (line %d) is "
					    "drawn from values known only when rendering (give "
					    "the var a constant or a choice of members)",
					    key, list, vs->name, vs->pos.line);
		}
		snprintf(what, sizeof(what), "vars.%.64s (line %d) can be", vs->name, vs->pos.line);
		return values_in_enum(c, a, key, what, vals, nv, n);
	}
	rc = values_member_list(c, a, list, sizeof(list), &members, &nm);
	return rc ? rc
		  : schema_error(
			    c, OTELSIM_EINPUT, n,
			    "'%s' must be one of: %s (a template here must be one "
			    "{{random.choice(...)}} of them or one {{vars.x}} whose values are "
			    "known)",
			    key, list);
}

/* A lone {{vars.x}} for an int, double or bool: x must convert whatever it draws. */
static int var_for_type(struct schema_ctx *c, const char *key, const struct ynode *n,
			const struct gen_env *env, int var, int want, const char *why)
{
	const struct var_spec *vs = &env->vars[var];
	int vt = env->var_types ? env->var_types[var] : VAL_NONE, rc;
	const struct value *vals;
	const char *got = NULL;
	size_t nv;

	if (vt == want || (want == VAL_DOUBLE && vt == VAL_INT))
		return 0;
	rc = var_values(c, env, var, &vals, &nv);
	if (rc)
		return rc;
	if (!nv)
		return schema_error(c, OTELSIM_EINPUT, n,
				    "'%s' must be %s (%s), but vars.%s (line %d) is %s known only "
				    "when rendering (give the var a constant, a choice or a "
				    "distribution of that type)",
				    key, values_a_type(want), why, vs->name, vs->pos.line,
				    values_a_type(vt));
	rc = first_unconvertible(c, vals, nv, want, &got);
	if (rc != 1)
		return rc;
	return schema_error(c, OTELSIM_EINPUT, n,
			    "'%s' must be %s (%s), but vars.%s (line %d) can be '%.200s', "
			    "which is not %s",
			    key, values_a_type(want), why, vs->name, vs->pos.line, got,
			    values_a_type(want));
}

/* "{{parent.attributes.x}}" and nothing else (checked by value_check_copy) */
static bool lone_parent_ref(const struct tmpl *t)
{
	const char *k;
	size_t len, off;

	return tmpl_is_lone_expr(t) && tmpl_parent_ref(t, 0, &k, &len, &off) &&
	       !tmpl_parent_ref(t, 1, &k, &len, &off);
}

static bool scalar_type(int t)
{
	return t == VAL_INT || t == VAL_DOUBLE || t == VAL_BOOL;
}

/*
 * A template value for `key`: compiled, its type forced, else the
 * conventions', else its own. A lone random.choice or {{vars.x}} takes an
 * int, double or bool type when every value it can give converts (checked
 * here: choice options are converted now, vars when rendering), and a
 * closed enum only its members.
 */
int values_gen_template(struct schema_ctx *c, const char *key, const struct ynode *n,
			const struct gen_env *env, int forced, struct gen *out)
{
	const struct sc_attr *a = values_sc_attr(c, key);
	int elem, want = values_sc_type(a, &elem), nat, rc, var;
	const char *why = "its type in the conventions";
	char whybuf[64];
	bool arr = false;

	rc = compile_tmpl(c, n, env, &out->tmpl);
	if (rc)
		return rc;
	if (env && env->note && (rc = env->note(c, env->note_arg, n, out->tmpl)))
		return rc;
	out->kind = GEN_TEMPLATE;
	nat = tmpl_natural_type(out->tmpl);
	var = env && env->vars ? tmpl_lone_var(out->tmpl) : -1;
	if (var >= 0)
		nat = env->var_types ? env->var_types[var] : VAL_NONE;
	{
		const char *akey;
		uint32_t aup;

		if (env && env->attr_type && tmpl_lone_attr(out->tmpl, &akey, &aup))
			nat = env->attr_type(env->tenv.attr_arg, akey, aup);
	}
	if (!tmpl_is_lone_expr(out->tmpl))
		nat = VAL_STRING;
	if (want == VAL_ARRAY && (elem == VAL_NONE || forced != VAL_NONE)) {
		want = VAL_NONE; /* an explicit type wins */
	} else if (want == VAL_ARRAY) {
		/* a one-item array: the value is checked and converted as its item */
		arr = true;
		want = elem;
		snprintf(whybuf, sizeof(whybuf), "its conventions type is %s[]",
			 value_type_name(elem));
		why = whybuf;
	}
	if (forced != VAL_NONE) {
		if (want != VAL_NONE && want != forced &&
		    !(want == VAL_DOUBLE && forced == VAL_INT))
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (its type in the conventions), not %s",
					    key, values_a_type(want), values_a_type(forced));
		want = forced;
		why = "its 'type'";
	}
	if (tmpl_choice_count(out->tmpl) && scalar_type(want)) {
		rc = typed_choice(c, key, n, want, why, out->tmpl);
		if (rc)
			return rc;
		nat = want;
	}
	if (values_closed_enum(a) && !lone_parent_ref(out->tmpl) &&
	    (rc = closed_tmpl(c, key, a, n, env, out->tmpl)))
		return rc;
	if (var >= 0 && scalar_type(want)) {
		rc = var_for_type(c, key, n, env, var, want, why);
		if (rc)
			return rc;
		nat = want;
	}
	if (want != VAL_NONE) {
		if (scalar_type(want) && nat != VAL_NONE && nat != want &&
		    !(want == VAL_DOUBLE && nat == VAL_INT))
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (%s), but this template makes %s", key,
					    values_a_type(want), why, values_a_type(nat));
		out->type = (uint8_t)(arr ? VAL_ARRAY : want);
		out->elem = (uint8_t)(arr ? want : VAL_NONE);
		return 0;
	}
	out->type = (uint8_t)(nat == VAL_NONE ? VAL_STRING : nat);
	return 0;
}

int value_check_copy(struct schema_ctx *c, const struct ynode *n, const char *key,
		     const struct gen *g, const char *pwhat, const char *pkey,
		     const struct attr_spec *pa)
{
	const struct sc_attr *a, *pca;
	const struct value *vals = NULL;
	size_t nv = 0;
	int want, ptype, rc;
	const char *got = NULL;
	char what[400];

	if (g->kind != GEN_TEMPLATE || !lone_parent_ref(g->tmpl))
		return 0;
	a = values_sc_attr(c, key);
	pca = values_sc_attr(c, pkey);
	want = g->type == VAL_ARRAY ? g->elem : g->type;
	if (!scalar_type(want) && !values_closed_enum(a))
		return 0;
	if (pa) {
		ptype = pa->gen.kind == GEN_CONST ? pa->gen.constant.type : pa->gen.type;
		if ((rc = gen_values(c, &pa->gen, &vals, &nv)))
			return rc;
	} else {
		/* attributes the engine adds: retry.attempt, error.type */
		ptype = !strcmp(pkey, "retry.attempt") ? VAL_INT : VAL_STRING;
	}
	if (pa)
		snprintf(what, sizeof(what), "%s's '%.200s' (line %d)", pwhat, pkey, pa->pos.line);
	else
		snprintf(what, sizeof(what), "%s's '%.200s'", pwhat, pkey);
	if (scalar_type(want) && ptype != want && !(want == VAL_DOUBLE && ptype == VAL_INT)) {
		if (!nv)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (its type in the conventions), but "
					    "this copies %s, which is %s",
					    key, values_a_type(want), what, values_a_type(ptype));
		rc = first_unconvertible(c, vals, nv, want, &got);
		if (rc == 1)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "'%s' must be %s (its type in the conventions), but "
					    "this copies %s, which can be '%.200s'",
					    key, values_a_type(want), what, got);
		if (rc)
			return rc;
	}
	if (!values_closed_enum(a) || pca == a)
		return 0; /* the parent's value was checked against the same enum */
	if (!nv) {
		char list[640];
		const char *const *members;
		size_t nm;

		rc = values_member_list(c, a, list, sizeof(list), &members, &nm);
		return rc ? rc
			  : schema_error(c, OTELSIM_EINPUT, n,
					 "'%s' must be one of: %s, but this copies %s, whose "
					 "values are known only when rendering",
					 key, list, what);
	}
	snprintf(what + strlen(what), sizeof(what) - strlen(what), " can be");
	return values_in_enum(c, a, key, what, vals, nv, n);
}
