#include "api/pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encode/console.h"
#include "encode/encode.h"
#include "sink/gzip.h"
#include "util/error.h"
#include "util/timefmt.h"

/*
 * Locking: every field of struct shared below `mu`, and each slot's `ready`
 * and contents, are read and written with `mu` held. A slot's block belongs
 * to the consumer from the moment it sees `ready` (under `mu`) until it
 * clears it (under `mu`); the worker filling a slot owns it before.
 */
struct slot {
	struct pipe_block blk;
	int ready;
};

struct shared {
	const struct pipeline_cfg *cfg;
	pthread_mutex_t mu;
	pthread_cond_t ready, space;
	struct slot *slots;
	uint64_t window;
	uint64_t next;     /* next unit to hand out */
	uint64_t consumed; /* units consumed */
	uint64_t per_unit; /* blocks per unit of work (fewer wake-ups) */
	int failed;        /* a worker or the consumer gave up */
	int writing;       /* a worker holds the writer role (threads >= 2) */
	int inline_write;  /* workers consume in order themselves */
	uint64_t total;    /* units in this run */
	pthread_cond_t done;
	struct otelsim_error werr;
};

static void block_clear_stats(struct pipe_block *b)
{
	for (int s = 0; s < SIGNAL_COUNT; s++)
		b->records[s] = b->items[s] = 0;
	b->niterations = b->ntraces = b->nerrors = b->npoints = 0;
	b->oversize = 0;
	b->oversize_what[0] = '\0';
	b->min_start_ns = INT64_MAX;
	b->max_end_ns = INT64_MIN;
}

static void swap_strbuf(struct strbuf *a, struct strbuf *b)
{
	struct strbuf t = *a;

	*a = *b;
	*b = t;
}

static int cancelled(const struct pipeline_cfg *cfg)
{
	return cfg->cancel && atomic_load(cfg->cancel);
}

/* Stop the run with *e (the first failure wins) and wake everybody. */
static void fail_shared(struct shared *sh, const struct otelsim_error *e)
{
	pthread_mutex_lock(&sh->mu);
	if (!sh->failed) {
		sh->failed = 1;
		sh->werr = *e;
	}
	pthread_cond_broadcast(&sh->ready);
	pthread_cond_broadcast(&sh->space);
	pthread_cond_broadcast(&sh->done);
	pthread_mutex_unlock(&sh->mu);
}

/*
 * With two or more workers there is no separate writing thread: whoever
 * publishes a block takes the writer role when it is free and consumes every
 * block that is ready in order. Called with sh->mu held; returns with it held.
 */
static void drain_locked(struct shared *sh)
{
	const struct pipeline_cfg *cfg = sh->cfg;

	if (sh->writing)
		return;
	sh->writing = 1;
	while (!sh->failed && sh->consumed < sh->total) {
		struct slot *s = &sh->slots[sh->consumed % sh->window];
		struct otelsim_error e;
		int rc;

		if (!s->ready)
			break;
		if (cancelled(cfg)) {
			sh->failed = 1;
			error_set(&sh->werr, OTELSIM_EIO, "interrupted");
			break;
		}
		pthread_mutex_unlock(&sh->mu);
		memset(&e, 0, sizeof(e));
		rc = cfg->consume(cfg->ctx, &s->blk, &e);
		pthread_mutex_lock(&sh->mu);
		s->ready = 0;
		sh->consumed++;
		if (rc && !sh->failed) {
			sh->failed = 1;
			sh->werr = e;
		}
		pthread_cond_broadcast(&sh->space);
	}
	sh->writing = 0;
	pthread_cond_broadcast(&sh->done);
}

/* What a worker needs besides the shared state: its own encoder and buffers. */
struct worker_state {
	struct encoder *enc;
	struct batch batch;
	struct strbuf raw;
	struct gzipper gz;
	struct pipe_block mine;
	struct mderive *md; /* derived metrics, or NULL */
};

/* The engine's failure for block b as a message. */
static int render_failed(const struct pipeline_cfg *cfg, uint64_t b, int rc,
			 struct otelsim_error *err)
{
	if (rc == OTELSIM_ENOMEM)
		return error_set(err, rc, "out of memory while rendering block %llu",
				 (unsigned long long)b);
	if (rc == OTELSIM_ELIMIT) {
		uint64_t per = cfg->plan->iterations_per_block, first = b * per + 1,
			 last = first - 1 + per;

		if (last > cfg->plan->count)
			last = cfg->plan->count;
		return error_set(err, rc,
				 "a trace of iterations %llu..%llu runs past the year 2262 "
				 "(a span or event time after " TIME_MAX_TEXT
				 ", the last time int64 nanoseconds since 1970 can hold): "
				 "start earlier, or render fewer traces",
				 (unsigned long long)first, (unsigned long long)last);
	}
	return error_set(err, rc < 0 ? rc : OTELSIM_EINTERNAL,
			 "cannot render block %llu (%s error)", (unsigned long long)b,
			 otelsim_code_name(rc < 0 ? rc : OTELSIM_EINTERNAL));
}

