/*
 * encode/encode.c - the encoder: a format's table of operations, chosen by
 * enum otelsim_format, and the scratch space its operations share. The
 * record rule itself is encode_cut (encode_int.h), inlined into each OTLP
 * format's operations.
 */
#include "encode/encode_int.h"

#include <stdio.h>

#include <stdlib.h>

#include "otelsim/otelsim.h"

/* One row per format: adding a format is adding its table here. */
static const struct encoder_ops *const formats[] = {
	&encode_pb_ops,
	&encode_json_ops,
	&encode_ndjson_ops,
};

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

static const struct encoder_ops *ops_for(int format)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i]->format == format)
			return formats[i];
	return NULL;
}

const char *encoder_file_ext(int format)
{
	const struct encoder_ops *ops = ops_for(format);

	return ops ? ops->ext : NULL;
}

struct encoder *encoder_new(const struct encoder_config *cfg)
{
	const struct encoder_ops *ops;
	struct encoder *e;

	if (!cfg || !cfg->model)
		return NULL;
	ops = ops_for(cfg->format);
	if (!ops)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	e->ops = ops;
	e->max = cfg->max_record_bytes ? cfg->max_record_bytes : ENCODE_MAX_RECORD_DEFAULT;
	e->nres = cfg->model->nservices;
	e->res = calloc(e->nres ? e->nres : 1, sizeof(*e->res));
	e->nscopes = cfg->model->nscopes ? cfg->model->nscopes : 1;
	e->scopes = calloc(e->nscopes, sizeof(*e->scopes));
	e->groups = calloc(e->nres ? e->nres : 1, sizeof(*e->groups));
	e->res_group = calloc(e->nres ? e->nres : 1, sizeof(*e->res_group));
	if (!e->res || !e->scopes || !e->groups || !e->res_group || ops->begin(e)) {
		encoder_free(e);
		return NULL;
	}
	return e;
}

void encoder_free(struct encoder *e)
{
	if (!e)
		return;
	if (e->ops && e->ops->end)
		e->ops->end(e);
	free(e->res);
	free(e->scopes);
	rw_release(&e->rw);
	fw_release(&e->fw);
	free(e->item_pos);
	free(e->item_len);
	free(e->item_res);
	free(e->item_scope);
	free(e->subs);
	free(e->next);
	free(e->groups);
	free(e->res_group);
	free(e);
}

int encode_reserve_items(struct encoder *e, size_t n)
{
	size_t *pos, *next;
	uint32_t *len, *res, *scope;
	struct sub *subs;

	if (n <= e->item_cap)
		return 0;
	if (n > SIZE_MAX / sizeof(size_t))
		return -1;
	pos = realloc(e->item_pos, n * sizeof(*pos));
	if (pos)
		e->item_pos = pos;
	len = realloc(e->item_len, n * sizeof(*len));
	if (len)
		e->item_len = len;
	res = realloc(e->item_res, n * sizeof(*res));
	if (res)
		e->item_res = res;
	scope = realloc(e->item_scope, n * sizeof(*scope));
	if (scope)
		e->item_scope = scope;
	next = realloc(e->next, n * sizeof(*next));
	if (next)
		e->next = next;
	subs = n <= SIZE_MAX / sizeof(*subs) ? realloc(e->subs, n * sizeof(*subs)) : NULL;
	if (subs)
		e->subs = subs;
	if (!pos || !len || !res || !scope || !next || !subs)
		return -1;
	e->item_cap = n;
	return 0;
}

struct scope_def encode_scope(const struct encoder *e, uint32_t i)
{
	const struct model *m = e->cfg.model;
	struct scope_def d = { m->config.scope_name, m->config.scope_version };

	return m->nscopes && i < m->nscopes ? m->scopes[i] : d;
}

size_t encoder_record_len(int format, int framing, const void *buf, size_t len)
{
	const uint8_t *p = buf, *q = p;
	uint64_t v;

	if (format == OTELSIM_FORMAT_OTLP_JSON || format == OTELSIM_FORMAT_NDJSON) {
		const uint8_t *nl = len ? memchr(p, '\n', len) : NULL;

		return nl ? (size_t)(nl - p) + 1 : 0;
	}
	if (format != OTELSIM_FORMAT_OTLP)
		return 0;
	if (framing == OTELSIM_FRAMING_VARINT) {
		if (varint_get(&q, p + len, &v) || v > (uint64_t)(p + len - q))
			return 0;
		return (size_t)(q - p) + (size_t)v;
	}
	if (len < 4)
		return 0;
	v = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
	return v <= len - 4 ? 4 + (size_t)v : 0;
}

int encoder_encode(struct encoder *e, int signal, const struct batch *b, struct strbuf *out,
		   uint64_t *nrecords)
{
	int (*op)(struct encoder *, const struct batch *, struct strbuf *, uint64_t *);

	if (nrecords)
		*nrecords = 0;
	switch (signal) {
	case OTELSIM_TRACES:
		op = e->ops->spans;
		break;
	case OTELSIM_LOGS:
		op = e->ops->logs;
		break;
	case OTELSIM_METRICS:
		op = e->ops->metrics;
		break;
	case OTELSIM_EVENTS:
		op = e->ops->events;
		break;
	default:
		return ENCODE_ESIGNAL;
	}
	if (!batch_items(b, signal))
		return 0;
	e->why = 0;
	if (op(e, b, out, nrecords))
		return e->why ? e->why : ENCODE_ENOMEM;
	return 0;
}

const char *encode_error_text(int rc)
{
	switch (rc) {
	case ENCODE_ETOOBIG:
		return "a record over the size cap";
	case ENCODE_ERESOURCE:
		return "an item whose resource is not in the model";
	case ENCODE_ESIGNAL:
		return "an unknown signal";
	default:
		return "out of memory";
	}
}

static void trace_hex(char out[33], const uint8_t id[16])
{
	static const char hex[] = "0123456789abcdef";

	for (int k = 0; k < 16; k++) {
		out[2 * k] = hex[id[k] >> 4];
		out[2 * k + 1] = hex[id[k] & 15];
	}
	out[32] = '\0';
}

void encode_note_oversize(struct encoder *e, const struct batch *b, int signal, size_t i)
{
	char id[33];

	if (e->oversize++)
		return;
	if (signal == OTELSIM_TRACES) {
		trace_hex(id, b->spans[i].trace_id);
		snprintf(e->oversize_what, sizeof(e->oversize_what), "span '%.*s' of trace %s",
			 (int)(b->spans[i].name_len > 100 ? 100 : b->spans[i].name_len),
			 b->spans[i].name, id);
	} else if (signal == OTELSIM_METRICS) {
		snprintf(e->oversize_what, sizeof(e->oversize_what), "metric '%.100s'",
			 b->metrics[i].desc && b->metrics[i].desc->name ? b->metrics[i].desc->name
									 : "");
	} else {
		const struct log_out *l =
			signal == OTELSIM_EVENTS ? &b->events[i] : &b->logs[i];

		trace_hex(id, l->trace_id);
		snprintf(e->oversize_what, sizeof(e->oversize_what), "%s of trace %s",
			 signal == OTELSIM_EVENTS ? "event" : "log record",
			 l->has_trace_id ? id : "(none)");
	}
}

uint64_t encoder_take_oversize(struct encoder *e, char *what, size_t n)
{
	uint64_t count = e->oversize;

	if (count && n)
		snprintf(what, n, "%s", e->oversize_what);
	e->oversize = 0;
	e->oversize_what[0] = '\0';
	return count;
}
