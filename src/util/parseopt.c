/* The option parser of util/parseopt.h: argv and the environment into a struct. */
#include "util/parseopt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/error.h"
#include "util/text.h"

/* The field an offset from OPT_AT points at. */
static void *field(void *target, size_t at)
{
	return (char *)target + at - 1;
}

static int list_push(struct opt_list *l, const char *s, size_t len)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	char *copy;

	if (!v)
		return -1;
	l->v = v;
	copy = strndup(s, len);
	if (!copy)
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

/* "a,b, c" appended item by item (blanks around items dropped, empty items skipped). */
static int list_push_csv(struct opt_list *l, const char *csv)
{
	const char *p = csv;

	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len && list_push(l, p, len))
			return -1;
		p = e ? e + 1 : p + strlen(p);
	}
	return 0;
}

static int parse_double(const char *s, double max, double *out)
{
	char *end;
	double v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtod_l(s, &end, util_c_locale());
	if (errno || *end || !(v > 0) || !isfinite(v) || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A boolean environment value: 1 true, 0 false, -1 neither. */
static int env_bool(const char *v)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return 1;
		if (!strcasecmp(v, no[i]))
			return 0;
	}
	return -1;
}

static int bad_value(const struct opt_def *d, const char *v, const char *src,
		     struct otelsim_error *err)
{
	return error_set(err, OTELSIM_EUSAGE, "%s: expected %s, got '%s'", src,
			 d->expect ? d->expect : "a value", v);
}

/* The checks every value of a row gets, whatever its type. */
static int check_value(const struct opt_def *d, const char *v, const char *src,
		       struct otelsim_error *err)
{
	struct stat st;

	if ((d->flags & OPTF_NONEMPTY) && !*v)
		return bad_value(d, v, src, err);
	if ((d->flags & OPTF_COLON) && !strchr(v, ':'))
		return bad_value(d, v, src, err);
	/* said with where it came from: a variable left in the environment is the
	 * usual surprise; other read errors are for whoever reads the path */
	if ((d->flags & OPTF_PATH) && d->type != OPT_PATHS && stat(v, &st) != 0 &&
	    errno == ENOENT)
		return error_set(err, OTELSIM_EUSAGE, "%s: no such file or folder '%s'", src, v);
	return 0;
}

/* "a:b" appended item by item, each checked as OPTF_PATH asks; 0, OPT_BAD (none) or a code. */
static int list_push_paths(const struct opt_def *d, struct opt_list *l, const char *v,
			   const char *src, struct otelsim_error *err)
{
	size_t before = l->n;

	for (const char *p = v; *p;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		struct stat st;

		if (len && list_push(l, p, len))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		if (len && (d->flags & OPTF_PATH) && stat(l->v[l->n - 1], &st) != 0 &&
		    errno == ENOENT)
			return error_set(err, OTELSIM_EUSAGE, "%s: no such file or folder '%s'",
					 src, l->v[l->n - 1]);
		p = e ? e + 1 : p + len;
	}
	return l->n == before ? OPT_BAD : 0;
}

static int apply_number(const struct opt_def *d, const char *v, void *f)
{
	uint64_t u, max = d->max ? d->max : UINT64_MAX;

	if (d->type == OPT_DOUBLE)
		return parse_double(v, d->max ? (double)d->max : 1e12, f);
	if (d->type == OPT_UNSIGNED && max > UINT32_MAX)
		max = UINT32_MAX;
	if (parse_u64(v, max, &u) || u < d->min)
		return -1;
	if (d->type == OPT_U64)
		*(uint64_t *)f = u;
	else
		*(unsigned *)f = (unsigned)u;
	return 0;
}

/* One value (from a flag or the environment) into target. */
static int apply(const struct opt_def *d, const char *v, void *target, const char *src,
		 struct otelsim_error *err)
{
	void *f = d->at ? field(target, d->at) : NULL;
	int rc = check_value(d, v, src, err);