/* Encode (and gzip) the batch's items of signal s into ws->mine.data[s]. */
static int encode_signal(const struct pipeline_cfg *cfg, struct worker_state *ws, int s, uint64_t b,
			 struct otelsim_error *err)
{
	struct pipe_block *mine = &ws->mine;
	uint64_t nrec = 0;
	int rc;

	strbuf_reset(&ws->raw);
	rc = encoder_encode(ws->enc, s, &ws->batch, cfg->gzip ? &ws->raw : &mine->data[s], &nrec);
	if (rc)
		return error_set(err,
				 rc == ENCODE_ENOMEM    ? OTELSIM_ENOMEM
				 : rc == ENCODE_ETOOBIG ? OTELSIM_ELIMIT
							: OTELSIM_EINTERNAL,
				 "cannot encode the %s of block %llu (%s)", signal_name(s),
				 (unsigned long long)b, encode_error_text(rc));
	mine->records[s] += nrec;
	mine->items[s] += batch_items(&ws->batch, s);
	{
		char what[200];
		uint64_t big = encoder_take_oversize(ws->enc, what, sizeof(what));

		if (big && !mine->oversize)
			memcpy(mine->oversize_what, what, sizeof(what));
		mine->oversize += big;
	}
	/*
	 * one gzip member per record: shards and threads cut between blocks,
	 * and records (never across two blocks) do not depend on the block size
	 */
	for (size_t pos = 0; cfg->gzip && pos < ws->raw.len;) {
		size_t len = encoder_record_len(cfg->format, cfg->framing, ws->raw.buf + pos,
						ws->raw.len - pos);

		if (!len)
			return error_set(err, OTELSIM_EINTERNAL,
					 "record framing overruns block %llu",
					 (unsigned long long)b);
		rc = gzipper_member(&ws->gz, ws->raw.buf + pos, len, &mine->data[s]);
		if (rc == Z_MEM_ERROR)
			return error_set(err, OTELSIM_ENOMEM,
					 "out of memory while compressing block %llu",
					 (unsigned long long)b);
		if (rc)
			return error_set(err, OTELSIM_EINTERNAL,
					 "cannot compress block %llu (zlib error %d)",
					 (unsigned long long)b, rc);
		pos += len;
	}
	return 0;
}

/* Render, encode (and gzip) blocks [b0, b1) into ws->mine. 0 or a code (*err filled). */
static int render_unit(const struct pipeline_cfg *cfg, struct worker_state *ws, uint64_t b0,
		       uint64_t b1, struct otelsim_error *err)
{
	struct pipe_block *mine = &ws->mine;

	block_clear_stats(mine);
	mine->index = b0;
	for (int s = 0; s < SIGNAL_COUNT; s++)
		strbuf_reset(&mine->data[s]);
	strbuf_reset(&mine->text);
	strbuf_reset(&mine->hits);
	strbuf_reset(&mine->mparts);
	mine->end_index = b1;
	for (uint64_t b = b0; b < b1; b++) {
		struct batch *batch = &ws->batch;
		int rc = engine_render_block(cfg->plan, b, batch);

		if (rc)
			return render_failed(cfg, b, rc, err);
		for (int s = 0; s < SIGNAL_COUNT; s++) {
			if (!(cfg->plan->signals & SIGNAL_BIT(s)))
				continue;
			rc = encode_signal(cfg, ws, s, b, err);
			if (rc)
				return rc;
		}
		if (cfg->console &&
		    encode_console(cfg->plan->model, batch, cfg->console > 1, &mine->text))
			return error_set(err, OTELSIM_ENOMEM,
					 "out of memory while printing the spans of block %llu",
					 (unsigned long long)b);
		if (ws->md && mderive_block(ws->md, batch, b, &mine->mparts))
			return error_set(err, OTELSIM_ENOMEM,
					 "out of memory while deriving the metrics of block %llu",
					 (unsigned long long)b);
		if (batch->nhits &&
		    strbuf_add(&mine->hits, batch->hits, batch->nhits * sizeof(*batch->hits)))
			return error_set(err, OTELSIM_ENOMEM,
					 "out of memory while counting the failures of block %llu",
					 (unsigned long long)b);
		mine->niterations += batch->niterations;
		mine->ntraces += batch->ntraces;
		mine->nerrors += batch->nerror_spans;
		mine->npoints += batch_points(batch);
		if (batch->ntraces && batch->min_start_ns < mine->min_start_ns)
			mine->min_start_ns = batch->min_start_ns;
		if (batch->ntraces && batch->max_end_ns > mine->max_end_ns)
			mine->max_end_ns = batch->max_end_ns;
	}
	return 0;
}

