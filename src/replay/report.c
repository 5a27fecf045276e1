/*
 * The replay's figures as text: the progress line, the summary lines, and
 * the same figures as JSON for --summary-json (replay/replay.h).
 */
#include <stdio.h>
#include <string.h>

#include "replay/replay.h"
#include "replay/replay_int.h"
#include "util/jsonw.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"

static double seconds(const struct replay_totals *t)
{
	return (double)((t->end_ns ? t->end_ns : time_mono_ns()) - t->start_ns) / 1e9;
}

/* Items per second of the summary, text and JSON alike: whole, rounded. */
static uint64_t items_per_second(const struct replay_totals *t, double s)
{
	double v = s > 0 ? (double)(t->dry_run ? t->items_read : t->items_accepted) / s : 0;

	return v < 1.8e19 ? (uint64_t)(v + 0.5) : UINT64_MAX;
}

/* Read, but not in a request the server answered (stopped, interrupted, unreachable). */
static uint64_t items_not_sent(const struct replay_totals *t)
{
	return t->dry_run || t->items_sent >= t->items_read ? 0 : t->items_read - t->items_sent;
}

static const char *item_noun(unsigned signals)
{
	switch (signals) {
	case 1u << 0:
		return "span";
	case 1u << 1:
		return "data point";
	case 1u << 2:
		return "log record";
	default:
		return "item";
	}
}

/* 1234567 -> "1.23M" */
static void human(char *buf, size_t n, double v, const char *unit)
{
	static const char *const pre[] = { "", "k", "M", "G", "T" };
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(buf, n, "%.0f%s", v, unit);
	else
		snprintf(buf, n, "%.*f%s%s", v < 10 ? 2 : v < 100 ? 1 : 0, v, pre[i], unit);
}

int replay_progress_line(const struct replay_totals *t, bool final, struct strbuf *out)
{
	char items[16], bytes[16], rate[16], eta[24] = "", bar[24];
	double s = seconds(t), frac = -1;
	uint64_t done = t->dry_run ? t->items_read : t->items_sent;

	if (t->items_total)
		frac = (double)(done + t->items_skipped) / (double)t->items_total;
	else if (t->in_total)
		frac = (double)t->in_bytes / (double)t->in_total;
	if (frac > 1)
		frac = 1;
	human(items, sizeof(items), (double)done, "");
	human(bytes, sizeof(bytes), (double)t->bytes, "B");
	human(rate, sizeof(rate), s > 0 ? (double)done / s : 0, "/s");
	if (frac >= 0) {
		int w = (int)(frac * 20);

		memset(bar, '=', (size_t)w);
		memset(bar + w, ' ', (size_t)(20 - w));
		bar[20] = '\0';
		if (frac > 0.001 && !final) {
			double left = s / frac - s;

			/* 99999:59 at most: a double past INT_MAX must not reach (int) */
			if (!(left < 99999.0 * 60))
				left = 99999.0 * 60 + 59;
			if (left < 0)
				left = 0;
			snprintf(eta, sizeof(eta), " ETA %d:%02d", (int)(left / 60),
				 (int)left % 60);
		}
		return strbuf_addf(out, "[%s] %3.0f%% %s items %s %s retries %llu%s", bar,
				   frac * 100, items, bytes, rate, (unsigned long long)t->retries,
				   eta);
	}
	return strbuf_addf(out, "%s items %s %s retries %llu", items, bytes, rate,
			   (unsigned long long)t->retries);
}

int replay_exit_status(const struct replay_totals *t)
{
	if (t->inputs_truncated && !t->truncation_allowed && !t->interrupted)
		return 2; /* bad input, even with every complete record delivered */
	if (t->stopped || t->interrupted)
		return 1;
	if (!t->dry_run && !t->complete &&
	    (t->items_accepted != t->items_read || t->items_failed || t->items_rejected))
		return 1;
	return 0;
}