	if (rc)
		return rc;
	switch (d->type) {
	case OPT_TRUE:
	case OPT_FALSE:
		*(bool *)f = d->type == OPT_TRUE;
		break;
	case OPT_INT_SET:
		*(int *)f = d->num;
		break;
	case OPT_INT_MAX:
		if (*(int *)f < d->num)
			*(int *)f = d->num;
		break;
	case OPT_STR:
		*(const char **)f = v;
		break;
	case OPT_STR_SET:
		*(const char **)f = d->text;
		break;
	case OPT_LIST:
	case OPT_CSV: {
		struct opt_list *l = f;
		size_t before = l->n;

		if (d->type == OPT_LIST ? list_push(l, v, strlen(v)) : list_push_csv(l, v))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		if (l->n == before) /* "" or ",": no item at all */
			return bad_value(d, v, src, err);
		break;
	}
	case OPT_PATHS:
		rc = list_push_paths(d, f, v, src, err);
		if (rc == OPT_BAD)
			return bad_value(d, v, src, err);
		if (rc)
			return rc;
		break;
	case OPT_U64:
	case OPT_UNSIGNED:
	case OPT_DOUBLE:
		if (apply_number(d, v, f))
			return bad_value(d, v, src, err);
		break;
	case OPT_CHOICE: {
		const struct opt_choice *c = d->choices;

		while (c->name && strcmp(c->name, v))
			c++;
		if (!c->name)
			return bad_value(d, v, src, err);
		*(int *)f = c->value;
		break;
	}
	case OPT_FUNC:
		rc = d->parse(d, v, target, src, err);
		if (rc == OPT_BAD)
			return bad_value(d, v, src, err);
		if (rc)
			return rc;
		break;
	default:
		break;
	}
	if (d->set)
		*(bool *)field(target, d->set) = true;
	return 0;
}

static const struct opt_def *find(const struct opt_table *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->nopts; i++) {
		const char *n = t->opts[i].name;

		if (n && strlen(n) == len && !strncmp(n, name, len))
			return &t->opts[i];
	}
	return NULL;
}

static int unknown_option(const struct opt_table *t, const char *name, size_t len,
			  struct otelsim_error *err)
{
	char given[128];
	struct suggest s;

	snprintf(given, sizeof(given), "%.*s", (int)(len < 100 ? len : 100), name);
	suggest_init(&s, given);
	for (size_t i = 0; i < t->nopts; i++)
		suggest_add(&s, t->opts[i].name);
	if (suggest_best(&s))
		return error_set(err, OTELSIM_EUSAGE,
				 "unknown option '--%s' (did you mean '--%s'?)", given,
				 suggest_best(&s));
	return error_set(err, OTELSIM_EUSAGE, "unknown option '--%s'", given);
}

static int find_command(const struct opt_table *t, const char *word, int *cmd,
			struct otelsim_error *err)
{
	struct suggest s;

	for (size_t k = 0; k < t->ncmds; k++) {
		if (!strcmp(word, t->cmds[k].name)) {
			*cmd = (int)k;
			return 0;
		}
	}
	suggest_init(&s, word);
	for (size_t k = 0; k < t->ncmds; k++)
		suggest_add(&s, t->cmds[k].name);
	if (suggest_best(&s))
		return error_set(err, OTELSIM_EUSAGE, "unknown command '%s' (did you mean '%s'?)",
				 word, suggest_best(&s));
	return error_set(err, OTELSIM_EUSAGE, "unknown command '%s'", word);
}

static int push_arg(struct opt_parsed *p, char *arg, struct otelsim_error *err)
{
	char **v = realloc(p->args, (p->nargs + 1) * sizeof(*p->args));

	if (!v)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	p->args = v;
	p->args[p->nargs++] = arg;
	return 0;
}

/* The row and value of the option word argv[*i] (moving *i past a separate value). */
static int read_option(const struct opt_table *t, int argc, char **argv, int *i,
		       const struct opt_def **d, const char **val, struct otelsim_error *err)
{
	const char *a = argv[*i] + 2, *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);

	*val = NULL;
	*d = find(t, a, len);
	if (!*d)
		return unknown_option(t, a, len, err);
	if ((*d)->arg) {
		if (eq)
			*val = eq + 1;
		else if (*i + 1 < argc)
			*val = argv[++*i];
		else
			return error_set(err, OTELSIM_EUSAGE, "option '--%s' needs a value (%s)",
					 (*d)->name, (*d)->arg);
	} else if (eq) {
		return error_set(err, OTELSIM_EUSAGE, "option '--%s' takes no value", (*d)->name);
	}
	return 0;
}