/* Hand ws->mine's contents to slot s (swapping buffers: no copy). */
static void publish(struct slot *s, struct worker_state *ws)
{
	struct pipe_block *b = &s->blk, *m = &ws->mine;

	for (int k = 0; k < SIGNAL_COUNT; k++) {
		swap_strbuf(&b->data[k], &m->data[k]);
		b->records[k] = m->records[k];
		b->items[k] = m->items[k];
	}
	swap_strbuf(&b->text, &m->text);
	swap_strbuf(&b->hits, &m->hits);
	swap_strbuf(&b->mparts, &m->mparts);
	b->index = m->index;
	b->end_index = m->end_index;
	b->niterations = m->niterations;
	b->ntraces = m->ntraces;
	b->nerrors = m->nerrors;
	b->npoints = m->npoints;
	b->min_start_ns = m->min_start_ns;
	b->max_end_ns = m->max_end_ns;
	b->oversize = m->oversize;
	memcpy(b->oversize_what, m->oversize_what, sizeof(b->oversize_what));
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	const struct pipeline_cfg *cfg = sh->cfg;
	struct encoder_config ec = { cfg->plan->model, cfg->format, cfg->framing, 0,
				     cfg->traces_per_record };
	struct worker_state ws;
	struct otelsim_error e;

	memset(&ws, 0, sizeof(ws));
	memset(&e, 0, sizeof(e));
	batch_init(&ws.batch);
	gzipper_init(&ws.gz, 6);
	ws.enc = encoder_new(&ec);
	if (cfg->metrics && cfg->metrics->nrules)
		ws.md = mderive_new(cfg->metrics, cfg->plan);
	if (!ws.enc || (cfg->metrics && cfg->metrics->nrules && !ws.md)) {
		error_set(&e, OTELSIM_ENOMEM, "out of memory while starting an encoder");
		fail_shared(sh, &e);
		goto out;
	}
	for (;;) {
		uint64_t u, b0, b1;
		struct slot *s;
		int failed;

		pthread_mutex_lock(&sh->mu);
		u = sh->next;
		if (u >= sh->total || sh->failed) {
			pthread_mutex_unlock(&sh->mu);
			break;
		}
		sh->next++;
		while (u >= sh->consumed + sh->window && !sh->failed)
			pthread_cond_wait(&sh->space, &sh->mu);
		failed = sh->failed;
		pthread_mutex_unlock(&sh->mu);
		if (failed)
			break;
		b0 = cfg->first_block + u * sh->per_unit;
		b1 = b0 + sh->per_unit < cfg->end_block ? b0 + sh->per_unit : cfg->end_block;
		if (render_unit(cfg, &ws, b0, b1, &e)) {
			fail_shared(sh, &e);
			break;
		}

		pthread_mutex_lock(&sh->mu);
		s = &sh->slots[u % sh->window];
		publish(s, &ws);
		s->ready = 1;
		pthread_cond_broadcast(&sh->ready);
		if (sh->inline_write)
			drain_locked(sh);
		pthread_mutex_unlock(&sh->mu);
	}
out:
	strbuf_release(&ws.raw);
	for (int k = 0; k < SIGNAL_COUNT; k++)
		strbuf_release(&ws.mine.data[k]);
	strbuf_release(&ws.mine.text);
	strbuf_release(&ws.mine.hits);
	strbuf_release(&ws.mine.mparts);
	mderive_free(ws.md);
	gzipper_release(&ws.gz);
	batch_release(&ws.batch);
	encoder_free(ws.enc);
	return NULL;
}

/*
 * Wait on cond for at most 100 ms, to notice a cancel from a signal handler.
 * The conditions wait on CLOCK_MONOTONIC: a wall clock step cannot stretch it.
 */
static void wait_a_while(pthread_cond_t *cond, pthread_mutex_t *mu)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 100000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(cond, mu, &ts);
}

