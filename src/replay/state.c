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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "replay/replay_int.h"
#include "util/error.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

/* Decimal digits only: strtoull would take "-1" as UINT64_MAX, " 7" and "+7". */
static int parse_digits(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int get_u64(const cJSON *o, const char *key, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? parse_digits(v->valuestring, out) : -1;
}

/* "-123" or "123" within int64_t. */
static int parse_i64(const char *s, int64_t *out)
{
	bool neg = s && *s == '-';
	uint64_t mag;

	if (!s || parse_digits(s + neg, &mag) || mag > (uint64_t)INT64_MAX + neg)
		return -1;
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
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

		if (!cJSON_IsString(p) || get_u64(it, "size", &v) ||
		    get_u64(it, "record", &in->record) || get_u64(it, "leaf", &in->leaf)) {
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
		if (parse_i64(shift->valuestring, &st->shift_ns)) {
			rc = error_at(err, OTELSIM_EINPUT, st->path, 0, 0,
				      "not an otlp-replay resume state (shift_ns)");
			goto cleanup;
		}
		st->shift_known = true;
	} else if (shift && !cJSON_IsNull(shift)) {
		rc = error_at(err, OTELSIM_EINPUT, st->path, 0, 0,
			      "not an otlp-replay resume state (shift_ns)");
		goto cleanup;
	}
cleanup:
	cJSON_Delete(root);
	return rc;
}

int state_open(struct state *st, const char *path, const char *fingerprint, char *const *inputs,
	       size_t ninputs, bool *found, struct otelsim_error *err)
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
	if (!st->path || !st->fingerprint) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	f = fopen(path, "rb");
	if (!f) {
		if (errno != ENOENT)
			rc = error_set(err, OTELSIM_EINPUT, "cannot open '%s': %s", path,
				       strerror(errno));
		else if (fresh(st, inputs, ninputs))
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (strbuf_add(&text, buf, n)) {
			rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
			break;
		}
	}
	if (!rc && ferror(f))
		rc = error_at(err, OTELSIM_EINPUT, path, 0, 0, "cannot read: %s", strerror(errno));
	fclose(f);
	if (!rc)
		rc = load(st, text.buf ? text.buf : "", text.len, inputs, ninputs, err);
	*found = rc == 0;
cleanup:
	strbuf_release(&text);
	if (rc)
		state_release(st); /* nothing half-made is left for the caller */
	return rc;
}

int state_save(struct state *st, bool sync, struct otelsim_error *err)
{
	struct strbuf o = STRBUF_INIT;
	int64_t now = time_mono_ns();
	int bad, rc;

	if (now - st->last_sync_ns >= 1000000000)
		sync = true;
	bad = strbuf_addstr(
		&o, "{\n  \"version\": 1,\n  \"tool\": \"otlp-replay\",\n  \"fingerprint\": ");
	bad |= jsonw_add_str(&o, st->fingerprint, strlen(st->fingerprint));
	bad |= strbuf_addf(&o, ",\n  \"seed\": \"%llu\",\n  \"pass\": \"%llu\",\n  \"shift_ns\": ",
			   (unsigned long long)st->seed, (unsigned long long)st->pass);
	if (st->shift_known)
		bad |= strbuf_addf(&o, "\"%lld\"", (long long)st->shift_ns);
	else
		bad |= strbuf_addstr(&o, "null");
	bad |= strbuf_addf(&o, ",\n  \"complete\": %s,\n  \"inputs\": [",
			   st->complete ? "true" : "false");
	for (size_t i = 0; i < st->ninputs; i++) {
		const struct state_input *in = &st->inputs[i];

		bad |= strbuf_addstr(&o, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
		bad |= jsonw_add_str(&o, in->path, strlen(in->path));
		bad |= strbuf_addf(
			&o,
			", \"size\": \"%llu\", \"record\": \"%llu\", \"leaf\": \"%llu\", "
			"\"done\": %s}",
			(unsigned long long)in->size, (unsigned long long)in->record,
			(unsigned long long)in->leaf, in->done ? "true" : "false");
	}
	bad |= strbuf_addstr(&o, "\n  ]\n}\n");
	if (bad) {
		strbuf_release(&o);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	rc = replay_write_file(st->path, o.buf, o.len, sync, err);
	if (rc == 0 && sync)
		st->last_sync_ns = now;
	strbuf_release(&o);
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
