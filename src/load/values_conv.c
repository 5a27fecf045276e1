/*
 * Values every dialect needs, part 4: what the conventions say of a value -
 * its type, the members of a closed enum, the error types they allow.
 */
#include <stdio.h>
#include <string.h>

#include "load/semconv.h"
#include "load/values.h"
#include "util/error.h"
#include "util/text.h"

const char *const *values_sc_members(struct schema_ctx *c, const struct sc_attr *a, size_t *n)
{
	const char **v = ARENA_NEWN(&c->m->arena, const char *, a->nmembers + 1);

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->nmembers; i++)
		if (!a->members[i].deprecated)
			v[(*n)++] = a->members[i].value;
	return v;
}

const struct sc_attr *values_sc_attr(struct schema_ctx *c, const char *key)
{
	const struct sc_attr *a;
	uint32_t len;
	const char *k;

	if (!c->m->semconv || !key)
		return NULL;
	k = vendor_rewrite(c->m, key, strlen(key), &len);
	a = k ? semconv_attr(c->m->semconv, k) : NULL;
	return a && a->open && !c->vendor_span ? a->open : a;
}

int value_error_type(struct schema_ctx *c, const struct ynode *n, const char *what,
		     const char **out)
{
	const struct sc_attr *a = values_sc_attr(c, "error.type");

	if (n->type != YN_SCALAR || !ynode_is_string(n))
		return schema_error(c, OTELSIM_EINPUT, n, "'%s' must be a string, not %s", what,
				    ynode_kind(n));
	if (!n->len)
		return schema_error(c, OTELSIM_EINPUT, n, "'%s' must not be empty", what);
	if (tmpl_has_expr(n->str, n->len))
		return schema_error(
			c, OTELSIM_EINPUT, n,
			"the %s is fixed when the file loads: templates are not allowed "
			"here",
			what);
	if (a && a->type == SC_ENUM && a->closed) {
		bool ok = false;
		size_t nm;
		const char *const *vals;

		for (size_t i = 0; i < a->nmembers; i++)
			if (!strcmp(a->members[i].value, n->str))
				ok = true;
		if (!ok) {
			vals = values_sc_members(c, a, &nm);
			if (!vals)
				return values_oom(c);
			return schema_enum_error(c, n, "error type", n->str, vals, nm);
		}
	}
	return value_string(c, n, out);
}

/* ---- the conventions: types and closed enums ------------------------------ */

static int sc_scalar_type(int sc)
{
	switch (sc) {
	case SC_STRING:
		return VAL_STRING;
	case SC_INT:
		return VAL_INT;
	case SC_DOUBLE:
		return VAL_DOUBLE;
	case SC_BOOLEAN:
		return VAL_BOOL;
	default:
		return VAL_NONE;
	}
}

/* The value type the conventions give `key` (VAL_NONE when they do not). */
int values_sc_type(const struct sc_attr *a, int *elem)
{
	*elem = VAL_NONE;
	if (!a)
		return VAL_NONE;
	switch (a->type) {
	case SC_ENUM:
		return sc_scalar_type(a->enum_value_type);
	case SC_STRING_ARRAY:
		*elem = VAL_STRING;
		return VAL_ARRAY;
	case SC_INT_ARRAY:
		*elem = VAL_INT;
		return VAL_ARRAY;
	case SC_DOUBLE_ARRAY:
		*elem = VAL_DOUBLE;
		return VAL_ARRAY;
	case SC_BOOLEAN_ARRAY:
		*elem = VAL_BOOL;
		return VAL_ARRAY;
	case SC_TEMPLATE: { /* http.request.header.<key>: as its values' type */
		struct sc_attr inner = *a;

		inner.type = a->template_type;
		return inner.type == SC_TEMPLATE ? VAL_NONE : values_sc_type(&inner, elem);
	}
	default:
		return sc_scalar_type(a->type);
	}
}

/* Text of a scalar constant, for enum comparisons and messages. */
const char *values_text(struct schema_ctx *c, const struct value *v)
{
	char buf[32];

	switch (v->type) {
	case VAL_STRING:
		return v->u.s.ptr;
	case VAL_BOOL:
		return v->u.b ? "true" : "false";
	case VAL_INT:
		buf[fmt_i64(buf, v->u.i)] = '\0';
		return arena_strdup(&c->m->arena, buf);
	case VAL_DOUBLE:
		buf[fmt_double(buf, v->u.d)] = '\0';
		return arena_strdup(&c->m->arena, buf);
	default:
		return "";
	}
}

