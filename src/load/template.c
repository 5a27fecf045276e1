/*
 * load/template.c - compiling "{{...}}" strings into the template IR
 * (model/template.h).
 *
 * A template compiles to an array of parts (literal text, or one expression
 * with its arguments already parsed and checked), so evaluation is a single
 * pass over the parts writing into one arena allocation: no parsing, no
 * malloc, no strlen on the hot path.
 */
#include "load/template.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/value.h"
#include "util/text.h"

struct func {
	const char *name;
	uint8_t kind;
};

static const struct func funcs[] = {
	{ "random.int", TP_INT },       { "random.float", TP_FLOAT },
	{ "random.uuid", TP_UUID },     { "random.hex", TP_HEX },
	{ "random.ipv4", TP_IPV4 },     { "random.choice", TP_CHOICE },
	{ "random.user_agent", TP_UA },
};
#define NFUNCS (sizeof(funcs) / sizeof(funcs[0]))

#define HEX_MAX            1024
#define FLOAT_MAX_DECIMALS 9

/* ---- compiling ------------------------------------------------------------ */

struct parser {
	struct arena *a;
	const char *s;
	size_t len;
	const struct tmpl_env *env;
	struct tmpl_error *err;
};

struct arg {
	size_t off, len; /* the argument's text (inside quotes when quoted) */
	bool quoted;
};

#define MAX_ARGS 256

