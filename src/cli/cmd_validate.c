/*
 * otelsim validate [PATH...]: load scenario files without rendering and
 * report every bad one. Folders are walked as `run` walks the scenarios
 * folder (load_list_files). Exit 2 when a file is invalid, 1 when a file
 * could not be checked at all (read or memory failure), else 0.
 *
 * Each file is loaded on its own (with the config and conventions) so one
 * bad file does not hide the next; the public loader takes a whole project
 * at a time, so the config and conventions are read again for each file
 * (about 1 ms per file with the bundled conventions).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "load/load.h"

struct tally {
	size_t checked; /* files and registries looked at */
	size_t invalid; /* the user's files are wrong: exit 2 */
	size_t failed;  /* the machine failed us: exit 1 */
};

static void count(struct tally *t, int status)
{
	if (status == EXIT_RUNTIME)
		t->failed++;
	else if (status)
		t->invalid++;
}

/* Check a config file or a conventions registry (file or folder) in place of the bundled one. */
static void check_other(struct cli *c, const char *path, int kind, size_t nfiles, struct tally *t)
{
	static const char *const none[1] = { NULL };
	struct cli cc = *c;
	struct otelsim *os;
	char *one[1] = { (char *)path };
	int rc;

	if (kind == LOAD_KIND_CONFIG) {
		cc.config = path;
	} else { /* this registry alone after the bundled one (no --semconv) */
		cc.semconv.v = one;
		cc.semconv.n = 1;
	}

	t->checked += nfiles; /* a registry folder: each of its files */
	rc = cli_load(&cc, none, 0, &os);
	if (rc)
		count(t, rc);
	else
		otelsim_free(os);
}

/* A folder that is a conventions registry rather than scenarios. */
static int is_registry(const char *dir, const struct load_files *yaml)
{
	char manifest[4096];
	struct stat st;

	snprintf(manifest, sizeof(manifest), "%s/manifest.yaml", dir);
	if (!stat(manifest, &st))
		return 1;
	return yaml->n && load_file_kind(yaml->paths[0]) == LOAD_KIND_CONVENTIONS;
}

/* The scenario files of one command-line argument, appended to *files; a
 * config file or a registry is checked at once. */
static void collect(struct cli *c, const char *arg, struct load_files *files, struct tally *t)
{
	struct otelsim_error err;
	struct stat st;

	memset(&err, 0, sizeof(err));
	if (stat(arg, &st)) {
		t->checked++;
		if (errno == ENOENT || errno == ENOTDIR) {
			fprintf(stderr, "%s: %s: no such file or folder\n", c->prog, arg);
			t->invalid++;
		} else {
			fprintf(stderr, "%s: %s: cannot read: %s\n", c->prog, arg, strerror(errno));
			t->failed++;
		}
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		struct load_files here = { 0 };

		if (load_list_files(arg, &here, &err)) {
			t->checked++;
			count(t, cli_fail(c, &err));
			load_files_release(&here);
			return;
		}
		for (size_t i = 0; i < here.skipped.n && !c->quiet; i++)
			fprintf(stderr,
				"%s: warning: %s: skipped: not a regular file (a FIFO, socket or "
				"device)\n",
				c->prog, here.skipped.v[i]);
		if (is_registry(arg, &here)) {
			check_other(c, arg, LOAD_KIND_CONVENTIONS, here.n, t);
		} else {
			/* a folder of scenarios, or one holding the config (config/) */
			for (size_t i = 0; i < here.n; i++) {
				if (load_file_kind(here.paths[i]) == LOAD_KIND_CONFIG)
					check_other(c, here.paths[i], LOAD_KIND_CONFIG, 1, t);
				else if (load_files_add(files, here.paths[i]))
					t->failed++;
			}
		}
		load_files_release(&here);
		return;
	}
	switch (load_file_kind(arg)) {
	case LOAD_KIND_CONFIG:
		check_other(c, arg, LOAD_KIND_CONFIG, 1, t);
		break;
	case LOAD_KIND_CONVENTIONS:
		check_other(c, arg, LOAD_KIND_CONVENTIONS, 1, t);
		break;
	default:
		if (load_files_add(files, arg)) {
			fprintf(stderr, "%s: out of memory\n", c->prog);
			t->failed++;
		}
	}
}

int cmd_validate(struct cli *c)
{
	struct load_files files = { 0 };
	struct tally t = { 0, 0, 0 };
	struct otelsim *os;
	int rc;
	static const char *const none[1] = { NULL };

	/* the config and conventions first: every scenario depends on them */
	rc = cli_load(c, none, 0, &os);
	if (rc)
		return rc;
	otelsim_free(os);
	if (!c->nargs) {
		/* the whole project, as `run` would load it */
		rc = cli_load(c, NULL, 0, &os);
		if (!rc) {
			if (!c->quiet)
				fprintf(stderr,
					"%s: %zu scenario%s valid, with the config and "
					"conventions\n",
					c->prog, otelsim_scenario_count(os),
					otelsim_scenario_count(os) == 1 ? "" : "s");
			otelsim_free(os);
		}
		return rc;
	}
	for (size_t i = 0; i < c->nargs; i++)
		collect(c, c->args[i], &files, &t);
	for (size_t i = 0; i < files.n; i++) {
		const char *one[1] = { files.paths[i] };

		t.checked++;
		rc = cli_load(c, one, 1, &os);
		if (rc)
			count(&t, rc);
		else
			otelsim_free(os);
	}
	/* together, as `run` would load them: names used twice, across files */
	if (files.n > 1 && !t.invalid && !t.failed) {
		rc = cli_load(c, (const char *const *)files.paths, files.n, &os);
		if (rc)
			count(&t, rc);
		else
			otelsim_free(os);
	}
	if (!c->quiet) {
		if (t.failed)
			fprintf(stderr,
				"%s: %zu file%s checked, %zu invalid, %zu could not be checked\n",
				c->prog, t.checked, t.checked == 1 ? "" : "s", t.invalid, t.failed);
		else
			fprintf(stderr, "%s: %zu file%s checked, %zu invalid\n", c->prog, t.checked,
				t.checked == 1 ? "" : "s", t.invalid);
	}
	load_files_release(&files);
	return t.failed ? EXIT_RUNTIME : t.invalid ? EXIT_USAGE : EXIT_OK;
}
