#include "read/manifest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/sha256.h"
#include "util/strbuf.h"

#define MANIFEST_MAX (16u * 1024u * 1024u)

static int read_text(const char *path, struct strbuf *out, bool *found, struct otelsim_error *err)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;
	int rc = 0;

	*found = f != NULL;
	if (!f)
		return errno == ENOENT ? 0
				       : error_set(err, OTELSIM_EINPUT, "cannot open '%s': %s",
						   path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (strbuf_add(out, buf, n)) {
			rc = out->len + n > out->max
				     ? error_at(err, OTELSIM_ELIMIT, path, 0, 0,
						"manifest over 16 MiB")
				     : error_set(err, OTELSIM_ENOMEM, "out of memory");
			break;
		}
	}
	if (!rc && ferror(f))
		rc = error_at(err, OTELSIM_EINPUT, path, 0, 0, "cannot read: %s", strerror(errno));
	fclose(f);
	return rc;
}

/* A string member (NULL when absent); *bad when not a string, *oom when strdup fails. */
static char *dup_string(const cJSON *o, const char *key, bool *bad, bool *oom)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *s;

	if (!v || cJSON_IsNull(v))
		return NULL;
	if (!cJSON_IsString(v)) {
		*bad = true;
		return NULL;
	}
	s = strdup(v->valuestring);
	if (!s)
		*oom = true;
	return s;
}

int manifest_load(const char *dir, struct manifest *m, bool *found, struct otelsim_error *err)
{
	struct strbuf text = STRBUF_INIT, path = STRBUF_INIT;
	cJSON *root = NULL;
	const cJSON *replay, *files, *f;
	bool bad = false, oom = false;
	int rc;

	memset(m, 0, sizeof(*m));
	strbuf_init(&text, MANIFEST_MAX);
	if (strbuf_addf(&path, "%s/manifest.json", dir)) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	rc = read_text(path.buf, &text, found, err);
	if (rc || !*found)
		goto cleanup;
	root = cJSON_ParseWithLength(text.buf ? text.buf : "", text.len);
	if (!root || !cJSON_IsObject(root)) {
		rc = error_at(err, OTELSIM_EINPUT, path.buf, 0, 0, "not a JSON object");
		goto cleanup;
	}
	m->dir = strdup(dir);
	if (!m->dir) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	replay = cJSON_GetObjectItemCaseSensitive(root, "replay");
	if (cJSON_IsObject(replay)) {
		const cJSON *bs = cJSON_GetObjectItemCaseSensitive(replay, "batch_size");

		m->endpoint = dup_string(replay, "endpoint", &bad, &oom);
		m->protocol = dup_string(replay, "protocol", &bad, &oom);
		if (bs && !cJSON_IsNull(bs)) {
			if (!cJSON_IsNumber(bs) || bs->valuedouble < 0 || bs->valuedouble > 1e12 ||
			    bs->valuedouble != (double)(uint64_t)bs->valuedouble)
				bad = true;
			else
				m->batch_size = (uint64_t)bs->valuedouble;
		}
	}
	files = cJSON_GetObjectItemCaseSensitive(root, "files");
	if (cJSON_IsArray(files)) {
		size_t n = (size_t)cJSON_GetArraySize(files), i = 0;

		m->files = calloc(n ? n : 1, sizeof(*m->files));
		if (!m->files) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		cJSON_ArrayForEach(f, files)
		{
			if (!cJSON_IsObject(f)) {
				bad = true;
				break;
			}
			m->files[i].name = dup_string(f, "name", &bad, &oom);
			m->files[i].sha256 = dup_string(f, "sha256", &bad, &oom);
			if (oom || !m->files[i].name || strstr(m->files[i].name, "..")) {
				bad = true;
				free(m->files[i].name);
				free(m->files[i].sha256);
				break;
			}
			i++;
		}
		m->nfiles = i;
	} else if (files) {
		bad = true;
	}
	/* a failed strdup must not pass for "no checksum" or "no endpoint" */
	if (oom)
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
	else if (bad)
		rc = error_at(err, OTELSIM_EINPUT, path.buf, 0, 0,
			      "unexpected value in 'replay' or 'files' (an otelsim manifest?)");
cleanup:
	cJSON_Delete(root);
	strbuf_release(&text);
	strbuf_release(&path);
	if (rc)
		manifest_release(m);
	return rc;
}

int manifest_verify(const struct manifest *m, struct otelsim_error *err)
{
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < m->nfiles && !rc; i++) {
		char hex[65];

		if (!m->files[i].sha256)
			continue;
		strbuf_reset(&path);
		if (strbuf_addf(&path, "%s/%s", m->dir, m->files[i].name)) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			break;
		}
		if (sha256_file_hex(path.buf, hex) != 0)
			rc = error_at(err, OTELSIM_EIO, path.buf, 0, 0,
				      "listed in the manifest but cannot be read");
		else if (strcasecmp(hex, m->files[i].sha256) != 0)
			rc = error_at(err, OTELSIM_EIO, path.buf, 0, 0,
				      "SHA-256 differs from the manifest's (the file changed "
				      "after it was written; --no-verify to send it anyway)");
	}
	strbuf_release(&path);
	return rc;
}

const struct manifest_file *manifest_find(const struct manifest *m, const char *path)
{
	size_t dl = strlen(m->dir);

	if (strncmp(path, m->dir, dl) != 0)
		return NULL;
	path += dl;
	while (*path == '/')
		path++;
	for (size_t i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].name, path) == 0)
			return &m->files[i];
	return NULL;
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		free(m->files[i].name);
		free(m->files[i].sha256);
	}
	free(m->files);
	free(m->dir);
	free(m->endpoint);
	free(m->protocol);
	memset(m, 0, sizeof(*m));
}