static int fail(struct parser *p, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static int fail(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		p->err->offset = off;
		va_start(ap, fmt);
		/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
		vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_space(const struct parser *p, size_t i)
{
	while (i < p->len && is_space(p->s[i]))
		i++;
	return i;
}

static bool at_close(const struct parser *p, size_t i)
{
	return i + 1 < p->len && p->s[i] == '}' && p->s[i + 1] == '}';
}

/* Name characters: anything but space, braces, parens, commas and quotes. */
static bool is_name_char(char c)
{
	return !is_space(c) && c != '{' && c != '}' && c != '(' && c != ')' && c != ',' &&
	       c != '\'' && c != '"';
}

/*
 * A number as the YAML side writes one, without the locale:
 * [+-]digits[.digits][(e|E)[+-]digits] (also [+-].digits): the digits as an
 * exact integer scaled by an exact power of ten (correctly rounded while
 * the digits fit in 2^53 and the power in 10^22). *decimals gets the
 * decimals the number shows (2.5e-1: 2; 1e3: 0).
 */
static bool parse_number(const char *s, size_t len, double *out, int *decimals)
{
	static const double p10[] = { 1,    1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	size_t i = 0;
	bool neg = false, eneg = false;
	uint64_t v = 0;
	int sig = 0, intd = 0, dec = 0, ex = 0, exd = 0, scale;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, intd++) {
		sig += v || s[i] != '0';
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, dec++) {
			sig += v || s[i] != '0';
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	if (intd + dec == 0)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (; i < len && s[i] >= '0' && s[i] <= '9' && exd < 4; i++, exd++)
			ex = ex * 10 + (s[i] - '0');
		if (!exd)
			return false;
		if (eneg)
			ex = -ex;
	}
	/* at most 15 significant digits: v stays exact (unsigned wrap past
	 * that is harmless, the number is refused) */
	scale = ex - dec; /* the value is v * 10^scale */
	if (i != len || sig > 15 || scale < -22 || scale > 22)
		return false;
	if (scale >= 0) {
		*out = (double)v * p10[scale];
		if (*out >= 9007199254740992.0) /* 2^53: no longer exact */
			return false;
	} else {
		*out = (double)v / p10[-scale];
	}
	if (neg)
		*out = -*out;
	*decimals = scale < 0 ? -scale : 0;
	return true;
}

/*
 * An integer argument in the forms the YAML side takes (42, +42, -42,
 * 0x2A), or a whole number in exponent form (1e3).
 */
static bool parse_int_arg(const char *s, size_t len, int64_t *out)
{
	double d;
	int dec;
	size_t i = len && (s[0] == '+' || s[0] == '-');
	uint64_t v = 0;

	if (value_parse_int(s, len, out))
		return true;
	if (len > i + 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && len - i <= 17) {
		for (size_t k = i + 2; k < len; k++) {
			char c = s[k];
			unsigned h = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
				     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
							    : 16u;

			if (h > 15 || v >> 59)
				return false;
			v = v * 16 + h;
		}
		*out = s[0] == '-' ? -(int64_t)v : (int64_t)v;
		return true;
	}
	if (!parse_number(s, len, &d, &dec) || dec)
		return false;
	*out = (int64_t)d; /* whole and below 2^53: exact */
	return true;
}

static int unknown_name(struct parser *p, size_t off, const char *name)
{
	const struct tmpl_env *env = p->env;
	const char *fnames[NFUNCS];
	const char *best;

	for (size_t i = 0; i < NFUNCS; i++)
		fnames[i] = funcs[i].name;
	if (strncmp(name, "random.", 7) == 0) {
		best = suggest(name, fnames, NFUNCS);
		if (best)
			return fail(p, off, "unknown template function '%s' (did you mean '%s'?)",
				    name, best);
		return fail(
			p, off,
			"unknown template function '%s' (known: random.int, random.float, "
			"random.uuid, random.hex, random.ipv4, random.choice, random.user_agent)",
			name);
	}
	if (strncmp(name, "parent.", 7) == 0)
		return fail(p, off,
			    "unknown template reference '%s' (expected 'parent.attributes.<key>')",
			    name);
	if (strncmp(name, "vars.", 5) == 0 || env->bare_vars) {
		bool prefixed = strncmp(name, "vars.", 5) == 0;
		const char *vname = prefixed ? name + 5 : name;
		const char *pre = prefixed ? "vars." : "";
		char list[160];
		size_t used = 0;

		for (size_t i = env->nvars; i < env->nall; i++) {
			if (strcmp(env->vars[i], vname) != 0)
				continue;
			if (i == env->nvars)
				return fail(p, off, "var '%s' cannot use itself", vname);
			list[0] = '\0';
			for (size_t j = 0; j < env->nvars; j++) {
				size_t need = (j ? 2 : 0) + strlen(pre) + strlen(env->vars[j]) + 2;

				if (used + need + 6 > sizeof(list)) {
					memcpy(list + used, ", ...", 6);
					break;
				}
				used += (size_t)snprintf(list + used, sizeof(list) - used,
							 "%s'%s%s'", j ? ", " : "", pre,
							 env->vars[j]);
			}
			if (!env->nvars)
				return fail(
					p, off,
					"variable '%s' is defined after this var: a var can use "
					"only the vars defined before it (none is)",
					name);
			return fail(p, off,
				    "variable '%s' is defined after this var: a var can use only "
				    "the vars defined before it (%s)",
				    name, list);
		}

		best = env->nvars ? suggest(vname, env->vars, env->nvars) : NULL;
		if (!best && !prefixed) {
			/* a bare name may also be a misspelt function */
			best = suggest(name, fnames, NFUNCS);
			if (best)
				return fail(p, off,
					    "unknown template function '%s' (did you mean '%s'?)",
					    name, best);
		}
		if (best)
			return fail(p, off, "unknown variable '%s' (did you mean '%s%s'?)", name,
				    pre, best);
		if (!env->nvars)
			return fail(p, off, "unknown variable '%s' (no variables are defined here)",
				    name);
		list[0] = '\0';
		for (size_t i = 0; i < env->nvars; i++) {
			size_t need = (i ? 2 : 0) + strlen(pre) + strlen(env->vars[i]) + 2;

			if (used + need + 6 > sizeof(list)) {
				/* keep the list short: end it with an ellipsis */
				memcpy(list + used, ", ...", 6);
				break;
			}
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s'%s%s'",
						 i ? ", " : "", pre, env->vars[i]);
		}
		return fail(p, off, "unknown variable '%s' (defined: %s)", name, list);
	}
	best = suggest(name, fnames, NFUNCS);
	if (!best && env->nvars) {
		/* "{{user}}" meaning "{{vars.user}}" */
		for (size_t i = 0; i < env->nvars; i++)
			if (strcmp(env->vars[i], name) == 0)
				return fail(p, off,
					    "unknown template expression '%s' (did you mean "
					    "'vars.%s'?)",
					    name, name);
	}
	if (best)
		return fail(p, off, "unknown template function '%s' (did you mean '%s'?)", name,
			    best);
	return fail(p, off,
		    "unknown template expression '%s' (expected random.*, vars.<name> or "
		    "parent.attributes.<key>)",
		    name);
}

/*
 * Arguments after '(' at *pos: fills args, leaves *pos after ')'.
 * Bare arguments run to ',' or ')' and are trimmed; quoted ones take the
 * text between the quotes verbatim.
 */
static int parse_args(struct parser *p, size_t open, const char *fname, size_t *pos, size_t brace,
		      struct arg *args, size_t *nargs)
{
	size_t i = *pos, n = 0;

	i = skip_space(p, i);
	if (i < p->len && p->s[i] == ')') {
		*pos = i + 1;
		*nargs = 0;
		return 0;
	}
	for (;;) {
		struct arg a;

		i = skip_space(p, i);
		if (i >= p->len)
			return fail(p, brace, "unclosed '{{'");
		if (p->s[i] == '\'' || p->s[i] == '"') {
			char q = p->s[i];
			size_t j = i + 1;

			while (j < p->len && p->s[j] != q)
				j++;
			if (j >= p->len)
				return fail(p, i, "unterminated quote in %s arguments", fname);
			a.off = i + 1;
			a.len = j - i - 1;
			a.quoted = true;
			i = skip_space(p, j + 1);
			if (i < p->len && p->s[i] != ',' && p->s[i] != ')') {
				if (at_close(p, i))
					return fail(p, i, "missing ')' after %s arguments", fname);
				return fail(p, i, "unexpected '%c' after a quoted argument of %s",
					    p->s[i], fname);
			}
		} else {
			size_t j = i, end;

			while (j < p->len && p->s[j] != ',' && p->s[j] != ')' && !at_close(p, j) &&
			       p->s[j] != '\'' && p->s[j] != '"' && p->s[j] != '(')
				j++;
			if (j < p->len && (p->s[j] == '\'' || p->s[j] == '"' || p->s[j] == '('))
				return fail(p, j, "unexpected '%c' in %s arguments", p->s[j],
					    fname);
			end = j;
			while (end > i && is_space(p->s[end - 1]))
				end--;
			if (end == i) {
				if (j >= p->len)
					return fail(p, brace, "unclosed '{{'");
				if (at_close(p, j))
					return fail(p, j, "missing ')' after %s arguments", fname);
				return fail(p, j, "empty argument in %s", fname);
			}
			a.off = i;
			a.len = end - i;
			a.quoted = false;
			i = j;
		}
		if (i >= p->len)
			return fail(p, brace, "unclosed '{{'");
		if (at_close(p, i))
			return fail(p, i, "missing ')' after %s arguments", fname);
		if (n == MAX_ARGS)
			return fail(p, open, "too many arguments to %s (at most %d)", fname,
				    MAX_ARGS);
		args[n++] = a;
		if (p->s[i] == ')') {
			*pos = i + 1;
			*nargs = n;
			return 0;
		}
		i++; /* ',' */
	}
}

static int check_int_args(struct parser *p, const char *fname, size_t name_off, bool has_parens,
			  const struct arg *args, size_t nargs, struct tmpl_part *part)
{
	int64_t v[2];

	if (!has_parens || nargs != 2)
		return fail(p, name_off, "%s takes 2 integer arguments (min, max)", fname);
	for (int k = 0; k < 2; k++)
		if (args[k].quoted || !parse_int_arg(p->s + args[k].off, args[k].len, &v[k]))
			return fail(p, args[k].off, "%s takes 2 integer arguments (min, max)",
				    fname);
	if (v[0] > v[1])
		return fail(p, args[0].off, "%s min %lld is greater than max %lld", fname,
			    (long long)v[0], (long long)v[1]);
	part->lo = v[0];
	part->hi = v[1];
	return 0;
}

static int check_float_args(struct parser *p, const char *fname, size_t name_off, bool has_parens,
			    const struct arg *args, size_t nargs, struct tmpl_part *part)
{
	double v[2];
	int dec[2], d;

	if (!has_parens || nargs != 2)
		return fail(p, name_off, "%s takes 2 number arguments (min, max)", fname);
	for (int k = 0; k < 2; k++) {
		if (args[k].quoted ||
		    !parse_number(p->s + args[k].off, args[k].len, &v[k], &dec[k]))
			return fail(p, args[k].off, "%s takes 2 number arguments (min, max)",
				    fname);
		if (dec[k] > FLOAT_MAX_DECIMALS)
			return fail(p, args[k].off, "%s allows at most %d decimals", fname,
				    FLOAT_MAX_DECIMALS);
	}
	if (v[0] > v[1])
		return fail(p, args[0].off, "%s min %.*s is greater than max %.*s", fname,
			    (int)args[0].len, p->s + args[0].off, (int)args[1].len,
			    p->s + args[1].off);
	d = dec[0] > dec[1] ? dec[0] : dec[1];
	if (d < 2)
		d = 2;
	part->decimals = (uint8_t)d;
	part->flo = v[0];
	part->fspan = v[1] - v[0];
	part->scale = 1;
	for (int k = 0; k < d; k++)
		part->scale *= 10;
	return 0;
}

/*
 * One expression between "{{" (at `brace`) and "}}". On success *pos is
 * just past the "}}".
 */
static int parse_expr(struct parser *p, size_t brace, size_t *pos, struct tmpl_part *part)
{
	size_t i = skip_space(p, brace + 2), name_off, name_len;
	char name[128];
	struct arg args[MAX_ARGS];
	size_t nargs = 0;
	bool has_parens = false;

	memset(part, 0, sizeof(*part));
	/* no "}}" anywhere after it: say so, rather than what the text lacks first */
	if (i >= p->len || !memmem(p->s + brace + 2, p->len - brace - 2, "}}", 2))
		return fail(p, brace, "unclosed '{{'");
	if (at_close(p, i))
		return fail(p, brace, "empty expression in '{{ }}'");
	name_off = i;
	while (i < p->len && is_name_char(p->s[i]))
		i++;
	name_len = i - name_off;
	if (name_len == 0) {
		if (p->s[i] == '{')
			return fail(p, i, "unexpected '{' in an expression (is a '}}' missing?)");
		return fail(p, i, "unexpected '%c' at the start of an expression", p->s[i]);
	}
	if (name_len >= sizeof(name))
		return fail(p, name_off, "template expression is too long (at most %zu characters)",
			    sizeof(name) - 1);
	memcpy(name, p->s + name_off, name_len);
	name[name_len] = '\0';

	if (strncmp(name, "parent.attributes.", 18) == 0 && name_len > 18) {
		char *key = arena_strndup(p->a, name + 18, name_len - 18);

		if (!key)
			return fail(p, name_off, "out of memory");
		part->kind = TP_PARENT;
		part->off = (uint32_t)name_off;
		part->s = key;
		part->n = (uint32_t)(name_len - 18);
	} else if (strncmp(name, "vars.", 5) == 0 || (p->env->bare_vars && !strchr(name, '.')) ||
		   (p->env->attr_ref && strncmp(name, "random.", 7) &&
		    strncmp(name, "parent.", 7))) {
		const char *vname = strncmp(name, "vars.", 5) == 0 ? name + 5 : name;
		const char *near = NULL;
		uint32_t up = 0;
		size_t k;

		for (k = 0; k < p->env->nvars; k++)
			if (strcmp(p->env->vars[k], vname) == 0)
				break;
		if (k == p->env->nvars && vname == name && p->env->attr_ref) {
			/* a bare name that is no var: an attribute of the span or an ancestor */
			int found = p->env->attr_ref(p->env->attr_arg, name, &up, &near);

			if (found == 2)
				return fail(
					p, name_off,
					"'%s' is an attribute of this same span: its attributes "
					"may use the vars and its callers' attributes (its "
					"operation and error messages may use its own)",
					name);
			if (found == 1) {
				char *key = arena_strndup(p->a, name, name_len);

				if (!key)
					return fail(p, name_off, "out of memory");
				part->kind = TP_ATTR;
				part->off = (uint32_t)name_off;
				part->s = key;
				part->n = (uint32_t)name_len;
				part->up = up;
				goto parsed;
			}
			if (near && !(p->env->nvars && suggest(name, p->env->vars, p->env->nvars)))
				return fail(p, name_off,
					    "unknown variable '%s' (not a var, nor an attribute of "
					    "this span or its ancestors; did you mean '%s'?)",
					    name, near);
		}
		if (k == p->env->nvars) {
			if (strcmp(vname, name) == 0) {
				/* bare: maybe a function without its "random." */
				for (size_t f = 0; f < NFUNCS; f++)
					if (strcmp(funcs[f].name + 7, name) == 0)
						return fail(p, name_off,
							    "unknown variable '%s' (did you mean "
							    "'%s'?)",
							    name, funcs[f].name);
			}
			return unknown_name(p, name_off, name);
		}
		part->kind = TP_VAR;
		part->off = (uint32_t)name_off;
		part->n = (uint32_t)k;
	} else {
		size_t f;

		for (f = 0; f < NFUNCS; f++)
			if (strcmp(funcs[f].name, name) == 0)
				break;
		if (f == NFUNCS)
			return unknown_name(p, name_off, name);
		part->kind = funcs[f].kind;
		part->off = (uint32_t)name_off;
	}

parsed:
	if (i < p->len && p->s[i] == '(') {
		size_t open = i;

		if (part->kind == TP_VAR || part->kind == TP_PARENT || part->kind == TP_ATTR)
			return fail(p, i, "unexpected '(' after '%s' (it is not a function)", name);
		has_parens = true;
		i++;
		if (parse_args(p, open, name, &i, brace, args, &nargs) < 0)
			return -1;
	}

	switch (part->kind) {
	case TP_INT:
		if (check_int_args(p, name, name_off, has_parens, args, nargs, part) < 0)
			return -1;
		break;
	case TP_FLOAT:
		if (check_float_args(p, name, name_off, has_parens, args, nargs, part) < 0)
			return -1;
		break;
	case TP_HEX: {
		int64_t n;

		if (!has_parens || nargs != 1)
			return fail(p, name_off, "%s takes 1 integer argument (length)", name);
		if (args[0].quoted || !parse_int_arg(p->s + args[0].off, args[0].len, &n))
			return fail(p, args[0].off, "%s takes 1 integer argument (length)", name);
		if (n < 1 || n > HEX_MAX)
			return fail(p, args[0].off, "%s length must be 1..%d (got %lld)", name,
				    HEX_MAX, (long long)n);
		part->n = (uint32_t)n;
		break;
	}
	case TP_CHOICE: {
		struct tmpl_str *c;
		uint32_t *offs;

		if (!has_parens || nargs == 0)
			return fail(p, name_off, "%s takes at least 1 argument", name);
		c = ARENA_NEWN(p->a, struct tmpl_str, nargs);
		offs = ARENA_NEWN(p->a, uint32_t, nargs);
		if (!c || !offs)
			return fail(p, name_off, "out of memory");
		for (size_t k = 0; k < nargs; k++) {
			offs[k] = (uint32_t)args[k].off;
			c[k].ptr = arena_strndup(p->a, p->s + args[k].off, args[k].len);
			if (!c[k].ptr)
				return fail(p, name_off, "out of memory");
			c[k].len = (uint32_t)args[k].len;
		}
		part->choices = c;
		part->offs = offs;
		part->n = (uint32_t)nargs;
		break;
	}
	case TP_UUID:
	case TP_IPV4:
	case TP_UA:
		if (nargs)
			return fail(p, args[0].off, "%s takes no arguments", name);
		break;
	default:
		break;
	}

	i = skip_space(p, i);
	if (i >= p->len)
		return fail(p, brace, "unclosed '{{'");
	if (!at_close(p, i))
		return fail(p, i, "unexpected '%c' after '%s' (expected '}}')", p->s[i], name);
	*pos = i + 2;
	return 0;
}

static size_t part_max_len(const struct tmpl_part *part)
{
	size_t m = 0;

	switch (part->kind) {
	case TP_LIT:
		return part->n;
	case TP_INT:
		return 20;
	case TP_FLOAT:
		return 32;
	case TP_UUID:
		return 36;
	case TP_HEX:
		return part->n;
	case TP_IPV4:
		return 15;
	case TP_CHOICE:
		for (uint32_t k = 0; k < part->n; k++)
			if (part->choices[k].len > m)
				m = part->choices[k].len;
		return m;
	case TP_UA:
		for (size_t k = 0; k < tmpl_nuser_agents; k++)
			if (tmpl_user_agents[k].len > m)
				m = tmpl_user_agents[k].len;
		return m;
	default:
		return 0;
	}
}

bool tmpl_has_expr(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '{' && s[i + 1] == '{')
			return true;
	return false;
}

