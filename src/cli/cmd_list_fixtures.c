/*
 * otelsim list-fixtures [DIR]: the datasets below DIR (default --out, else
 * out), one line each, from their manifest.json: the folder (relative to
 * DIR), the signals it holds, its counts and its first and last times.
 * Exit 2 when DIR is not a folder or holds no dataset, 1 when a manifest
 * cannot be read.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/dir.h"
#include "util/error.h"
#include "util/strbuf.h"

#define MANIFEST_MAX (16u * 1024u * 1024u)

static bool want(void *ctx, const char *name, bool is_dir)
{
	(void)ctx;
	return is_dir || !strcmp(name, "manifest.json");
}

static int slurp(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return -1;
	while (!rc && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = out->len + n > MANIFEST_MAX || strbuf_add(out, buf, n) ? -1 : 0;
	if (ferror(f))
		rc = -1;
	fclose(f);
	return rc;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

/* "traces,metrics,logs,events": the signals of its files, in manifest order, once each. */
static void signals(const cJSON *m, char *buf, size_t size)
{
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(m, "files"), *f;
	size_t len = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(f, files)
	{
		const char *s = str(f, "signal");

		if (!strcmp(s, "-") || strstr(buf, s))
			continue;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
					len ? "," : "", s);
		if (len >= size)
			break;
	}
	if (!buf[0])
		snprintf(buf, size, "-");
}

/* One dataset's line; -1 when its manifest is not one. */
static int print_one(const char *root, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	const cJSON *counts;
	cJSON *m = NULL;
	char dir[4096], sig[64];
	size_t rl = strlen(root), pl = strlen(path) - strlen("/manifest.json");
	int rc = -1;

	if (!slurp(path, &text) && !strbuf_add(&text, "", 1))
		m = cJSON_Parse(text.buf);
	if (m && cJSON_IsObject(m)) {
		counts = cJSON_GetObjectItemCaseSensitive(m, "counts");
		if (pl > rl + 1)
			snprintf(dir, sizeof(dir), "%.*s", (int)(pl - rl - 1), path + rl + 1);
		else
			snprintf(dir, sizeof(dir), ".");
		signals(m, sig, sizeof(sig));
		printf("%-28s %-27s %9.0f %10.0f %9.0f %7.0f %9.0f  %s  %s\n", dir, sig,
		       num(counts, "traces"), num(counts, "spans"), num(counts, "log_records"),
		       num(counts, "events"), num(counts, "data_points"), str(m, "first_span_start"),
		       str(m, "end"));
		rc = 0;
	}
	cJSON_Delete(m);
	strbuf_release(&text);
	return rc;
}

int cmd_list_fixtures(struct cli *c)
{
	const char *root = c->nargs ? c->args[0] : c->out ? c->out : "out";
	struct dir_walk w = { "the fixtures folder", want, NULL };
	struct dir_list found = { 0 }, skipped = { 0 };
	struct otelsim_error err;
	size_t n = 0;
	int rc;

	if (c->nargs > 1) {
		cli_usage_error(c, "list-fixtures takes one folder");
		return EXIT_USAGE;
	}
	memset(&err, 0, sizeof(err));
	rc = dir_walk(root, &w, &found, &skipped, &err);
	if (rc) {
		dir_list_release(&found);
		dir_list_release(&skipped);
		return cli_fail(c, &err);
	}
	for (size_t i = 0; i < found.n && rc == 0; i++) {
		if (!n++)
			printf("%-28s %-27s %9s %10s %9s %7s %9s  %-30s  %s\n", "DATASET", "SIGNALS",
			       "TRACES", "SPANS", "LOGS", "EVENTS", "POINTS", "START", "END");
		if (print_one(root, found.v[i])) {
			fprintf(stderr, "%s: %s: not a manifest otelsim can read\n", c->prog,
				found.v[i]);
			rc = EXIT_RUNTIME;
		}
	}
	dir_list_release(&found);
	dir_list_release(&skipped);
	if (!rc && !n) {
		fprintf(stderr, "%s: no datasets below %s (render some: otelsim render --out %s)\n",
			c->prog, root, root);
		return EXIT_USAGE;
	}
	return rc;
}