int replay_summary(const struct replay_totals *t, struct strbuf *f)
{
	int rc = 0;

	if (t->messages > REPLAY_MESSAGES_SHOWN)
		rc |= strbuf_addf(f, "otlp-replay: %u more message%s from the server not shown\n",
				  t->messages - REPLAY_MESSAGES_SHOWN,
				  t->messages - REPLAY_MESSAGES_SHOWN == 1 ? "" : "s");

	double s = seconds(t);
	unsigned long long ips = (unsigned long long)items_per_second(t, s);

	if (t->dry_run) {
		rc |= strbuf_addf(
			f,
			"otlp-replay: dry run: %llu item%s read, %llu request%s encoded (%llu "
			"bytes), "
			"nothing sent; %.2f s, %llu items/s\n",
			(unsigned long long)t->items_read, t->items_read == 1 ? "" : "s",
			(unsigned long long)t->requests, t->requests == 1 ? "" : "s",
			(unsigned long long)t->bytes, s, ips);
	} else {
		rc |= strbuf_addf(
			f,
			"otlp-replay: %llu items read, %llu sent, %llu accepted, %llu rejected, "
			"%llu retried, %llu failed; %llu request%s, %llu bytes; %.2f s, %llu "
			"items/s\n",
			(unsigned long long)t->items_read, (unsigned long long)t->items_sent,
			(unsigned long long)t->items_accepted,
			(unsigned long long)t->items_rejected, (unsigned long long)t->items_retried,
			(unsigned long long)t->items_failed, (unsigned long long)t->requests,
			t->requests == 1 ? "" : "s", (unsigned long long)t->bytes, s, ips);
	}
	if (t->stopped)
		rc |= strbuf_addf(f, "otlp-replay: stopped: %s; %llu items not sent%s\n",
				  t->stop_reason, (unsigned long long)items_not_sent(t),
				  t->input_unread ? "; the rest of the input was not read" : "");
	/* the size is the request body's (the item with its resource and scope) */
	if (t->oversize_requests)
		rc |= strbuf_addf(
			f,
			"otlp-replay: warning: %llu request%s exceed%s --max-request-bytes %llu: "
			"%s a single %s, which cannot be split (the %srequest is %llu bytes)\n",
			(unsigned long long)t->oversize_requests,
			t->oversize_requests == 1 ? "" : "s", t->oversize_requests == 1 ? "s" : "",
			(unsigned long long)t->max_request_bytes,
			t->oversize_requests == 1 ? "it holds" : "each holds",
			item_noun(t->oversize_signals), t->oversize_requests == 1 ? "" : "largest ",
			(unsigned long long)t->oversize_max);
	if (t->inputs_not_telemetry)
		rc |= strbuf_addf(f, "otlp-replay: %llu file%s in the folders skipped: not OTLP telemetry\n",
				  (unsigned long long)t->inputs_not_telemetry,
				  t->inputs_not_telemetry == 1 ? "" : "s");
	if (t->inputs_truncated)
		rc |= strbuf_addf(f, "otlp-replay: %s%llu input%s truncated (ending inside a record)%s\n",
				  t->truncation_allowed ? "warning: " : "",
				  (unsigned long long)t->inputs_truncated,
				  t->inputs_truncated == 1 ? "" : "s",
				  t->truncation_allowed ? "" : ": exit status 2 (--allow-truncated accepts it)");
	if (t->bad_records_skipped)
		rc |= strbuf_addf(f, "otlp-replay: %llu bad record%s skipped (--skip-bad-records)\n",
				  (unsigned long long)t->bad_records_skipped,
				  t->bad_records_skipped == 1 ? "" : "s");
	if (t->items_skipped)
		rc |= strbuf_addf(f, "otlp-replay: resumed: %llu items had been sent before\n",
				  (unsigned long long)t->items_skipped);
	if (t->clamped)
		rc |= strbuf_addf(
			f,
			"otlp-replay: warning: %llu timestamps fell outside 1970..2554 after the "
			"time shift and were clamped\n",
			(unsigned long long)t->clamped);
	if (t->interrupted && !t->dry_run)
		rc |= strbuf_addf(
			f,
			"otlp-replay: interrupted before the end: %llu items not sent (%llu in "
			"%llu "
			"request%s cancelled in flight or waiting for a retry)\n",
			(unsigned long long)items_not_sent(t),
			(unsigned long long)t->items_cancelled,
			(unsigned long long)t->requests_cancelled,
			t->requests_cancelled == 1 ? "" : "s");
	else if (t->interrupted)
		rc |= strbuf_addf(f, "otlp-replay: interrupted before the end\n");
	return rc ? -1 : 0;
}