/*
 * First pass: the command, the positional words, --help and --version, and
 * every option name known (values are applied by the second pass).
 */
static int scan(const struct opt_table *t, int argc, char **argv, struct opt_parsed *p,
		struct otelsim_error *err)
{
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct opt_def *d;
		const char *val;
		int rc;

		if (a[0] != '-' || !a[1]) {
			if (t->ncmds && p->cmd < 0)
				rc = find_command(t, a, &p->cmd, err);
			else
				rc = push_arg(p, a, err);
			if (rc)
				return rc;
			continue;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc)
				if ((rc = push_arg(p, argv[i], err)))
					return rc;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "-V")) {
			p->help |= a[1] == 'h';
			p->version |= a[1] == 'V';
			continue;
		}
		if (a[1] != '-')
			return error_set(err, OTELSIM_EUSAGE,
					 "unknown option '%s' (options are spelled --name)", a);
		if ((rc = read_option(t, argc, argv, &i, &d, &val, err)))
			return rc;
		p->help |= d->type == OPT_HELP;
		p->version |= d->type == OPT_VERSION;
	}
	return 0;
}

static unsigned cmd_bit(const struct opt_parsed *p)
{
	return p->cmd >= 0 ? 1u << p->cmd : 0;
}

static bool applies(const struct opt_def *d, const struct opt_parsed *p)
{
	return !d->cmds || p->cmd < 0 || (d->cmds & cmd_bit(p));
}

/* Second pass: every option value, in command-line order. */
static int apply_flags(const struct opt_table *t, int argc, char **argv, void *target,
		       struct opt_parsed *p, struct otelsim_error *err)
{
	for (int i = 1; i < argc; i++) {
		const struct opt_def *d;
		const char *val;
		char src[160];
		int rc;

		if (!strcmp(argv[i], "--"))
			break;
		if (argv[i][0] != '-' || argv[i][1] != '-')
			continue;
		if ((rc = read_option(t, argc, argv, &i, &d, &val, err)))
			return rc;
		if (!applies(d, p))
			return error_set(err, OTELSIM_EUSAGE,
					 "option '--%s' does not apply to '%s'", d->name,
					 t->cmds[p->cmd].name);
		snprintf(src, sizeof(src), "--%s", d->name);
		if ((rc = apply(d, val ? val : "", target, src, err)))
			return rc;
		p->from[d - t->opts] = OPT_FROM_FLAG;
	}
	return 0;
}

/* Set from the command line: this row, or another filling the same field. */
static bool given(const struct opt_table *t, const struct opt_parsed *p, const struct opt_def *d)
{
	for (size_t k = 0; k < t->nopts; k++)
		if (p->from[k] == OPT_FROM_FLAG &&
		    (&t->opts[k] == d || (d->at && t->opts[k].at == d->at)))
			return true;
	return false;
}

static int apply_env(const struct opt_table *t, void *target, struct opt_parsed *p,
		     struct otelsim_error *err)
{
	for (size_t k = 0; k < t->nopts; k++) {
		const struct opt_def *d = &t->opts[k];

		if (!d->name || (d->flags & OPTF_ENV_ELSEWHERE) || !applies(d, p) || given(t, p, d))
			continue;
		if (d->env_not_with && opt_source(t, p, d->env_not_with) != OPT_UNSET)
			continue;
		for (size_t e = 0; e < 4 && d->env[e]; e++) {
			const char *v = getenv(d->env[e]);
			char src[160];
			int rc;

			if (!v || !*v)
				continue;
			snprintf(src, sizeof(src), "%s (environment)", d->env[e]);
			if (!d->arg) { /* a flag: the variable holds a boolean */
				int b = env_bool(v);

				if (b < 0)
					return error_set(err, OTELSIM_EUSAGE,
							 "%s: expected 1 or 0 (true/false, yes/no, "
							 "on/off), got '%s'",
							 src, v);
				if (!b)
					break;
			}
			if ((rc = apply(d, d->arg ? v : "", target, src, err)))
				return rc;
			p->from[k] = OPT_FROM_ENV;
			break;
		}
	}
	return 0;
}