/* One worker: the calling thread writes each block in order as it comes. */
static int consume_here(struct shared *sh, struct otelsim_error *err)
{
	const struct pipeline_cfg *cfg = sh->cfg;
	int rc = 0;

	for (uint64_t rel = 0; rel < sh->total; rel++) {
		struct slot *s = &sh->slots[rel % sh->window];
		int ready, failed;

		pthread_mutex_lock(&sh->mu);
		while (!s->ready && !sh->failed && !cancelled(cfg))
			wait_a_while(&sh->ready, &sh->mu);
		ready = s->ready;
		failed = sh->failed;
		pthread_mutex_unlock(&sh->mu);
		if (failed)
			break; /* the worker's error is returned */
		if (!ready || cancelled(cfg))
			return error_set(err, OTELSIM_EIO, "interrupted");
		rc = cfg->consume(cfg->ctx, &s->blk, err);
		pthread_mutex_lock(&sh->mu);
		s->ready = 0;
		sh->consumed++;
		pthread_cond_broadcast(&sh->space);
		pthread_mutex_unlock(&sh->mu);
		if (rc)
			return rc;
	}
	return 0;
}

/* Several workers write in turn themselves: the calling thread just waits. */
static void wait_for_workers(struct shared *sh)
{
	pthread_mutex_lock(&sh->mu);
	while (sh->consumed < sh->total && !sh->failed) {
		if (cancelled(sh->cfg)) {
			sh->failed = 1;
			error_set(&sh->werr, OTELSIM_EIO, "interrupted");
			break;
		}
		wait_a_while(&sh->done, &sh->mu);
	}
	pthread_mutex_unlock(&sh->mu);
}

int pipeline_run(const struct pipeline_cfg *cfg, struct otelsim_error *err)
{
	struct shared sh;
	pthread_condattr_t ca;
	pthread_t *tids = NULL;
	unsigned n = cfg->threads ? cfg->threads : 1, started = 0;
	int rc = 0;

	if (n > 256)
		n = 256;
	memset(&sh, 0, sizeof(sh));
	sh.cfg = cfg;
	{
		uint64_t blocks = cfg->end_block > cfg->first_block
					  ? cfg->end_block - cfg->first_block
					  : 0;

		/* several blocks per unit of work when there are many: a worker
		 * and the writer then meet (lock, wake up) a few times less */
		sh.per_unit = blocks / ((uint64_t)n * 16);
		if (sh.per_unit < 1)
			sh.per_unit = 1;
		if (sh.per_unit > cfg->max_blocks_per_unit)
			sh.per_unit = cfg->max_blocks_per_unit ? cfg->max_blocks_per_unit : 1;
		sh.total = (blocks + sh.per_unit - 1) / sh.per_unit;
	}
	sh.window = 2 * (uint64_t)n + 2;
	sh.next = 0; /* units, counted from this run's first block */
	sh.inline_write = n >= 2 && sh.total >= 2;
	pthread_mutex_init(&sh.mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sh.ready, &ca);
	pthread_cond_init(&sh.space, &ca);
	pthread_cond_init(&sh.done, &ca);
	pthread_condattr_destroy(&ca);
	sh.slots = calloc(sh.window, sizeof(*sh.slots));
	tids = calloc(n, sizeof(*tids));
	if (!sh.slots || !tids) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (sh.total == 0)
		goto cleanup;
	for (; started < n && started < sh.total; started++) {
		int e = pthread_create(&tids[started], NULL, worker, &sh);

		if (e) {
			struct otelsim_error te;

			memset(&te, 0, sizeof(te));
			error_set(&te, OTELSIM_ENOMEM, "cannot start a render thread: %s",
				  strerror(e));
			fail_shared(&sh, &te);
			break;
		}
	}
	if (sh.inline_write)
		wait_for_workers(&sh);
	else
		rc = consume_here(&sh, err);
	pthread_mutex_lock(&sh.mu);
	if (rc)
		sh.failed = 1;
	pthread_cond_broadcast(&sh.space);
	pthread_mutex_unlock(&sh.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	/* the workers are gone: sh is ours alone */
	if (!rc && sh.failed) {
		if (err)
			*err = sh.werr;
		rc = sh.werr.code ? sh.werr.code : OTELSIM_EINTERNAL;
	}
cleanup:
	for (uint64_t i = 0; sh.slots && i < sh.window; i++) {
		for (int k = 0; k < SIGNAL_COUNT; k++)
			strbuf_release(&sh.slots[i].blk.data[k]);
		strbuf_release(&sh.slots[i].blk.text);
		strbuf_release(&sh.slots[i].blk.hits);
		strbuf_release(&sh.slots[i].blk.mparts);
	}
	free(sh.slots);
	free(tids);
	pthread_cond_destroy(&sh.ready);
	pthread_cond_destroy(&sh.space);
	pthread_cond_destroy(&sh.done);
	pthread_mutex_destroy(&sh.mu);
	return rc;
}
