#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

struct list {
	char **v;
	size_t n;
};

static int is_yaml(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '_' && name[0] != '.' &&
	       ((n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add(struct list *l, const char *path)
{
	char **p = realloc(l->v, (l->n + 1) * sizeof(*p));

	if (!p)
		return -1;
	l->v = p;
	l->v[l->n] = strdup(path);
	return l->v[l->n++] ? 0 : -1;
}

/* every scenario file below dir, sorted */
static int walk(const char *dir, struct list *l)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct list here = { NULL, 0 };
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			rc |= add(&here, e->d_name);
	closedir(d);
	if (here.n)  /* an empty folder: here.v is NULL, which qsort may not take */
		qsort(here.v, here.n, sizeof(*here.v), cmp_str);
	for (size_t i = 0; i < here.n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, here.v[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc |= walk(path, l);
		else if (is_yaml(here.v[i]))
			rc |= add(l, path);
		free(here.v[i]);
	}
	free(here.v);
	return rc;
}

int cmd_validate(struct cli *c)
{
	struct list files = { NULL, 0 };
	struct otelsim *os;
	size_t bad = 0;
	int rc = 0;
	static const char *const none[1] = { NULL };

	/* the config and conventions first: every scenario depends on them */
	rc = cli_load(c, none, 0, &os);
	if (rc)
		return rc;
	otelsim_free(os);
	for (size_t i = 0; i < c->nargs; i++) {
		struct stat st;

		if (stat(c->args[i], &st)) {
			fprintf(stderr, "%s: %s: no such file or folder\n", c->prog, c->args[i]);
			bad++;
			continue;
		}
		if (S_ISDIR(st.st_mode) ? walk(c->args[i], &files) : add(&files, c->args[i])) {
			fprintf(stderr, "%s: %s: cannot read\n", c->prog, c->args[i]);
			bad++;
		}
	}
	if (!c->nargs) {
		/* the whole project, as `run` would load it */
		rc = cli_load(c, NULL, 0, &os);
		if (!rc) {
			if (!c->quiet)
				fprintf(stderr, "%s: %zu scenarios valid\n", c->prog, otelsim_scenario_count(os));
			otelsim_free(os);
		}
		return rc;
	}
	for (size_t i = 0; i < files.n; i++) {
		const char *one[1] = { files.v[i] };

		if (cli_load(c, one, 1, &os)) {
			bad++;
			continue;
		}
		otelsim_free(os);
	}
	if (!c->quiet)
		fprintf(stderr, "%s: %zu files checked, %zu invalid\n", c->prog, files.n, bad);
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	return bad ? EXIT_USAGE : EXIT_OK;
}
