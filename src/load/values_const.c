/*
 * Values every dialect needs, part 3: constants of every OTLP type (YAML
 * typing, !!binary, lists and mappings), weighted choices and values with
 * an explicit type, with their key tables.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "load/values.h"
#include "util/error.h"
#include "util/text.h"

/* choice and forced-type forms fill node pointers */
struct form_parse {
	const struct ynode *choice, *type, *value, *weight;
};

#define FP(f) offsetof(struct form_parse, f)

static const char *const choice_type_members[] = { "string", "int",     "double",
						   "bool",   "boolean", NULL };
static const char *const value_type_members[] = { "string", "int",   "double", "bool", "boolean",
						  "bytes",  "array", "kvlist", NULL };

static const struct key_def attr_choice_keys[] = {
	{ "choice", KT_ANY, KF_REQUIRED, NULL, NULL, schema_fill_node, FP(choice),
	  "[a, b] (uniform), {a: 0.7, b: 0.3} or [{value: a, weight: 7}, ...] (weighted)" },
	{ "type", KT_ENUM, 0, choice_type_members, NULL, schema_fill_node, FP(type),
	  "convert every choice to string, int, double or bool" },
};

static const struct key_def attr_choice_item_keys[] = {
	{ "value", KT_SCALAR, KF_REQUIRED, NULL, NULL, schema_fill_node, FP(value), "the value" },
	{ "weight", KT_NUMBER, 0, NULL, NULL, schema_fill_node, FP(weight),
	  "relative weight (>= 0, default 1)" },
};

static const struct key_def attr_value_keys[] = {
	{ "value", KT_ANY, KF_REQUIRED, NULL, NULL, schema_fill_node, FP(value),
	  "the value (a template when it holds {{...}})" },
	{ "type", KT_ENUM, 0, value_type_members, NULL, schema_fill_node, FP(type),
	  "string, int, double, bool, bytes (base64), array or kvlist (a mapping)" },
};

SCHEMA_TABLE(attr_choice_table, "attribute.choice", "one of several values, uniform or weighted",
	     attr_choice_keys);
SCHEMA_TABLE(attr_choice_item_table, "attribute.choice.item", "one weighted choice",
	     attr_choice_item_keys);
SCHEMA_TABLE(attr_value_table, "attribute.value", "a value with an explicit type", attr_value_keys);

const struct key_table *const value_form_tables[] = { &attr_choice_table, &attr_choice_item_table,
						      &attr_value_table, NULL };

/* ---- constants ----------------------------------------------------------- */

static int base64_value(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	uint8_t *buf = arena_alloc(&c->m->arena, n->len / 4 * 3 + 4);
	size_t len, bad;

	if (!buf)
		return values_oom(c);
	if (base64_decode(n->str, n->len, BASE64_SPACE, buf, &len, &bad)) {
		if (bad == n->len)
			return schema_error(c, OTELSIM_EINPUT, n,
					    "invalid base64 in a bytes value (bad length)");
		return schema_error(c, OTELSIM_EINPUT, n,
				    "invalid base64 in a bytes value (character %zu)", bad + 1);
	}
	out->type = VAL_BYTES;
	out->u.s.ptr = (const char *)buf;
	out->u.s.len = (uint32_t)len;
	return 0;
}

/* A scalar constant by its YAML typing (quoted "5" is a string). */
int values_const_scalar(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	int rc;
	const char *s = NULL;

	memset(out, 0, sizeof(*out));
	if (n->tag && !strcmp(n->tag, TAG_BINARY))
		return base64_value(c, n, out);
	if (n->tag && strcmp(n->tag, TAG_STR) != 0)
		return schema_error(c, OTELSIM_EINPUT, n,
				    "unsupported YAML tag '%.200s' (only !!str and !!binary)",
				    n->tag);
	if (!n->tag && ynode_is_null(n))
		return schema_error(c, OTELSIM_EINPUT, n,
				    "a value is missing (write \"\" for an empty string)");
	if (!n->tag && n->style == YS_PLAIN) {
		bool b;
		int64_t i;
		double d;

		if (!ynode_bool(n, &b)) {
			out->type = VAL_BOOL;
			out->u.b = b;
			return 0;
		}
		rc = ynode_int(n, &i);
		if (rc == -2)
			return schema_error(c, OTELSIM_ELIMIT, n, "integer out of range");
		if (!rc) {
			out->type = VAL_INT;
			out->u.i = i;
			return 0;
		}
		if (!ynode_double(n, &d)) {
			out->type = VAL_DOUBLE;
			out->u.d = d;
			return 0;
		}
	}
	rc = value_string(c, n, &s);
	if (rc)
		return rc;
	out->type = VAL_STRING;
	out->u.s.ptr = s;
	out->u.s.len = (uint32_t)n->len;
	return 0;
}