bool values_closed_enum(const struct sc_attr *a)
{
	return a && a->type == SC_ENUM && a->closed;
}

/* "a, b, c": the members of a closed enum (deprecated ones left out). */
int values_member_list(struct schema_ctx *c, const struct sc_attr *a, char *list, size_t cap,
		       const char *const **vals, size_t *nm)
{
	size_t len = 0;

	*vals = values_sc_members(c, a, nm);
	if (!*vals)
		return values_oom(c);
	list[0] = '\0';
	for (size_t i = 0; i < *nm && len < cap - 1; i++) {
		int w = snprintf(list + len, cap - len, "%s%s", i ? ", " : "", (*vals)[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	return 0;
}

/*
 * Is `got` a member of the closed enum a (attribute `key`)? 0: yes; 1: no,
 * and msg says so ("... (WHAT 'got'; did you mean 'x'?)"); or an error code.
 */
int values_enum_message(struct schema_ctx *c, const struct sc_attr *a, const char *key,
			const char *what, const char *got, char *msg, size_t cap)
{
	const char *const *vals;
	const char *s;
	char list[640];
	size_t nm;
	int rc, w;

	for (size_t i = 0; i < a->nmembers; i++)
		if (!strcmp(a->members[i].value, got))
			return 0;
	rc = values_member_list(c, a, list, sizeof(list), &vals, &nm);
	if (rc)
		return rc;
	s = suggest(got, vals, nm);
	if (s)
		w = snprintf(msg, cap, "'%s' must be one of: %s (%s '%.200s'; did you mean '%s'?)",
			     key, list, what, got, s);
	else
		w = snprintf(msg, cap, "'%s' must be one of: %s (%s '%.200s')", key, list, what,
			     got);
	return w < 0 ? error_set(c->err, OTELSIM_EINTERNAL, "enum message") : 1;
}

/*
 * Every value a template can give (vals[0..nv), known at load time) must be
 * a member of the closed enum a; the first that is not is reported at n.
 */
int values_in_enum(struct schema_ctx *c, const struct sc_attr *a, const char *key, const char *what,
		   const struct value *vals, size_t nv, const struct ynode *n)
{
	char msg[1400];

	for (size_t i = 0; i < nv; i++) {
		const char *got = values_text(c, &vals[i]);
		int rc;

		if (!got)
			return values_oom(c);
		rc = values_enum_message(c, a, key, what, got, msg, sizeof(msg));
		if (rc == 1)
			return schema_error(c, OTELSIM_EINPUT, n, "%s", msg);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * A constant for attribute `key` against the conventions: an int given to a
 * double attribute becomes a double; any other type difference is an error;
 * a closed enum takes only its members.
 */
int values_check_const(struct schema_ctx *c, const char *key, const struct ynode *at,
		       struct value *v)
{
	const struct sc_attr *a = values_sc_attr(c, key);
	int elem, want = values_sc_type(a, &elem);

	if (!a)
		return 0;
	if (want == VAL_DOUBLE && v->type == VAL_INT) {
		v->type = VAL_DOUBLE;
		v->u.d = (double)v->u.i;
	}
	if (want != VAL_NONE && v->type != want)
		return schema_error(c, OTELSIM_EINPUT, at,
				    "'%s' must be %s (its type in the conventions), not %s", key,
				    values_a_type(want), values_a_type(v->type));
	if (want == VAL_ARRAY && elem != VAL_NONE) {
		for (uint32_t i = 0; i < v->u.arr.n; i++) {
			struct value *it = &v->u.arr.items[i];

			if (elem == VAL_DOUBLE && it->type == VAL_INT) {
				it->type = VAL_DOUBLE;
				it->u.d = (double)it->u.i;
			}
			if (it->type != elem)
				return schema_error(
					c, OTELSIM_EINPUT, at,
					"'%s' must be an array of %s (its type in the conventions)",
					key, value_type_name(elem));
		}
	}
	if (a->type == SC_ENUM && a->closed) {
		const char *got = values_text(c, v);
		char msg[1400];
		int rc;

		if (!got)
			return values_oom(c);
		rc = values_enum_message(c, a, key, "got", got, msg, sizeof(msg));
		return rc == 1 ? schema_error(c, OTELSIM_EINPUT, at, "%s", msg) : rc;
	}
	return 0;
}
