#include "api/pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encode/console.h"
#include "encode/encode.h"
#include "sink/gzip.h"
#include "util/error.h"

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
	uint64_t next;      /* next block to hand out */
	uint64_t consumed;  /* units consumed */
	uint64_t per_unit;  /* blocks per unit of work (fewer wake-ups) */
	int failed;         /* a worker or the consumer gave up */
	int writing;        /* a worker holds the writer role (threads >= 2) */
	int inline_write;   /* workers consume in order themselves */
	uint64_t total;     /* units in this run */
	pthread_cond_t done;
	struct otelsim_error werr;
};

static void block_clear_stats(struct pipe_block *b)
{
	b->ntraces = b->nspans = b->nerrors = b->nrecords = b->raw_bytes = 0;
	b->min_start_ns = INT64_MAX;
	b->max_end_ns = INT64_MIN;
}

static void swap_strbuf(struct strbuf *a, struct strbuf *b)
{
	struct strbuf t = *a;

	*a = *b;
	*b = t;
}

static void fail_shared(struct shared *sh, const char *what)
{
	pthread_mutex_lock(&sh->mu);
	if (!sh->failed) {
		sh->failed = 1;
		error_set(&sh->werr, OTELSIM_ENOMEM, "out of memory while %s", what);
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
		if (cfg->cancel && *cfg->cancel) {
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

/* Render, encode (and gzip) blocks [b0, b1) into *mine. 0 or -1 (memory). */
static int render_unit(const struct pipeline_cfg *cfg, struct encoder *enc, struct batch *batch,
		       struct strbuf *raw, uint64_t b0, uint64_t b1, struct pipe_block *mine)
{
	block_clear_stats(mine);
	mine->index = b0;
	strbuf_reset(&mine->data);
	strbuf_reset(&mine->text);
	for (uint64_t b = b0; b < b1; b++) {
		size_t before = mine->data.len;
		uint64_t nrec = 0;

		if (engine_render_block(cfg->plan, b, batch))
			return -1;
		strbuf_reset(raw);
		if (encoder_traces(enc, batch, cfg->gzip ? raw : &mine->data, &nrec))
			return -1;
		if (cfg->gzip) {
			/* one gzip member per block: shards and threads cut between blocks */
			mine->raw_bytes += raw->len;
			if (raw->len && gzip_member(raw->buf, raw->len, 6, &mine->data))
				return -1;
		} else {
			mine->raw_bytes += mine->data.len - before;
		}
		if (cfg->console &&
		    encode_console(cfg->plan->model, batch, cfg->console > 1, &mine->text))
			return -1;
		mine->ntraces += batch->ntraces;
		mine->nspans += batch->nspans;
		mine->nerrors += batch->nerror_spans;
		mine->nrecords += nrec;
		if (batch->ntraces && batch->min_start_ns < mine->min_start_ns)
			mine->min_start_ns = batch->min_start_ns;
		if (batch->ntraces && batch->max_end_ns > mine->max_end_ns)
			mine->max_end_ns = batch->max_end_ns;
	}
	return 0;
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	const struct pipeline_cfg *cfg = sh->cfg;
	struct encoder_config ec = { cfg->plan->model, cfg->format, cfg->framing, 0 };
	struct encoder *enc = encoder_new(&ec);
	struct batch batch;
	struct pipe_block mine;
	struct strbuf raw = STRBUF_INIT;

	memset(&mine, 0, sizeof(mine));
	batch_init(&batch);
	if (!enc) {
		fail_shared(sh, "starting an encoder");
		goto out;
	}
	for (;;) {
		uint64_t u, rel, b0, b1;
		struct slot *s;

		pthread_mutex_lock(&sh->mu);
		u = sh->next;
		if (u >= sh->total || sh->failed) {
			pthread_mutex_unlock(&sh->mu);
			break;
		}
		sh->next++;
		rel = u;
		while (rel >= sh->consumed + sh->window && !sh->failed)
			pthread_cond_wait(&sh->space, &sh->mu);
		pthread_mutex_unlock(&sh->mu);
		if (sh->failed)
			break;
		b0 = cfg->first_block + u * sh->per_unit;
		b1 = b0 + sh->per_unit < cfg->end_block ? b0 + sh->per_unit : cfg->end_block;
		if (render_unit(cfg, enc, &batch, &raw, b0, b1, &mine)) {
			fail_shared(sh, "rendering");
			break;
		}

		pthread_mutex_lock(&sh->mu);
		s = &sh->slots[rel % sh->window];
		swap_strbuf(&s->blk.data, &mine.data);
		swap_strbuf(&s->blk.text, &mine.text);
		s->blk.index = mine.index;
		s->blk.ntraces = mine.ntraces;
		s->blk.nspans = mine.nspans;
		s->blk.nerrors = mine.nerrors;
		s->blk.nrecords = mine.nrecords;
		s->blk.raw_bytes = mine.raw_bytes;
		s->blk.min_start_ns = mine.min_start_ns;
		s->blk.max_end_ns = mine.max_end_ns;
		s->ready = 1;
		pthread_cond_broadcast(&sh->ready);
		if (sh->inline_write)
			drain_locked(sh);
		pthread_mutex_unlock(&sh->mu);
	}
out:
	strbuf_release(&raw);
	strbuf_release(&mine.data);
	strbuf_release(&mine.text);
	batch_release(&batch);
	encoder_free(enc);
	return NULL;
}

/* Wait on cond for at most 100 ms, to notice a cancel from a signal handler. */
static void wait_a_while(pthread_cond_t *cond, pthread_mutex_t *mu)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(cond, mu, &ts);
}

static int cancelled(const struct pipeline_cfg *cfg)
{
	return cfg->cancel && *cfg->cancel;
}

/* One worker: the calling thread writes each block in order as it comes. */
static int consume_here(struct shared *sh, struct otelsim_error *err)
{
	const struct pipeline_cfg *cfg = sh->cfg;
	int rc = 0;

	for (uint64_t rel = 0; rel < sh->total; rel++) {
		struct slot *s = &sh->slots[rel % sh->window];

		pthread_mutex_lock(&sh->mu);
		while (!s->ready && !sh->failed && !cancelled(cfg))
			wait_a_while(&sh->ready, &sh->mu);
		pthread_mutex_unlock(&sh->mu);
		if (sh->failed && !s->ready)
			break;
		if (cancelled(cfg))
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
static int wait_for_workers(struct shared *sh, struct otelsim_error *err)
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
	(void)err;
	return 0;
}

int pipeline_run(const struct pipeline_cfg *cfg, struct otelsim_error *err)
{
	struct shared sh;
	pthread_t *tids = NULL;
	unsigned n = cfg->threads ? cfg->threads : 1, started = 0;
	int rc = 0;

	if (n > 256)
		n = 256;
	memset(&sh, 0, sizeof(sh));
	sh.cfg = cfg;
	{
		uint64_t blocks = cfg->end_block > cfg->first_block ? cfg->end_block - cfg->first_block : 0;

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
	sh.next = 0;  /* units, counted from this run's first block */
	sh.inline_write = n >= 2 && sh.total >= 2;
	pthread_mutex_init(&sh.mu, NULL);
	pthread_cond_init(&sh.ready, NULL);
	pthread_cond_init(&sh.space, NULL);
	pthread_cond_init(&sh.done, NULL);
	sh.slots = calloc(sh.window, sizeof(*sh.slots));
	tids = calloc(n, sizeof(*tids));
	if (!sh.slots || !tids) {
		rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (sh.total == 0)
		goto cleanup;
	for (; started < n && started < sh.total; started++) {
		if (pthread_create(&tids[started], NULL, worker, &sh)) {
			fail_shared(&sh, "starting threads");
			break;
		}
	}
	rc = sh.inline_write ? wait_for_workers(&sh, err) : consume_here(&sh, err);
	pthread_mutex_lock(&sh.mu);
	if (rc)
		sh.failed = 1;
	pthread_cond_broadcast(&sh.space);
	pthread_mutex_unlock(&sh.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (!rc && sh.failed) {
		if (err)
			*err = sh.werr;
		rc = sh.werr.code ? sh.werr.code : OTELSIM_EINTERNAL;
	}
cleanup:
	for (uint64_t i = 0; sh.slots && i < sh.window; i++) {
		strbuf_release(&sh.slots[i].blk.data);
		strbuf_release(&sh.slots[i].blk.text);
	}
	free(sh.slots);
	free(tids);
	pthread_cond_destroy(&sh.ready);
	pthread_cond_destroy(&sh.space);
	pthread_cond_destroy(&sh.done);
	pthread_mutex_destroy(&sh.mu);
	return rc;
}