static int const_any(struct schema_ctx *c, const struct ynode *n, struct value *out);

int values_const_list(struct schema_ctx *c, const struct ynode *n, bool homogeneous,
		      struct value *out)
{
	struct value *items = ARENA_NEWN(&c->m->arena, struct value, n->n ? n->n : 1);
	bool any_double = false;
	int rc;

	if (!items)
		return values_oom(c);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *it = n->items[i];

		if (homogeneous) {
			if (it->type != YN_SCALAR)
				return schema_error(
					c, OTELSIM_EINPUT, it,
					"array items must be single values, not %s (use {value: "
					"[...], type: array} for nested arrays)",
					ynode_kind(it));
			rc = values_const_scalar(c, it, &items[i]);
		} else {
			rc = const_any(c, it, &items[i]);
		}
		if (rc)
			return rc;
		if (items[i].type == VAL_STRING &&
		    tmpl_has_expr(items[i].u.s.ptr, items[i].u.s.len))
			return schema_error(c, OTELSIM_EINPUT, it,
					    "templates are not allowed inside arrays");
		if (items[i].type == VAL_DOUBLE)
			any_double = true;
	}
	if (homogeneous) {
		for (size_t i = 0; i < n->n; i++) {
			int t0 = items[0].type, t = items[i].type;

			if (any_double && t == VAL_INT) {
				items[i].type = VAL_DOUBLE;
				items[i].u.d = (double)items[i].u.i;
				continue;
			}
			if (any_double && t0 == VAL_INT)
				t0 = VAL_DOUBLE;
			if (t != t0)
				return schema_error(c, OTELSIM_EINPUT, n->items[i],
						    "array items must all have the same type (this "
						    "one is %s, the first %s)",
						    values_a_type(t), values_a_type(t0));
		}
	}
	out->type = VAL_ARRAY;
	out->u.arr.items = items;
	out->u.arr.n = (uint32_t)n->n;
	return 0;
}

int values_const_kvlist(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	struct keyval *kv = ARENA_NEWN(&c->m->arena, struct keyval, n->n ? n->n : 1);
	int rc;

	if (!kv)
		return values_oom(c);
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->pairs[i].key;

		if (k->type != YN_SCALAR || !k->len)
			return schema_error(c, OTELSIM_EINPUT, k, "keys must be non-empty names");
		if (k->len > LOAD_MAX_KEY)
			return schema_error(c, OTELSIM_ELIMIT, k, "key longer than %d bytes",
					    LOAD_MAX_KEY);
		kv[i].key = arena_strndup(&c->m->arena, k->str, k->len);
		if (!kv[i].key)
			return values_oom(c);
		kv[i].key_len = (uint32_t)k->len;
		rc = const_any(c, n->pairs[i].value, &kv[i].value);
		if (rc)
			return rc;
	}
	out->type = VAL_KVLIST;
	out->u.kv.items = kv;
	out->u.kv.n = (uint32_t)n->n;
	return 0;
}

static int const_any(struct schema_ctx *c, const struct ynode *n, struct value *out)
{
	memset(out, 0, sizeof(*out));
	if (n->type == YN_SEQ)
		return values_const_list(c, n, false, out);
	if (n->type == YN_MAP)
		return values_const_kvlist(c, n, out);
	return values_const_scalar(c, n, out);
}

