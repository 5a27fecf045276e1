/* api/mout.c - derived metrics on the consumer's side (mout.h). */
#include "api/mout.h"

#include <string.h>

#include "encode/encode.h"
#include "util/error.h"

int mout_init(struct mout *m, const struct run_spec *rs, const struct otelsim_render_options *o,
	      struct otelsim_error *err)
{
	struct encoder_config ec = { rs->plan.model, o->format, o->framing, 0, 0 };

	memset(m, 0, sizeof(*m));
	m->rs = rs;
	m->format = o->format;
	m->framing = o->framing;
	m->shard = o->shard_count > 1;
	if (!rs->metrics.nmetrics)
		return 0;
	gzipper_init(&m->gz, 6);
	m->agg = magg_new(&rs->metrics);
	m->enc = encoder_new(&ec);
	if (!m->agg || !m->enc)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

void mout_release(struct mout *m)
{
	if (!m->agg && !m->enc)
		return;
	magg_free(m->agg);
	encoder_free(m->enc);
	gzipper_release(&m->gz);
	strbuf_release(&m->raw);
	strbuf_release(&m->out);
	strbuf_release(&m->partial);
	memset(m, 0, sizeof(*m));
}

/* One closed interval's items: encode (and gzip), hand to write. */
static int emit(void *ctx, const struct batch *b, struct otelsim_error *err)
{
	struct mout *m = ctx;
	uint64_t nrec = 0;
	int rc;

	strbuf_reset(&m->raw);
	rc = encoder_encode(m->enc, OTELSIM_METRICS, b, &m->raw, &nrec);
	if (rc)
		return error_set(err,
				 rc == ENCODE_ENOMEM    ? OTELSIM_ENOMEM
				 : rc == ENCODE_ETOOBIG ? OTELSIM_ELIMIT
							: OTELSIM_EINTERNAL,
				 "cannot encode the metrics (%s)", encode_error_text(rc));
	if (!m->gzip)
		return m->write(m->ctx, &m->raw, nrec, b->nmetrics, err);
	strbuf_reset(&m->out);
	for (size_t pos = 0; pos < m->raw.len;) {
		size_t len = encoder_record_len(m->format, m->framing, m->raw.buf + pos,
						m->raw.len - pos);

		if (!len)
			return error_set(err, OTELSIM_EINTERNAL, "metric record framing overruns");
		if (gzipper_member(&m->gz, m->raw.buf + pos, len, &m->out))
			return error_set(err, OTELSIM_ENOMEM,
					 "out of memory while compressing metrics");
		pos += len;
	}
	return m->write(m->ctx, &m->out, nrec, b->nmetrics, err);
}

static int close_upto(struct mout *m, int64_t until, int64_t last_end, struct otelsim_error *err)
{
	int rc;

	if (!m->shard)
		return magg_close(m->agg, until, last_end, emit, m, NULL, err);
	strbuf_reset(&m->partial);
	rc = magg_close(m->agg, until, last_end, NULL, NULL, &m->partial, err);
	if (!rc && m->partial.len)
		rc = m->write(m->ctx, &m->partial, 0, 0, err);
	return rc;
}

int mout_block(struct mout *m, const struct pipe_block *b, struct otelsim_error *err)
{
	const struct plan *p = &m->rs->plan;
	int rc;

	if (!m->agg)
		return 0;
	rc = magg_add(m->agg, b->mparts.buf, b->mparts.len, err);
	if (rc)
		return rc;
	if (b->end_index >= plan_nblocks(p))
		return 0; /* the last block: mout_finish closes the rest */
	return close_upto(m, plan_block_start(p, b->end_index), 0, err);
}

int mout_finish(struct mout *m, int64_t last_end_ns, struct otelsim_error *err)
{
	if (!m->agg)
		return 0;
	return close_upto(m, INT64_MAX, last_end_ns, err);
}
