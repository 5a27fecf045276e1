/*
 * The --resume state: per input file, how far everything is acknowledged
 * (a record and a leaf - span, data point or log record - within it), plus
 * what must stay the same for the rest to fit what was sent: the inputs
 * (path and size), the options that change the items (fingerprint), the
 * id seed and the time shift of the pass in progress.
 *
 * Written to "<state>.tmp" and renamed over the state, so a process killed
 * at any moment (SIGKILL included) leaves either the old or the new state,
 * never a torn one; fsync'd at least once a second and at the end, which
 * only matters when the machine itself goes down.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

static void json_str(struct strbuf *o, const char *s)
{
	strbuf_addch(o, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			strbuf_addf(o, "\\%c", c);
		else if (c < 0x20)
			strbuf_addf(o, "\\u%04x", c);
		else
			strbuf_addch(o, (char)c);
	}
	strbuf_addch(o, '"');
}

static int get_u64(const cJSON *o, const char *key, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *end;

	if (!cJSON_IsString(v) || !v->valuestring[0])
		return -1;
	errno = 0;
	*out = strtoull(v->valuestring, &end, 10);
	return errno || *end ? -1 : 0;
}

static uint64_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static int fresh(struct state *st, char *const *inputs, size_t n)
{
	st->inputs = calloc(n ? n : 1, sizeof(*st->inputs));
	if (!st->inputs)
		return -1;
	st->ninputs = n;
	for (size_t i = 0; i < n; i++) {
		st->inputs[i].path = strdup(inputs[i]);
		if (!st->inputs[i].path)
			return -1;
		st->inputs[i].size = file_size(inputs[i]);
	}
	return 0;
}

static int load(struct state *st, const char *text, size_t len, char *const *inputs, size_t n,
		struct otelsim_error *err)
{
	cJSON *root = cJSON_ParseWithLength(text, len);
	const cJSON *fp, *arr, *it, *complete, *shift;
	uint64_t v;
	size_t i = 0;
	int rc = 0;

	if (!root || !cJSON_IsObject(root)) {
		rc = error_at(err, OTELSIM_EINPUT, st->path, 0, 0,
			      "not an otlp-replay resume state (invalid JSON)");
		goto cleanup;
	}
	fp = cJSON_GetObjectItemCaseSensitive(root, "fingerprint");
	arr = cJSON_GetObjectItemCaseSensitive(root, "inputs");
	if (!cJSON_IsString(fp) || !cJSON_IsArray(arr) || get_u64(root, "seed", &st->seed) ||
	    get_u64(root, "pass", &st->pass)) {
		rc = error_at(err, OTELSIM_EINPUT, st->path, 0, 0,
			      "not an otlp-replay resume state");
		goto cleanup;
	}
	if (!fp->valuestring || strcmp(fp->valuestring, st->fingerprint) != 0) {
		rc = error_at(err, OTELSIM_EUSAGE, st->path, 0, 0,
			      "was written with other options (%s; now %s): use the same options, "
			      "or another state file to start over",
			      fp->valuestring, st->fingerprint);
		goto cleanup;
	}
	if ((size_t)cJSON_GetArraySize(arr) != n) {
		rc = error_at(err, OTELSIM_EUSAGE, st->path, 0, 0,
			      "was written for %d input files, not %zu: give the same inputs",
			      cJSON_GetArraySize(arr), n);
		goto cleanup;
	}
	if (fresh(st, inputs, n)) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	cJSON_ArrayForEach(it, arr)
	{
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "path");
		const cJSON *done = cJSON_GetObjectItemCaseSensitive(it, "done");
		struct state_input *in = &st->inputs[i];

		if (!cJSON_IsString(p) || get_u64(it, "size", &v) || get_u64(it, "record", &in->record) ||
		    get_u64(it, "leaf", &in->leaf)) {
			rc = error_at(err, OTELSIM_EINPUT, st->path, 0, 0,
				      "not an otlp-replay resume state");
			goto cleanup;
		}
		if (!p->valuestring || !in->path || strcmp(p->valuestring, in->path) != 0 ||
		    v != in->size) {
			rc = error_at(err, OTELSIM_EUSAGE, st->path, 0, 0,
				      "input %zu was '%s' of %llu bytes, now '%s' of %llu: give "
				      "the same, unchanged inputs",
				      i + 1, p->valuestring, (unsigned long long)v, in->path,
				      (unsigned long long)in->size);
			goto cleanup;
		}
		in->done = cJSON_IsTrue(done);
		i++;
	}
	complete = cJSON_GetObjectItemCaseSensitive(root, "complete");
	st->complete = cJSON_IsTrue(complete);
	shift = cJSON_GetObjectItemCaseSensitive(root, "shift_ns");
	if (cJSON_IsString(shift)) {
		char *end;

		errno = 0;
		st->shift_ns = strtoll(shift->valuestring, &end, 10);
		st->shift_known = !errno && !*end;
	}
cleanup:
	cJSON_Delete(root);
	return rc;
}

int state_open(struct state *st, const char *path, const char *fingerprint,
	       char *const *inputs, size_t ninputs, bool *found, struct otelsim_error *err)
{
	struct strbuf text = STRBUF_INIT;
	char buf[65536];
	FILE *f;
	size_t n;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	*found = false;
	st->path = strdup(path);
	st->fingerprint = strdup(fingerprint);
	if (!st->path || !st->fingerprint)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	f = fopen(path, "rb");
	if (!f) {
		if (errno != ENOENT)
			return error_set(err, OTELSIM_EINPUT, "cannot open '%s': %s", path,
					 strerror(errno));
		if (fresh(st, inputs, ninputs))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		return 0;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (strbuf_add(&text, buf, n)) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			break;
		}
	fclose(f);
	if (!rc)
		rc = load(st, text.buf ? text.buf : "", text.len, inputs, ninputs, err);
	strbuf_release(&text);
	*found = rc == 0;
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int state_save(struct state *st, bool sync, struct otelsim_error *err)
{
	struct strbuf o = STRBUF_INIT, tmp = STRBUF_INIT;
	int64_t now = time_mono_ns();
	int fd = -1, rc = 0;

	if (now - st->last_sync_ns >= 1000000000)
		sync = true;
	strbuf_addstr(&o, "{\n  \"version\": 1,\n  \"tool\": \"otlp-replay\",\n  \"fingerprint\": ");
	json_str(&o, st->fingerprint);
	strbuf_addf(&o, ",\n  \"seed\": \"%llu\",\n  \"pass\": \"%llu\",\n  \"shift_ns\": ",
		    (unsigned long long)st->seed, (unsigned long long)st->pass);
	if (st->shift_known)
		strbuf_addf(&o, "\"%lld\"", (long long)st->shift_ns);
	else
		strbuf_addstr(&o, "null");
	strbuf_addf(&o, ",\n  \"complete\": %s,\n  \"inputs\": [", st->complete ? "true" : "false");
	for (size_t i = 0; i < st->ninputs; i++) {
		const struct state_input *in = &st->inputs[i];

		strbuf_addstr(&o, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		json_str(&o, in->path);
		strbuf_addf(&o, ", \"size\": \"%llu\", \"record\": \"%llu\", \"leaf\": \"%llu\", "
				"\"done\": %s}",
			    (unsigned long long)in->size, (unsigned long long)in->record,
			    (unsigned long long)in->leaf, in->done ? "true" : "false");
	}
	if (strbuf_addstr(&o, "\n  ]\n}\n") || strbuf_addf(&tmp, "%s.tmp", st->path)) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write_all(fd, o.buf, o.len) || (sync && fsync(fd))) {
		rc = error_set(err, OTELSIM_EIO, "cannot write '%s': %s", tmp.buf, strerror(errno));
		goto cleanup;
	}
	close(fd);
	fd = -1;
	if (rename(tmp.buf, st->path)) {
		rc = error_set(err, OTELSIM_EIO, "cannot rename '%s' to '%s': %s", tmp.buf, st->path,
			       strerror(errno));
		goto cleanup;
	}
	if (sync) {
		char *d = strdup(st->path);
		int dfd = d ? open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(d);
		st->last_sync_ns = now;
	}
cleanup:
	if (fd >= 0)
		close(fd);
	strbuf_release(&o);
	strbuf_release(&tmp);
	return rc;
}

void state_release(struct state *st)
{
	for (size_t i = 0; i < st->ninputs; i++)
		free(st->inputs[i].path);
	free(st->inputs);
	free(st->path);
	free(st->fingerprint);
	memset(st, 0, sizeof(*st));
}