static int type_by_name(const char *s)
{
	if (!strcmp(s, "string"))
		return VAL_STRING;
	if (!strcmp(s, "int"))
		return VAL_INT;
	if (!strcmp(s, "double"))
		return VAL_DOUBLE;
	if (!strcmp(s, "bool") || !strcmp(s, "boolean"))
		return VAL_BOOL;
	if (!strcmp(s, "bytes"))
		return VAL_BYTES;
	if (!strcmp(s, "array"))
		return VAL_ARRAY;
	if (!strcmp(s, "kvlist"))
		return VAL_KVLIST;
	return VAL_NONE;
}

/* A scalar converted to `type` whatever its YAML typing ("5" -> 5 for int). */
static int convert_scalar(struct schema_ctx *c, const struct ynode *n, int type, struct value *out)
{
	struct ynode plain = *n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n->type != YN_SCALAR)
		return schema_error(c, OTELSIM_EINPUT, n, "expected a single value for %s, not %s",
				    values_a_type(type), ynode_kind(n));
	if (n->tag && !strcmp(n->tag, TAG_BINARY) && type != VAL_BYTES)
		return schema_error(c, OTELSIM_EINPUT, n, "a !!binary value is bytes, not %s",
				    values_a_type(type));
	plain.style = YS_PLAIN;
	plain.tag = NULL;
	switch (type) {
	case VAL_STRING: {
		const char *s = NULL;

		rc = value_string(c, n, &s);
		if (rc)
			return rc;
		out->type = VAL_STRING;
		out->u.s.ptr = s;
		out->u.s.len = (uint32_t)n->len;
		return 0;
	}
	case VAL_INT:
		rc = ynode_int(&plain, &out->u.i);
		if (rc == -2)
			return schema_error(c, OTELSIM_ELIMIT, n, "integer out of range");
		if (rc)
			return schema_error(c, OTELSIM_EINPUT, n, "'%.200s' is not an integer",
					    n->str);
		out->type = VAL_INT;
		return 0;
	case VAL_DOUBLE:
		if (ynode_double(&plain, &out->u.d))
			return schema_error(c, OTELSIM_EINPUT, n, "'%.200s' is not a number",
					    n->str);
		out->type = VAL_DOUBLE;
		return 0;
	case VAL_BOOL: {
		bool b;

		if (ynode_bool(&plain, &b))
			return schema_error(c, OTELSIM_EINPUT, n, "'%.200s' is not true or false",
					    n->str);
		out->type = VAL_BOOL;
		out->u.b = b;
		return 0;
	}
	case VAL_BYTES:
		return base64_value(c, n, out);
	default:
		return error_set(c->err, OTELSIM_EINTERNAL, "convert_scalar");
	}
}

int values_gen_choice(struct schema_ctx *c, const char *key, const struct ynode *map,
		      struct gen *out)
{
	struct form_parse f;
	const struct ynode *ch;
	int rc, type = VAL_NONE;
	size_t n;
	double total = 0;