int opt_parse(const struct opt_table *t, int argc, char **argv, void *target,
	      struct opt_parsed *out, struct otelsim_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->cmd = -1;
	if ((rc = util_text_init(err)))
		return rc;
	if (t->nopts > OPT_MAX_OPTIONS)
		return error_set(err, OTELSIM_EINTERNAL, "more than %d options in the table",
				 OPT_MAX_OPTIONS);
	if ((rc = scan(t, argc, argv, out, err)))
		return rc;
	if (out->help || out->version)
		return 0;
	if ((rc = apply_flags(t, argc, argv, target, out, err)))
		return rc;
	return apply_env(t, target, out, err);
}

int opt_source(const struct opt_table *t, const struct opt_parsed *p, const char *name)
{
	const struct opt_def *d = find(t, name, strlen(name));

	return d ? p->from[d - t->opts] : OPT_UNSET;
}

/*
 * text from column col (padding up to it), wrapped at 79 columns with
 * continuation lines indented to col; line_start: where the line began in o
 */
static int wrap(struct strbuf *o, size_t line_start, size_t col, const char *text)
{
	const size_t width = 79;
	bool first = true;
	int rc = 0;

	if (o->len - line_start < col)
		rc |= strbuf_addf(o, "%*s", (int)(col - (o->len - line_start)), "");
	while (*text && !rc) {
		size_t w = strcspn(text, " "), pos = o->len - line_start;

		if (!first && pos + 1 + w > width) {
			rc |= strbuf_addf(o, "\n%*s", (int)col, "");
			line_start = o->len - col;
		} else if (!first) {
			rc |= strbuf_addch(o, ' ');
		}
		rc |= strbuf_add(o, text, w);
		first = false;
		text += w;
		while (*text == ' ')
			text++;
	}
	return rc;
}

/* One row: "  --name ARG", its help from column 30, its variables under it. */
static int help_row(const struct opt_def *d, struct strbuf *o)
{
	const size_t col = 30;
	size_t start = o->len;
	char env[320] = "env:";
	int rc = 0;

	for (size_t e = 0; e < 4 && d->env[e]; e++) {
		size_t n = strlen(env);

		snprintf(env + n, sizeof(env) - n, "%s %s", e ? "," : "", d->env[e]);
	}
	if (d->name)
		rc |= strbuf_addf(o, "  --%s%s%s", d->name, d->arg ? " " : "",
				  d->arg ? d->arg : "");
	else /* an environment-only row: its variables where an option's name goes */
		rc |= wrap(o, start, 2, env + 5);
	while (strchr(o->buf + start, '\n'))
		start = (size_t)(strchr(o->buf + start, '\n') - o->buf) + 1;
	if (o->len - start >= col) {
		rc |= strbuf_addch(o, '\n');
		start = o->len;
	}
	rc |= wrap(o, start, col, d->help);
	rc |= strbuf_addch(o, '\n');
	if (d->name && d->env[0]) {
		start = o->len;
		rc |= wrap(o, start, col, env);
		rc |= strbuf_addch(o, '\n');
	}
	return rc;
}

int opt_help(const struct opt_table *t, unsigned cmd_bits, struct strbuf *out)
{
	int rc = 0;

	for (size_t i = 0; i < t->nopts && !rc; i++) {
		const struct opt_def *d = &t->opts[i];

		if (!d->help)
			continue; /* an alias, named in its option's help */
		if (cmd_bits && t->ncmds && d->cmds && !(d->cmds & cmd_bits))
			continue;
		rc = help_row(d, out);
	}
	return rc ? -1 : 0;
}

void opt_release(const struct opt_table *t, void *target, struct opt_parsed *p)
{
	for (size_t i = 0; target && i < t->nopts; i++) {
		const struct opt_def *d = &t->opts[i];
		struct opt_list *l;
		bool shared = false;

		if ((d->type != OPT_LIST && d->type != OPT_CSV && d->type != OPT_PATHS) || !d->at)
			continue;
		for (size_t k = 0; k < i; k++)
			shared |= t->opts[k].at == d->at &&
				  (t->opts[k].type == OPT_LIST || t->opts[k].type == OPT_CSV ||
				   t->opts[k].type == OPT_PATHS);
		if (shared)
			continue; /* freed with the first row filling it */
		l = field(target, d->at);
		for (size_t k = 0; k < l->n; k++)
			free(l->v[k]);
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
	if (p) {
		free(p->args);
		p->args = NULL;
		p->nargs = 0;
	}
}