int tmpl_compile(struct arena *a, const char *s, size_t len, const struct tmpl_env *env,
		 struct tmpl **out, struct tmpl_error *err)
{
	static const struct tmpl_env no_env = { NULL, 0, false };
	struct parser p = { a, s, len, env ? env : &no_env, err };
	struct tmpl *t;
	size_t cap = 1, i = 0, lit = 0;

	*out = NULL;
	for (size_t k = 0; k + 1 < len; k++)
		if (s[k] == '{' && s[k + 1] == '{')
			cap += 2;
	t = ARENA_NEW(a, struct tmpl);
	if (t)
		t->parts = ARENA_NEWN(a, struct tmpl_part, cap);
	if (!t || !t->parts)
		return fail(&p, 0, "out of memory");
	while (i < len) {
		if (i + 1 < len && s[i] == '{' && s[i + 1] == '{') {
			struct tmpl_part *part;

			if (i > lit) {
				part = &t->parts[t->nparts++];
				part->kind = TP_LIT;
				part->s = s + lit;
				part->n = (uint32_t)(i - lit);
			}
			part = &t->parts[t->nparts];
			if (parse_expr(&p, i, &i, part) < 0)
				return -1;
			t->nparts++;
			lit = i;
			continue;
		}
		i++;
	}
	if (len > lit) {
		struct tmpl_part *part = &t->parts[t->nparts++];

		part->kind = TP_LIT;
		part->s = s + lit;
		part->n = (uint32_t)(len - lit);
	}
	/* literal text points into the caller's string: copy it into the arena */
	for (uint32_t k = 0; k < t->nparts; k++) {
		struct tmpl_part *part = &t->parts[k];

		if (part->kind == TP_LIT) {
			part->s = arena_strndup(a, part->s, part->n);
			if (!part->s)
				return fail(&p, 0, "out of memory");
		}
		if (part->kind == TP_VAR || part->kind == TP_PARENT || part->kind == TP_ATTR)
			t->dynamic = true;
		t->fixed_max += part_max_len(part);
	}
	t->lone = t->nparts == 1 && t->parts[0].kind != TP_LIT;
	t->natural = VAL_STRING;
	if (t->lone) {
		if (t->parts[0].kind == TP_INT)
			t->natural = VAL_INT;
		else if (t->parts[0].kind == TP_FLOAT)
			t->natural = VAL_DOUBLE;
		else if (t->parts[0].kind == TP_VAR || t->parts[0].kind == TP_PARENT ||
			 t->parts[0].kind == TP_ATTR)
			t->natural = VAL_NONE;
	}
	*out = t;
	return 0;
}
