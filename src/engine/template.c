/*
 * engine/template.c - compiling and evaluating "{{...}}" strings.
 *
 * A template compiles to an array of parts (literal text, or one expression
 * with its arguments already parsed and checked), so evaluation is a single
 * pass over the parts writing into one arena allocation: no parsing, no
 * malloc, no strlen on the hot path.
 */
#include "engine/template.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/num.h"
#include "util/detmath.h"
#include "util/text.h"

enum part_kind {
	P_LIT = 0,
	P_INT,
	P_FLOAT,
	P_UUID,
	P_HEX,
	P_IPV4,
	P_CHOICE,
	P_UA,
	P_VAR,
	P_PARENT
};

struct tstr {
	const char *ptr;
	uint32_t len;
};

struct tpart {
	uint8_t kind;     /* enum part_kind */
	uint8_t decimals; /* P_FLOAT */
	uint32_t n;       /* P_LIT/P_PARENT length, P_HEX chars, P_CHOICE count, P_VAR index */
	const char *s;    /* P_LIT text, P_PARENT key */
	int64_t lo, hi;   /* P_INT range */
	double flo, fspan, scale; /* P_FLOAT: min, max - min, 10^decimals */
	const struct tstr *choices;
	const uint32_t *offs;     /* P_CHOICE: each option's byte offset */
	const struct value *vals; /* P_CHOICE: typed results, or NULL (text) */
	uint32_t off;             /* byte offset of the expression's name */
};

struct tmpl {
	struct tpart *parts;
	uint32_t nparts;
	bool lone;        /* one expression, no text around it */
	bool dynamic;     /* has P_VAR/P_PARENT parts (length known only at eval) */
	uint8_t natural;  /* enum value_type, see tmpl_natural_type */
	size_t fixed_max; /* output bound of every non-dynamic part */
};

/* ---- built-in tables -------------------------------------------------------- */