	memset(&f, 0, sizeof(f));
	rc = schema_walk(c, &attr_choice_table, map, &f);
	if (rc)
		return rc;
	ch = f.choice;
	if (ch->type == YN_SCALAR)
		return schema_error(c, OTELSIM_EINPUT, ch,
				    "'choice' must be a list or a mapping of value: weight, not %s",
				    ynode_kind(ch));
	n = ch->n;
	if (!n)
		return schema_error(c, OTELSIM_EINPUT, ch, "'choice' needs at least one value");
	if (f.type)
		type = type_by_name(f.type->str);
	out->choices = ARENA_NEWN(&c->m->arena, struct value, n);
	out->cum_weights = ARENA_NEWN(&c->m->arena, double, n);
	if (!out->choices || !out->cum_weights)
		return values_oom(c);
	for (size_t i = 0; i < n; i++) {
		const struct ynode *vn, *at;
		double w = 1;

		if (ch->type == YN_MAP) {
			const struct ynode *wn = ch->pairs[i].value;

			vn = ch->pairs[i].key;
			if (ynode_double(wn, &w) || !isfinite(w))
				return schema_error(c, OTELSIM_EINPUT, wn,
						    "a choice weight must be a number, not %s",
						    ynode_kind(wn));
			at = wn;
		} else if (ch->items[i]->type == YN_MAP) {
			struct form_parse it;

			memset(&it, 0, sizeof(it));
			rc = schema_walk(c, &attr_choice_item_table, ch->items[i], &it);
			if (rc)
				return rc;
			vn = it.value;
			if (it.weight) {
				ynode_double(it.weight, &w);
				at = it.weight;
			} else {
				at = vn;
			}
		} else {
			vn = ch->items[i];
			at = vn;
		}
		if (w < 0)
			return schema_error(c, OTELSIM_EINPUT, at,
					    "a choice weight must not be negative");
		if (vn->type != YN_SCALAR)
			return schema_error(c, OTELSIM_EINPUT, vn,
					    "a choice must be a single value, not %s",
					    ynode_kind(vn));
		rc = type != VAL_NONE ? convert_scalar(c, vn, type, &out->choices[i])
				      : values_const_scalar(c, vn, &out->choices[i]);
		if (rc)
			return rc;
		if (out->choices[i].type == VAL_STRING &&
		    tmpl_has_expr(out->choices[i].u.s.ptr, out->choices[i].u.s.len))
			return schema_error(c, OTELSIM_EINPUT, vn,
					    "templates are not allowed in choices (use "
					    "random.choice inside one template)");
		rc = values_check_const(c, key, vn, &out->choices[i]);
		if (rc)
			return rc;
		if (i && out->choices[i].type != out->choices[0].type) {
			if (out->choices[0].type == VAL_DOUBLE && out->choices[i].type == VAL_INT) {
				out->choices[i].type = VAL_DOUBLE;
				out->choices[i].u.d = (double)out->choices[i].u.i;
			} else {
				return schema_error(c, OTELSIM_EINPUT, vn,
						    "choices must all have the same type (this one "
						    "is %s, the first %s)",
						    values_a_type(out->choices[i].type),
						    values_a_type(out->choices[0].type));
			}
		}
		total += w;
		out->cum_weights[i] = total;
	}
	if (!(total > 0))
		return schema_error(c, OTELSIM_EINPUT, ch, "choice weights must not all be 0");
	if (!isfinite(total))
		return schema_error(c, OTELSIM_EINPUT, ch, "choice weights are too large");
	out->kind = GEN_CHOICE;
	out->type = out->choices[0].type;
	out->nchoices = (uint32_t)n;
	return 0;
}

int values_gen_forced(struct schema_ctx *c, const char *key, const struct ynode *map,
		      const struct gen_env *env, struct gen *out)
{
	struct form_parse f;
	const struct ynode *v;
	int rc, type;

	memset(&f, 0, sizeof(f));
	rc = schema_walk(c, &attr_value_table, map, &f);
	if (rc)
		return rc;
	v = f.value;
	if (!f.type) {
		if (v->type == YN_MAP) {
			rc = values_const_kvlist(c, v, &out->constant);
			out->kind = GEN_CONST;
			out->type = VAL_KVLIST;
			return rc ? rc : values_check_const(c, key, v, &out->constant);
		}
		return values_gen_plain(c, key, v, env, out);
	}
	type = type_by_name(f.type->str);
	out->kind = GEN_CONST;
	out->type = (uint8_t)type;
	switch (type) {
	case VAL_ARRAY:
		if (v->type != YN_SEQ)
			return schema_error(c, OTELSIM_EINPUT, v, "'value' must be a list, not %s",
					    ynode_kind(v));
		rc = values_const_list(c, v, false, &out->constant);
		break;
	case VAL_KVLIST:
		if (v->type != YN_MAP)
			return schema_error(c, OTELSIM_EINPUT, v,
					    "'value' must be a mapping, not %s", ynode_kind(v));
		rc = values_const_kvlist(c, v, &out->constant);
		break;
	default:
		if (v->type == YN_SCALAR && type != VAL_BYTES && ynode_is_string(v) &&
		    tmpl_has_expr(v->str, v->len))
			return values_gen_template(c, key, v, env, type, out);
		rc = convert_scalar(c, v, type, &out->constant);
		break;
	}
	if (rc)
		return rc;
	return values_check_const(c, key, v, &out->constant);
}
