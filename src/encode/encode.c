/*
 * encode/encode.c - the encoder: grouping by resource and cutting records.
 *
 * The split rule (encode.h) is applied here for both formats, with each
 * format's exact record size: spans are taken in batch order; a span that
 * would make the framed record larger than max_record_bytes closes the
 * record and starts the next one (a span too large on its own still gets a
 * record, alone).
 */
#include "encode/encode_int.h"

#include <stdlib.h>

#include "otelsim/otelsim.h"

#define JSON_HEAD "{\"resourceSpans\":["
#define JSON_TAIL "]}\n"

int fw_grow(struct fwriter *w, size_t n)
{
	size_t cap = w->cap ? w->cap : 4096;
	char *p;

	while (cap - w->len < n) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	p = realloc(w->buf, cap);
	if (!p)
		return -1;
	w->buf = p;
	w->cap = cap;
	return 0;
}

void fw_release(struct fwriter *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static int is_json(const struct encoder *e)
{
	return e->cfg.format == OTELSIM_FORMAT_OTLP_JSON;
}

struct encoder *encoder_new(const struct encoder_config *cfg)
{
	struct encoder *e;

	if (!cfg || !cfg->model ||
	    (cfg->format != OTELSIM_FORMAT_OTLP && cfg->format != OTELSIM_FORMAT_OTLP_JSON))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->max = cfg->max_record_bytes ? cfg->max_record_bytes : ENCODE_MAX_RECORD_DEFAULT;
	e->nres = cfg->model->nservices;
	e->res = calloc(e->nres ? e->nres : 1, sizeof(*e->res));
	e->groups = calloc(e->nres ? e->nres : 1, sizeof(*e->groups));
	e->res_group = calloc(e->nres ? e->nres : 1, sizeof(*e->res_group));
	if (!e->res || !e->groups || !e->res_group)
		goto fail;
	if (is_json(e) ? json_build_envelopes(e) : pb_build_envelopes(e))
		goto fail;
	return e;
fail:
	encoder_free(e);
	return NULL;
}

void encoder_free(struct encoder *e)
{
	if (!e)
		return;
	for (uint32_t r = 0; r < e->nres && e->res; r++) {
		free(e->res[r].pb);
		free(e->res[r].json);
	}
	free(e->res);
	free(e->scope_pb);
	free(e->schema_pb);
	free(e->json_tail);
	rw_release(&e->rw);
	fw_release(&e->fw);
	free(e->span_pos);
	free(e->span_len);
	free(e->next);
	free(e->groups);
	free(e->res_group);
	free(e);
}

static int reserve_spans(struct encoder *e, size_t n)
{
	size_t *pos, *next;
	uint32_t *len;

	if (n <= e->span_cap)
		return 0;
	if (n > SIZE_MAX / sizeof(size_t))
		return -1;
	pos = realloc(e->span_pos, n * sizeof(*pos));
	if (pos)
		e->span_pos = pos;
	len = realloc(e->span_len, n * sizeof(*len));
	if (len)
		e->span_len = len;
	next = realloc(e->next, n * sizeof(*next));
	if (next)
		e->next = next;
	if (!pos || !len || !next)
		return -1;
	e->span_cap = n;
	return 0;
}

/* The framed size of a record whose groups add up to `sum` bytes. */
static size_t record_size(const struct encoder *e, size_t sum, uint32_t ngroups)
{
	if (is_json(e))
		return sizeof(JSON_HEAD) - 1 + sum + (ngroups - 1) + sizeof(JSON_TAIL) - 1;
	return sum + (e->cfg.framing == OTELSIM_FRAMING_VARINT ? varint_size(sum) : 4);
}

static size_t group_size(const struct encoder *e, const struct group *g)
{
	return is_json(e) ? json_group_size(e, g) : pb_group_size(e, g);
}

static void clear_groups(struct encoder *e)
{
	for (uint32_t gi = 0; gi < e->ngroups; gi++)
		e->res_group[e->groups[gi].res] = 0;
	e->ngroups = 0;
}

static int flush_record(struct encoder *e, size_t sum, struct strbuf *out)
{
	int rc;

	if (is_json(e))
		rc = json_write_record(e, sum, out);
	else
		rc = pb_write_record(e, sum, out);
	clear_groups(e);
	return rc;
}

int encoder_traces(struct encoder *e, const struct batch *b, struct strbuf *out, uint64_t *nrecords)
{
	size_t start_len = out->len, sum = 0;
	uint64_t n = 0;
	int rc = -1;

	if (nrecords)
		*nrecords = 0;
	if (!b->nspans)
		return 0;
	for (size_t i = 0; i < b->nspans; i++)
		if (b->spans[i].resource >= e->nres)
			return -1;
	if (reserve_spans(e, b->nspans))
		return -1;
	if (is_json(e) ? json_encode_spans(e, b) : pb_encode_spans(e, b))
		return -1;

	e->ngroups = 0;
	for (size_t i = 0; i < b->nspans;) {
		uint32_t r = b->spans[i].resource, gidx = e->res_group[r];
		size_t len = e->span_len[i], add, newsum;
		struct group tmp, *g = gidx ? &e->groups[gidx - 1] : NULL;
		uint32_t ng = e->ngroups + (g ? 0 : 1);

		if (is_json(e))
			add = len + (g ? 1 : 0); /* a comma before all but the first */
		else
			add = 1 + varint_size(len) + len;
		if (g) {
			tmp = *g;
			tmp.body += add;
			newsum = sum - group_size(e, g) + group_size(e, &tmp);
		} else {
			memset(&tmp, 0, sizeof(tmp));
			tmp.res = r;
			tmp.body = add;
			newsum = sum + group_size(e, &tmp);
		}
		if (e->ngroups && record_size(e, newsum, ng) > e->max) {
			if (flush_record(e, sum, out))
				goto cleanup;
			n++;
			sum = 0;
			continue; /* the same span opens the next record */
		}
		if (g) {
			g->body = tmp.body;
			g->nspans++;
			e->next[g->tail] = i;
			g->tail = i;
		} else {
			g = &e->groups[e->ngroups++];
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): encoder_new sized groups */
			*g = tmp;
			g->nspans = 1;
			g->head = g->tail = i;
			e->res_group[r] = e->ngroups;
		}
		sum = newsum;
		i++;
	}
	if (flush_record(e, sum, out))
		goto cleanup;
	n++;
	rc = 0;
cleanup:
	clear_groups(e);
	if (rc) {
		strbuf_truncate(out, start_len);
	} else if (nrecords) {
		*nrecords = n;
	}
	return rc;
}