/* ,"inputs_truncated": N, "truncated": [{"file", "offset", "missing" (null: unknown)}] */
static int add_truncated(struct strbuf *o, const struct replay_totals *t)
{
	int rc = strbuf_addf(o,
			     ",\n  \"bad_records_skipped\": %llu,"
			     "\n  \"inputs_not_telemetry\": %llu,\n  \"inputs_empty\": %llu,"
			     "\n  \"inputs_truncated\": %llu,\n  \"truncated\": [",
			     (unsigned long long)t->bad_records_skipped,
			     (unsigned long long)t->inputs_not_telemetry,
			     (unsigned long long)t->inputs_empty,
			     (unsigned long long)t->inputs_truncated);

	for (uint64_t i = 0; i < t->inputs_truncated && i < REPLAY_TRUNCATED_KEPT && !rc; i++) {
		const struct replay_cut *c = &t->truncated[i];

		rc = strbuf_addf(o, "%s{\"file\": ", i ? ", " : "") ||
		     jsonw_add_str(o, c->file, strlen(c->file)) ||
		     strbuf_addf(o, ", \"offset\": %llu, \"missing\": ",
				 (unsigned long long)c->offset);
		if (!rc)
			rc = c->missing ? strbuf_addf(o, "%llu}", (unsigned long long)c->missing)
					: strbuf_addf(o, "null}");
	}
	return rc || strbuf_addf(o, "]");
}

int replay_summary_json(const char *path, const struct replay_totals *t, int exit_code,
			struct otelsim_error *err)
{
	struct strbuf o = STRBUF_INIT;
	double s = seconds(t);
	char secs[32], ips[32];
	int rc;

	secs[fmt_double(secs, (double)(int64_t)(s * 1000 + 0.5) / 1000)] = '\0';
	ips[fmt_u64(ips, items_per_second(t, s))] = '\0';
	if (strbuf_addf(
		    &o,
		    "{\n  \"dry_run\": %s,\n  \"items_read\": %llu,\n  \"items_sent\": %llu,\n"
		    "  \"items_accepted\": %llu,\n  \"items_rejected\": %llu,\n"
		    "  \"items_retried\": %llu,\n  \"items_failed\": %llu,\n"
		    "  \"items_skipped\": %llu,\n  \"retries\": %llu,\n  \"requests\": %llu,\n"
		    "  \"requests_failed\": %llu,\n  \"bytes\": %llu,\n  \"wire_bytes\": %llu,\n"
		    "  \"passes\": %llu,\n  \"clamped_timestamps\": %llu,\n"
		    "  \"seconds\": %s,\n  \"items_per_second\": %s,\n  \"interrupted\": %s,\n"
		    "  \"items_not_sent\": %llu,\n  \"items_cancelled\": %llu,\n"
		    "  \"stopped\": %s,\n  \"input_complete\": %s,\n"
		    "  \"oversize_requests\": %llu,\n  \"oversize_max_bytes\": %llu,\n"
		    "  \"exit_code\": %d,\n  \"stop_reason\": ",
		    t->dry_run ? "true" : "false", (unsigned long long)t->items_read,
		    (unsigned long long)t->items_sent, (unsigned long long)t->items_accepted,
		    (unsigned long long)t->items_rejected, (unsigned long long)t->items_retried,
		    (unsigned long long)t->items_failed, (unsigned long long)t->items_skipped,
		    (unsigned long long)t->retries, (unsigned long long)t->requests,
		    (unsigned long long)t->requests_failed, (unsigned long long)t->bytes,
		    (unsigned long long)t->wire_bytes, (unsigned long long)t->passes,
		    (unsigned long long)t->clamped, secs, ips, t->interrupted ? "true" : "false",
		    (unsigned long long)items_not_sent(t), (unsigned long long)t->items_cancelled,
		    t->stopped ? "true" : "false",
		    t->input_unread || t->interrupted || t->inputs_truncated ? "false" : "true",
		    (unsigned long long)t->oversize_requests, (unsigned long long)t->oversize_max,
		    exit_code) ||
	    (t->stopped ? jsonw_add_str(&o, t->stop_reason, strlen(t->stop_reason))
			: strbuf_add(&o, "null", 4)) ||
	    add_truncated(&o, t) || strbuf_add(&o, "\n}\n", 3)) {
		strbuf_release(&o);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	/* a temporary name, then a rename: never a partial summary */
	rc = replay_write_file(path, o.buf, o.len, false, err);
	strbuf_release(&o);
	return rc;
}