static const struct tstr user_agents[] = {
#define UA(s)                    \
	{                        \
		s, sizeof(s) - 1 \
	}
	UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.0.0 Safari/537.36"),
	UA("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.0.0 Safari/537.36"),
	UA("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/123.0.0.0 Safari/537.36"),
	UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"),
	UA("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"),
	UA("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like "
	   "Gecko) "
	   "Version/17.4.1 Safari/605.1.15"),
	UA("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
	   "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
	UA("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.6367.82 Mobile Safari/537.36"),
	UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"),
	UA("curl/8.7.1"),
	UA("python-requests/2.31.0"),
	UA("okhttp/4.12.0"),
#undef UA
};
#define NUSER_AGENTS (sizeof(user_agents) / sizeof(user_agents[0]))

struct func {
	const char *name;
	uint8_t kind;
};

static const struct func funcs[] = {
	{ "random.int", P_INT },       { "random.float", P_FLOAT }, { "random.uuid", P_UUID },
	{ "random.hex", P_HEX },       { "random.ipv4", P_IPV4 },   { "random.choice", P_CHOICE },
	{ "random.user_agent", P_UA },
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
 * A decimal number [+-]digits[.digits] without the locale: the digits as an
 * exact integer divided by an exact power of ten (correctly rounded while
 * the digits fit in 2^53). *decimals gets the digits written after '.'.
 */
static bool parse_number(const char *s, size_t len, double *out, int *decimals)
{
	static const double p10[] = { 1,    1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0;
	int sig = 0, intd = 0, dec = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, intd++) {
		sig += v || s[i] != '0';
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (intd == 0)
		return false;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, dec++) {
			sig += v || s[i] != '0';
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
		if (dec == 0)
			return false;
	}
	/* at most 15 significant digits: v stays exact (unsigned wrap past
	 * that is harmless, the number is refused) */
	if (i != len || sig > 15 || dec > 22)
		return false;
	*out = (double)v / p10[dec];
	if (neg)
		*out = -*out;
	*decimals = dec;
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
			  const struct arg *args, size_t nargs, struct tpart *part)
{
	int64_t v[2];

	if (!has_parens || nargs != 2)
		return fail(p, name_off, "%s takes 2 integer arguments (min, max)", fname);
	for (int k = 0; k < 2; k++)
		if (args[k].quoted || !num_parse_i64(p->s + args[k].off, args[k].len, &v[k]))
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
			    const struct arg *args, size_t nargs, struct tpart *part)
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
static int parse_expr(struct parser *p, size_t brace, size_t *pos, struct tpart *part)
{
	size_t i = skip_space(p, brace + 2), name_off, name_len;
	char name[128];
	struct arg args[MAX_ARGS];
	size_t nargs = 0;
	bool has_parens = false;

	memset(part, 0, sizeof(*part));
	if (i >= p->len)
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
		part->kind = P_PARENT;
		part->off = (uint32_t)name_off;
		part->s = key;
		part->n = (uint32_t)(name_len - 18);
	} else if (strncmp(name, "vars.", 5) == 0 || (p->env->bare_vars && !strchr(name, '.'))) {
		const char *vname = strncmp(name, "vars.", 5) == 0 ? name + 5 : name;
		size_t k;

		for (k = 0; k < p->env->nvars; k++)
			if (strcmp(p->env->vars[k], vname) == 0)
				break;
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
		part->kind = P_VAR;
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

	if (i < p->len && p->s[i] == '(') {
		size_t open = i;

		if (part->kind == P_VAR || part->kind == P_PARENT)
			return fail(p, i, "unexpected '(' after '%s' (it is not a function)", name);
		has_parens = true;
		i++;
		if (parse_args(p, open, name, &i, brace, args, &nargs) < 0)
			return -1;
	}

	switch (part->kind) {
	case P_INT:
		if (check_int_args(p, name, name_off, has_parens, args, nargs, part) < 0)
			return -1;
		break;
	case P_FLOAT:
		if (check_float_args(p, name, name_off, has_parens, args, nargs, part) < 0)
			return -1;
		break;
	case P_HEX: {
		int64_t n;

		if (!has_parens || nargs != 1)
			return fail(p, name_off, "%s takes 1 integer argument (length)", name);
		if (args[0].quoted || !num_parse_i64(p->s + args[0].off, args[0].len, &n))
			return fail(p, args[0].off, "%s takes 1 integer argument (length)", name);
		if (n < 1 || n > HEX_MAX)
			return fail(p, args[0].off, "%s length must be 1..%d (got %lld)", name,
				    HEX_MAX, (long long)n);
		part->n = (uint32_t)n;
		break;
	}
	case P_CHOICE: {
		struct tstr *c;
		uint32_t *offs;

		if (!has_parens || nargs == 0)
			return fail(p, name_off, "%s takes at least 1 argument", name);
		c = ARENA_NEWN(p->a, struct tstr, nargs);
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
	case P_UUID:
	case P_IPV4:
	case P_UA:
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

static size_t part_max_len(const struct tpart *part)
{
	size_t m = 0;

	switch (part->kind) {
	case P_LIT:
		return part->n;
	case P_INT:
		return 20;
	case P_FLOAT:
		return 32;
	case P_UUID:
		return 36;
	case P_HEX:
		return part->n;
	case P_IPV4:
		return 15;
	case P_CHOICE:
		for (uint32_t k = 0; k < part->n; k++)
			if (part->choices[k].len > m)
				m = part->choices[k].len;
		return m;
	case P_UA:
		for (size_t k = 0; k < NUSER_AGENTS; k++)
			if (user_agents[k].len > m)
				m = user_agents[k].len;
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
		t->parts = ARENA_NEWN(a, struct tpart, cap);
	if (!t || !t->parts)
		return fail(&p, 0, "out of memory");
	while (i < len) {
		if (i + 1 < len && s[i] == '{' && s[i + 1] == '{') {
			struct tpart *part;

			if (i > lit) {
				part = &t->parts[t->nparts++];
				part->kind = P_LIT;
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
		struct tpart *part = &t->parts[t->nparts++];

		part->kind = P_LIT;
		part->s = s + lit;
		part->n = (uint32_t)(len - lit);
	}
	/* literal text points into the caller's string: copy it into the arena */
	for (uint32_t k = 0; k < t->nparts; k++) {
		struct tpart *part = &t->parts[k];

		if (part->kind == P_LIT) {
			part->s = arena_strndup(a, part->s, part->n);
			if (!part->s)
				return fail(&p, 0, "out of memory");
		}
		if (part->kind == P_VAR || part->kind == P_PARENT)
			t->dynamic = true;
		t->fixed_max += part_max_len(part);
	}
	t->lone = t->nparts == 1 && t->parts[0].kind != P_LIT;
	t->natural = VAL_STRING;
	if (t->lone) {
		if (t->parts[0].kind == P_INT)
			t->natural = VAL_INT;
		else if (t->parts[0].kind == P_FLOAT)
			t->natural = VAL_DOUBLE;
		else if (t->parts[0].kind == P_VAR || t->parts[0].kind == P_PARENT)
			t->natural = VAL_NONE;
	}
	*out = t;
	return 0;
}

int tmpl_natural_type(const struct tmpl *t)
{
	return t->natural;
}

bool tmpl_is_lone_expr(const struct tmpl *t)
{
	return t->lone;
}

int tmpl_lone_var(const struct tmpl *t)
{
	return t->lone && t->parts[0].kind == P_VAR ? (int)t->parts[0].n : -1;
}

size_t tmpl_choice_count(const struct tmpl *t)
{
	return t->lone && t->parts[0].kind == P_CHOICE ? t->parts[0].n : 0;
}

void tmpl_choice_option(const struct tmpl *t, size_t i, const char **s, size_t *len, size_t *off)
{
	const struct tpart *part = &t->parts[0];

	*s = part->choices[i].ptr;
	*len = part->choices[i].len;
	*off = part->offs[i];
}

void tmpl_set_choice_values(struct tmpl *t, const struct value *vals)
{
	if (tmpl_choice_count(t)) {
		t->parts[0].vals = vals;
		t->natural = vals[0].type;
	}
}

const struct value *tmpl_choice_values(const struct tmpl *t)
{
	return tmpl_choice_count(t) ? t->parts[0].vals : NULL;
}

bool tmpl_parent_ref(const struct tmpl *t, size_t i, const char **key, size_t *len, size_t *off)
{
	for (uint32_t k = 0; k < t->nparts; k++) {
		const struct tpart *part = &t->parts[k];

		if (part->kind != P_PARENT || i--)
			continue;
		*key = part->s;
		*len = part->n;
		*off = part->off;
		return true;
	}
	return false;
}

/* ---- evaluating ------------------------------------------------------------- */

/* "00" "01" ... "ff": two hex digits per byte value */
static const char hexpairs[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

static double draw_float(const struct tpart *part, struct rng *r, int64_t *k, bool *exact)
{
	double v = part->flo + part->fspan * rng_double(r);
	double m = v * part->scale;

	if (m > -9007199254740992.0 && m < 9007199254740992.0) {
		double km = det_round(m);

		*k = (int64_t)km;
		*exact = true;
		v = km / part->scale;
	} else {
		*exact = false;
	}
	return v + 0.0; /* no "-0" */
}

/*
 * The shortest round-trip text of v = k / 10^dec, as fmt_double writes it,
 * without its snprintf loop: k's digits with the point put back and trailing
 * zeros dropped. That is exact while k (without those zeros) has at most 15
 * digits (DBL_DIG): every decimal of 15 significant digits reads back as a
 * different double, so no shorter text names v, and %.15g of v gives back
 * k's digits. With 16 digits another, shorter decimal may round to the same
 * double (88248901911245.91 is 88248901911245.9), so that case, integers,
 * inexact draws and |v| < 1e-4 (exponent form) go to fmt_double.
 */
static size_t fmt_scaled(char *buf, double v, int64_t k, int dec, bool exact)
{
	char dig[24];
	size_t nd, n = 0, intd;
	double av = v < 0 ? -v : v;
	uint64_t uk;

	if (!exact || av < 1e-4 || v == 0)
		return fmt_double(buf, v);
	uk = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;
	while (dec > 0 && uk % 10 == 0) {
		uk /= 10;
		dec--;
	}
	if (dec == 0 || uk >= 1000000000000000ull)
		return fmt_double(buf, v);
	nd = fmt_u64(dig, uk);
	if (k < 0)
		buf[n++] = '-';
	if (nd <= (size_t)dec) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (size_t z = nd; z < (size_t)dec; z++)
			buf[n++] = '0';
		memcpy(buf + n, dig, nd);
		return n + nd;
	}
	intd = nd - (size_t)dec;
	memcpy(buf + n, dig, intd);
	n += intd;
	buf[n++] = '.';
	memcpy(buf + n, dig + intd, (size_t)dec);
	return n + (size_t)dec;
}

static size_t value_max_len(const struct value *v)
{
	switch (v->type) {
	case VAL_STRING:
		return v->u.s.len;
	case VAL_BYTES:
		return 2 * (size_t)v->u.s.len;
	case VAL_INT:
	case VAL_DOUBLE:
		return 32;
	case VAL_BOOL:
		return 5;
	default:
		return 0;
	}
}

/* A string literal's characters (not its NUL) into buf; evaluates to their count. */
#define PUT_LIT(buf, lit) (memcpy((buf), "" lit, sizeof(lit) - 1), sizeof(lit) - 1)

/* Arrays, kvlists and absent values embed as nothing. */
static size_t fmt_value(char *buf, const struct value *v)
{
	switch (v->type) {
	case VAL_STRING:
		if (v->u.s.len)
			memcpy(buf, v->u.s.ptr, v->u.s.len);
		return v->u.s.len;
	case VAL_BYTES:
		hex_encode((const uint8_t *)v->u.s.ptr, v->u.s.len, buf);
		return 2 * (size_t)v->u.s.len;
	case VAL_INT:
		return fmt_i64(buf, v->u.i);
	case VAL_DOUBLE:
		return fmt_double(buf, v->u.d);
	case VAL_BOOL:
		return v->u.b ? PUT_LIT(buf, "true") : PUT_LIT(buf, "false");
	default:
		return 0;
	}
}

static const struct value empty_string = { VAL_STRING, { .s = { "", 0 } } };

static const struct value *parent_attr(const struct tpart *part, const struct tmpl_ctx *ctx)
{
	for (size_t k = 0; k < ctx->nparent_attrs; k++) {
		const struct keyval *kv = &ctx->parent_attrs[k];

		if (kv->key_len == part->n && memcmp(kv->key, part->s, part->n) == 0)
			return &kv->value;
	}
	return &empty_string;
}

static void hex_u64_be(char *o, uint64_t x)
{
	for (int j = 0; j < 8; j++)
		memcpy(o + 2 * j, hexpairs + 2 * ((x >> (56 - 8 * j)) & 255), 2);
}

static size_t write_uuid(char *o, struct rng *r)
{
	uint64_t a = rng_next(r), b = rng_next(r);
	char h[32];

	/* version 4 (bits 48..51 = 0100), variant 10xx (bits 64..65) */
	a = (a & ~(0xfull << 12)) | (0x4ull << 12);
	b = (b & ~(0x3ull << 62)) | (0x2ull << 62);
	hex_u64_be(h, a);
	hex_u64_be(h + 16, b);
	memcpy(o, h, 8);
	o[8] = '-';
	memcpy(o + 9, h + 8, 4);
	o[13] = '-';
	memcpy(o + 14, h + 12, 4);
	o[18] = '-';
	memcpy(o + 19, h + 16, 4);
	o[23] = '-';
	memcpy(o + 24, h + 20, 12);
	return 36;
}

/* n hex digits: each draw gives 8 bytes, low byte first, two digits each */
static size_t write_hex(char *o, uint32_t n, struct rng *r)
{
	uint32_t done = 0;

	while (n - done >= 16) {
		uint64_t x = rng_next(r);

		for (int j = 0; j < 8; j++, x >>= 8)
			memcpy(o + done + 2 * j, hexpairs + 2 * (x & 255), 2);
		done += 16;
	}
	if (done < n) {
		uint64_t x = rng_next(r);
		char h[16];

		for (int j = 0; j < 8; j++, x >>= 8)
			memcpy(h + 2 * j, hexpairs + 2 * (x & 255), 2);
		memcpy(o + done, h, n - done);
	}
	return n;
}

static size_t write_u8(char *o, unsigned v)
{
	if (v >= 100) {
		o[0] = (char)('0' + v / 100);
		o[1] = (char)('0' + v / 10 % 10);
		o[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		o[0] = (char)('0' + v / 10);
		o[1] = (char)('0' + v % 10);
		return 2;
	}
	o[0] = (char)('0' + v);
	return 1;
}

static size_t write_ipv4(char *o, struct rng *r)
{
	unsigned a = (unsigned)rng_below(r, 222) + 1; /* 1..223 without 127 */
	uint64_t x = rng_next(r);
	size_t n;

	if (a >= 127)
		a++;
	n = write_u8(o, a);
	o[n++] = '.';
	n += write_u8(o + n, (unsigned)(x & 255));
	o[n++] = '.';
	n += write_u8(o + n, (unsigned)((x >> 8) & 255));
	o[n++] = '.';
	/* 1..254 from the top bits (multiply-shift: bias below 2^-50) */
	n += write_u8(o + n, (unsigned)(((x >> 16) * 254) >> 48) + 1);
	return n;
}

/* Writes one non-literal part; returns its length. */
static size_t write_part(char *o, const struct tpart *part, struct tmpl_ctx *ctx)
{
	struct rng *r = ctx->rng;

	switch (part->kind) {
	case P_LIT:
		memcpy(o, part->s, part->n);
		return part->n;
	case P_INT:
		return fmt_i64(o, rng_range(r, part->lo, part->hi));
	case P_FLOAT: {
		int64_t k = 0;
		bool exact;
		double v = draw_float(part, r, &k, &exact);

		return fmt_scaled(o, v, k, part->decimals, exact);
	}
	case P_UUID:
		return write_uuid(o, r);
	case P_HEX:
		return write_hex(o, part->n, r);
	case P_IPV4:
		return write_ipv4(o, r);
	case P_CHOICE: {
		const struct tstr *c = &part->choices[part->n > 1 ? rng_below(r, part->n) : 0];

		memcpy(o, c->ptr, c->len);
		return c->len;
	}
	case P_UA: {
		const struct tstr *c = &user_agents[rng_below(r, NUSER_AGENTS)];

		memcpy(o, c->ptr, c->len);
		return c->len;
	}
	case P_VAR:
		return fmt_value(o, &ctx->vars[part->n]);
	case P_PARENT:
		return fmt_value(o, parent_attr(part, ctx));
	default:
		return 0;
	}
}

int tmpl_eval(const struct tmpl *t, struct tmpl_ctx *ctx, struct value *out)
{
	size_t bound = t->fixed_max, n = 0;
	char *buf;

	if (t->lone) {
		const struct tpart *part = &t->parts[0];

		switch (part->kind) {
		case P_INT:
			out->type = VAL_INT;
			out->u.i = rng_range(ctx->rng, part->lo, part->hi);
			return 0;
		case P_FLOAT: {
			int64_t k;
			bool exact;

			out->type = VAL_DOUBLE;
			out->u.d = draw_float(part, ctx->rng, &k, &exact);
			return 0;
		}
		case P_VAR:
			*out = ctx->vars[part->n];
			return 0;
		case P_PARENT:
			*out = *parent_attr(part, ctx);
			return 0;
		case P_CHOICE: {
			uint32_t i = part->n > 1 ? (uint32_t)rng_below(ctx->rng, part->n) : 0;
			const struct tstr *c = &part->choices[i];

			if (part->vals) {
				*out = part->vals[i];
				return 0;
			}
			out->type = VAL_STRING;
			out->u.s.ptr = c->ptr;
			out->u.s.len = c->len;
			return 0;
		}
		case P_UA: {
			const struct tstr *c = &user_agents[rng_below(ctx->rng, NUSER_AGENTS)];

			out->type = VAL_STRING;
			out->u.s.ptr = c->ptr;
			out->u.s.len = c->len;
			return 0;
		}
		default:
			break;
		}
	} else if (t->nparts == 1) {
		/* plain text */
		out->type = VAL_STRING;
		out->u.s.ptr = t->parts[0].s;
		out->u.s.len = t->parts[0].n;
		return 0;
	}
	if (t->dynamic) {
		for (uint32_t k = 0; k < t->nparts; k++) {
			const struct tpart *part = &t->parts[k];

			if (part->kind == P_VAR)
				bound += value_max_len(&ctx->vars[part->n]);
			else if (part->kind == P_PARENT)
				bound += value_max_len(parent_attr(part, ctx));
		}
	}
	buf = arena_alloc(ctx->arena, bound + 1);
	if (!buf)
		return -1;
	for (uint32_t k = 0; k < t->nparts; k++)
		n += write_part(buf + n, &t->parts[k], ctx);
	buf[n] = '\0';
	out->type = VAL_STRING;
	out->u.s.ptr = buf;
	out->u.s.len = (uint32_t)n;
	return 0;
}
