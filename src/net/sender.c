/*
 * The sender: one libcurl multi handle driving up to `concurrency` easy
 * handles (slots). A slot holds one request from sender_submit until its
 * done() call: it is either running (added to the multi handle) or waiting
 * for its next attempt (due_ns). Everything runs on the caller's thread,
 * inside sender_submit/poll/drain/free; connections stay in the multi
 * handle's cache and are reused (HTTP/1.1 keep-alive, HTTP/2 multiplexing
 * for gRPC).
 */
#include "net/sender.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "net/reply.h"
#include "net/wire.h"
#include "otelsim/otelsim.h"
#include "otelsim/version.h"
#include "util/error.h"
#include "util/rng.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/timefmt.h"

#define MAX_CONCURRENCY  1024
#define HEADER_VALUE_MAX 256
#define NS_PER_MS        1000000

struct slot {
	struct sender *s;
	CURL *easy;
	bool busy;    /* holds a request */
	bool running; /* added to the multi handle */

	/* the request */
	int signal; /* 0..2 */
	const struct sender_target *t;
	bool json;
	uint64_t items;
	void *tag;
	struct strbuf body; /* exactly what goes on the wire */
	int64_t first_ns, due_ns;
	uint32_t retries;

	/* the current attempt's response */
	struct strbuf resp; /* the first max_response_bytes of the body */
	bool resp_cut;      /* the body was longer: resp holds its start */
	char content_type[HEADER_VALUE_MAX];
	char retry_after[HEADER_VALUE_MAX];
	int grpc_status; /* -1: none seen */
	struct strbuf grpc_message;
	struct strbuf grpc_details;
	char errbuf[CURL_ERROR_SIZE];

	struct send_result res;
};

struct sender {
	struct sender_config cfg;
	struct curl_slist *hdrs[3]; /* per target, built once */
	CURLM *multi;
	struct slot *slots;
	unsigned nslots;
	size_t busy;
	sender_done_fn done;
	void *ctx;
	struct rng rng;
	bool in_done;
	bool curl_inited;
	bool h2c_no_reuse;  /* see setup_easy */
	bool h2_spin_guard; /* libcurl < 8.0: see sender_poll */
};

const char *sender_protocol_name(int protocol)
{
	switch (protocol) {
	case SENDER_HTTP_JSON:
		return "http/json";
	case SENDER_GRPC:
		return "grpc";
	default:
		return "http/protobuf";
	}
}

void sender_config_init(struct sender_config *cfg)
{
	static const char *const urls[3] = { "http://localhost:4318/v1/traces",
					     "http://localhost:4318/v1/metrics",
					     "http://localhost:4318/v1/logs" };

	memset(cfg, 0, sizeof(*cfg));
	for (int i = 0; i < 3; i++) {
		cfg->target[i].protocol = SENDER_HTTP_PROTOBUF;
		cfg->target[i].url = urls[i];
		cfg->target[i].timeout_ms = 10000;
	}
	cfg->concurrency = 1;
	cfg->retry_initial_ms = 500;
	cfg->retry_max_interval_ms = 30000;
	cfg->retry_max_elapsed_ms = 300000;
	cfg->max_response_bytes = 4u << 20;
}

/* ---- libcurl callbacks ---- */

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct slot *x = userp;
	size_t len = size * n, room = x->s->cfg.max_response_bytes - x->resp.len;

	if (x->resp.len >= x->s->cfg.max_response_bytes)
		room = 0;
	if (room > len)
		room = len;
	if (room < len)
		x->resp_cut = true;
	if (room && strbuf_add(&x->resp, data, room))
		return 0; /* out of memory: abort the transfer */
	return len;
}

static void keep_value(char *dst, const char *v, size_t len)
{
	if (len >= HEADER_VALUE_MAX)
		len = HEADER_VALUE_MAX - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static void reset_response(struct slot *x)
{
	x->content_type[0] = x->retry_after[0] = '\0';
	x->grpc_status = -1;
	strbuf_reset(&x->grpc_message);
	strbuf_reset(&x->grpc_details);
}

/*
 * Every header line, and HTTP/2 trailers one line each when the stream
 * ends (libcurl 7.88). A status line starts a new response (after 1xx).
 */
static size_t on_header(char *line, size_t size, size_t n, void *userp)
{
	struct slot *x = userp;
	size_t total = size * n, len = total, nlen, vlen;
	const char *colon, *v;

	if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		reset_response(x);
		return total;
	}
	colon = memchr(line, ':', len);
	if (!colon)
		return total;
	nlen = (size_t)(colon - line);
	v = colon + 1;
	while (v < line + len && (*v == ' ' || *v == '\t'))
		v++;
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (v > line + len)
		v = line + len;
	vlen = (size_t)(line + len - v);

#define IS(name) (nlen == sizeof(name) - 1 && strncasecmp(line, name, nlen) == 0)
	if (IS("content-type")) {
		keep_value(x->content_type, v, vlen);
	} else if (IS("retry-after")) {
		keep_value(x->retry_after, v, vlen);
	} else if (IS("grpc-status")) {
		int code = 0;

		if (vlen == 0 || vlen > 3)
			code = 2;
		for (size_t i = 0; i < vlen; i++)
			code = v[i] >= '0' && v[i] <= '9' ? code * 10 + (v[i] - '0') : 2;
		x->grpc_status = code;
	} else if (IS("grpc-message")) {
		strbuf_reset(&x->grpc_message);
		if (strbuf_add(&x->grpc_message, v, vlen > 4096 ? 4096 : vlen))
			return 0;
	} else if (IS("grpc-status-details-bin")) {
		strbuf_reset(&x->grpc_details);
		if (strbuf_add(&x->grpc_details, v, vlen > 65536 ? 65536 : vlen))
			return 0;
	}
#undef IS
	return total;
}

/* ---- set-up ---- */

static struct curl_slist *slist_add(struct curl_slist *l, const char *h, bool *oom)
{
	struct curl_slist *n = curl_slist_append(l, h);

	if (!n)
		*oom = true;
	return n ? n : l;
}

static struct curl_slist *target_headers(const struct sender_target *t)
{
	struct curl_slist *l = NULL;
	bool oom = false;

	if (t->protocol == SENDER_GRPC) {
		char timeout[16], line[48];

		wire_grpc_timeout(t->timeout_ms, timeout);
		snprintf(line, sizeof(line), "grpc-timeout: %s", timeout);
		l = slist_add(l, "content-type: application/grpc", &oom);
		l = slist_add(l, "te: trailers", &oom);
		l = slist_add(l, line, &oom);
		if (t->gzip)
			l = slist_add(l, "grpc-encoding: gzip", &oom);
		l = slist_add(l, "grpc-accept-encoding: gzip", &oom);
		l = slist_add(l, "Accept:", &oom); /* no default Accept header in grpc metadata */
	} else {
		l = slist_add(l,
			      t->protocol == SENDER_HTTP_JSON
				      ? "Content-Type: application/json"
				      : "Content-Type: application/x-protobuf",
			      &oom);
		if (t->gzip)
			l = slist_add(l, "Content-Encoding: gzip", &oom);
		/* libcurl asks for 100-continue over 1 MiB; servers rarely answer it */
		l = slist_add(l, "Expect:", &oom);
	}
	for (size_t i = 0; i < t->nheaders; i++)
		l = slist_add(l, t->headers[i], &oom);
	if (oom) {
		curl_slist_free_all(l);
		return NULL;
	}
	return l;
}

static const char *const signal_name[3] = { "traces", "metrics", "logs" };

static int check_config(const struct sender_config *cfg, struct otelsim_error *err)
{
	for (int i = 0; i < 3; i++) {
		const struct sender_target *t = &cfg->target[i];

		if (t->protocol < SENDER_HTTP_PROTOBUF || t->protocol > SENDER_GRPC)
			return error_set(err, OTELSIM_EUSAGE, "%s: unknown protocol %d",
					 signal_name[i], t->protocol);
		if (!t->url || (strncasecmp(t->url, "http://", 7) != 0 &&
				strncasecmp(t->url, "https://", 8) != 0))
			return error_set(err, OTELSIM_EUSAGE,
					 "%s: endpoint URL must start with http:// or https://",
					 signal_name[i]);
		if (t->timeout_ms < 0)
			return error_set(err, OTELSIM_EUSAGE, "%s: negative timeout",
					 signal_name[i]);
		/* a CR or LF would start a header of its own (the value is never shown) */
		for (size_t k = 0; k < t->nheaders; k++) {
			if (!t->headers[k] || strpbrk(t->headers[k], "\r\n"))
				return error_set(err, OTELSIM_EUSAGE,
						 "%s: header #%zu has a line break", signal_name[i],
						 k + 1);
		}
	}
	if (cfg->retry_max_elapsed_ms < 0 || cfg->retry_initial_ms < 0 ||
	    cfg->retry_max_interval_ms < 0)
		return error_set(err, OTELSIM_EUSAGE, "negative retry setting");
	if (cfg->concurrency > MAX_CONCURRENCY)
		return error_set(err, OTELSIM_EUSAGE, "concurrency %u is over the limit of %d",
				 cfg->concurrency, MAX_CONCURRENCY);
	return 0;
}

int sender_new(const struct sender_config *cfg, sender_done_fn done, void *ctx, struct sender **out,
	       struct otelsim_error *err)
{
	struct sender *s = NULL;
	int rc;

	*out = NULL;
	if ((rc = check_config(cfg, err)) != 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	s->cfg = *cfg;
	for (int i = 0; i < 3; i++) {
		if (s->cfg.target[i].timeout_ms == 0)
			s->cfg.target[i].timeout_ms = 10000;
	}
	if (s->cfg.concurrency == 0)
		s->cfg.concurrency = 1;
	if (s->cfg.retry_initial_ms == 0)
		s->cfg.retry_initial_ms = 500;
	if (s->cfg.retry_max_interval_ms == 0)
		s->cfg.retry_max_interval_ms = 30000;
	if (s->cfg.max_response_bytes == 0)
		s->cfg.max_response_bytes = 4u << 20;
	s->done = done;
	s->ctx = ctx;
	rng_seed(&s->rng, cfg->jitter_seed, rng_hash("sender.jitter", 13), 0);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		rc = error_set(err, OTELSIM_ENET, "cannot initialise libcurl");
		goto fail;
	}
	s->curl_inited = true;
	/*
	 * libcurl before 8.0 (Debian 12 has 7.88.1) stacks a second HTTP/2
	 * layer on a reused prior-knowledge (h2c) connection: the next
	 * transfer hangs or fails with "Error in the HTTP2 framing layer"
	 * (curl PR #10643). Clear-text gRPC then takes one connection per
	 * request; TLS (ALPN) connections are reused and multiplexed.
	 */
	s->h2c_no_reuse = curl_version_info(CURLVERSION_NOW)->version_num < 0x080000;
	s->h2_spin_guard = s->h2c_no_reuse;
	for (int i = 0; i < 3; i++) {
		if (!(s->hdrs[i] = target_headers(&s->cfg.target[i])))
			goto oom;
	}
	if (!(s->multi = curl_multi_init()))
		goto oom;
	curl_multi_setopt(s->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->cfg.concurrency + 4);
	s->nslots = s->cfg.concurrency;
	s->slots = calloc(s->nslots, sizeof(*s->slots));
	if (!s->slots)
		goto oom;
	for (unsigned i = 0; i < s->nslots; i++) {
		struct slot *x = &s->slots[i];

		x->s = s;
		strbuf_init(&x->body, 0);
		strbuf_init(&x->resp, 0);
		strbuf_init(&x->grpc_message, 0);
		strbuf_init(&x->grpc_details, 0);
		if (!(x->easy = curl_easy_init()))
			goto oom;
	}
	*out = s;
	return 0;
oom:
	rc = error_set(err, OTELSIM_ENOMEM, "out of memory");
fail:
	sender_free(s);
	return rc;
}

/* ---- one attempt ---- */

static void set_message(struct slot *x, const char *text)
{
	reply_sanitize(text, strlen(text), x->res.message, sizeof(x->res.message));
}

/*
 * Every option of an attempt; the first that libcurl refuses (out of
 * memory, or a build without it) stops the attempt: a transfer without its
 * CA file or client certificate must not go out as if it had them.
 */
static CURLcode setup_easy(struct slot *x)
{
	const struct sender_target *t = x->t;
	CURL *e = x->easy;
	bool grpc = t->protocol == SENDER_GRPC;
	bool tls = strncasecmp(t->url, "https://", 8) == 0;
	CURLcode cc = CURLE_OK;

#define SET(opt, val)                                       \
	do {                                                \
		if (cc == CURLE_OK)                         \
			cc = curl_easy_setopt(e, opt, val); \
	} while (0)
	curl_easy_reset(e);
	SET(CURLOPT_URL, t->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDS, x->body.buf);
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body.len);
	SET(CURLOPT_HTTPHEADER, x->s->hdrs[x->signal]);
	SET(CURLOPT_USERAGENT, "otelsim/" OTELSIM_VERSION);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_PRIVATE, x);
	SET(CURLOPT_TIMEOUT_MS, (long)t->timeout_ms);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	if (grpc && tls) {
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
		SET(CURLOPT_PIPEWAIT, 1L); /* multiplex on one connection */
	} else if (grpc) {
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
		if (x->s->h2c_no_reuse) {
			/* libcurl < 8.0 breaks a reused prior-knowledge connection */
			SET(CURLOPT_FRESH_CONNECT, 1L);
			SET(CURLOPT_FORBID_REUSE, 1L);
		} else {
			SET(CURLOPT_PIPEWAIT, 1L);
		}
	} else if (!tls) {
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	}
	if (t->cacert)
		SET(CURLOPT_CAINFO, t->cacert);
	if (t->cert)
		SET(CURLOPT_SSLCERT, t->cert);
	if (t->key)
		SET(CURLOPT_SSLKEY, t->key);
	if (t->insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
#undef SET
	return cc;
}

/* 0, or -1 with the reason in x->res.message */
static int start_attempt(struct slot *x)
{
	CURLcode cc;
	CURLMcode mc;

	strbuf_reset(&x->resp);
	x->resp_cut = false;
	x->errbuf[0] = '\0';
	reset_response(x);
	if ((cc = setup_easy(x)) != CURLE_OK) {
		char text[160];

		snprintf(text, sizeof(text), "cannot set up the transfer: %s",
			 curl_easy_strerror(cc));
		set_message(x, text);
		return -1;
	}
	if ((mc = curl_multi_add_handle(x->s->multi, x->easy)) != CURLM_OK) {
		char text[160];

		snprintf(text, sizeof(text), "cannot start the transfer: %s",
			 curl_multi_strerror(mc));
		set_message(x, text);
		return -1;
	}
	x->running = true;
	return 0;
}

/* ---- outcomes ---- */

/* Every occurrence of needle[0..n) in msg becomes "***" (n >= 4: msg only shrinks). */
static void mask(char *msg, const char *needle, size_t n)
{
	char *p;

	if (n < 4)
		return;
	while ((p = memmem(msg, strlen(msg), needle, n)) != NULL) {
		p[0] = p[1] = p[2] = '*';
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
}

/*
 * Servers echo what they refuse ("invalid api key 'k-123'"): a message
 * passed on must not carry our header values, whole or any long word of
 * them (the token of "Bearer <token>").
 */
static void mask_header_values(const struct sender_target *t, char *msg)
{
	/* and the credentials of the URL (http://user:secret@host) */
	const char *host = strstr(t->url, "://");
	const char *end, *at;

	host = host ? host + 3 : t->url;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at && msg[0]) {
		const char *colon = memchr(host, ':', (size_t)(at - host));

		mask(msg, host, (size_t)(at - host));
		if (colon)
			mask(msg, colon + 1, (size_t)(at - colon - 1));
	}

	for (size_t k = 0; k < t->nheaders && msg[0]; k++) {
		const char *v = strchr(t->headers[k], ':');

		if (!v)
			continue; /* "Name;": an empty value */
		v += strspn(v + 1, " \t") + 1;
		mask(msg, v, strlen(v));
		while (*v) {
			size_t w = strcspn(v, " \t,;=");

			if (w >= 8)
				mask(msg, v, w);
			v += w;
			v += strspn(v, " \t,;=");
		}
	}
}

/*
 * The Basic authorization libcurl makes of URL credentials
 * (http://user:pw@host) never reaches a message either, should a server
 * echo it (mask_header_values masks the userinfo and its password).
 */
static void mask_userinfo(const char *url, char *msg)
{
	const char *a = strstr(url, "://"), *at;
	size_t alen, ulen;
	char b64[132];

	if (!a || !msg[0])
		return;
	a += 3;
	alen = strcspn(a, "/?#");
	at = memrchr(a, '@', alen);
	if (!at || at == a || (ulen = (size_t)(at - a)) > 96)
		return;
	base64_encode((const uint8_t *)a, ulen, b64);
	b64[BASE64_ENCODED_LEN(ulen)] = '\0';
	mask(msg, b64, strlen(b64));
}

static void finish(struct slot *x, int outcome)
{
	struct sender *s = x->s;

	mask_header_values(x->t, x->res.message);
	mask_userinfo(x->t->url, x->res.message);
	x->res.outcome = outcome;
	x->res.items = x->items;
	x->res.retries = x->retries;
	x->res.bytes = x->body.len;
	x->res.elapsed_ms = (time_mono_ns() - x->first_ns) / NS_PER_MS;
	if (outcome != SEND_PARTIAL)
		x->res.rejected = 0;
	x->busy = false;
	strbuf_reset(&x->body);
	s->busy--;
	s->in_done = true;
	if (s->done)
		s->done(s->ctx, x->tag, &x->res);
	s->in_done = false;
}

/* 1500 -> "1.5s", 3000 -> "3s", 120000 -> "2m", 250 -> "250ms" */
static void fmt_ms(int64_t ms, char *buf, size_t size)
{
	if (ms < 1000)
		snprintf(buf, size, "%lldms", (long long)ms);
	else if (ms % 60000 == 0)
		snprintf(buf, size, "%lldm", (long long)(ms / 60000));
	else if (ms % 1000 == 0)
		snprintf(buf, size, "%llds", (long long)(ms / 1000));
	else if (ms % 100 == 0)
		snprintf(buf, size, "%lld.%llds", (long long)(ms / 1000),
			 (long long)(ms % 1000 / 100));
	else
		snprintf(buf, size, "%lld.%03llds", (long long)(ms / 1000), (long long)(ms % 1000));
}

/* "message; text", or text when there is no message (cut to fit) */
static void add_message(struct slot *x, const char *text)
{
	size_t n = strlen(x->res.message);

	if (n && n + 2 < sizeof(x->res.message))
		snprintf(x->res.message + n, sizeof(x->res.message) - n, "; %s", text);
	else if (!n)
		set_message(x, text);
}

/*
 * A retryable failure: schedule the next attempt after hint_ms (the
 * server's Retry-After/RetryInfo; -1: backoff), unless that passes
 * retry_max_elapsed_ms.
 */
static void retry_or_fail(struct slot *x, int64_t hint_ms)
{
	struct sender *s = x->s;
	int64_t now = time_mono_ns(), delay;
	int64_t budget = s->cfg.retry_max_elapsed_ms, elapsed = (now - x->first_ns) / NS_PER_MS;

	delay = hint_ms >= 0 ? hint_ms
			     : reply_backoff_ms(s->cfg.retry_initial_ms,
						s->cfg.retry_max_interval_ms, x->retries, &s->rng);
	/* a delay past the budget (or past what int64 ns hold) ends the request */
	if (budget == 0 || delay > budget || delay > (INT64_MAX - now) / NS_PER_MS ||
	    elapsed + delay > budget) {
		char b[32], d[32], e[32], text[256];
		const char *name = s->cfg.retry_budget_name;

		fmt_ms(budget, b, sizeof(b));
		fmt_ms(delay, d, sizeof(d));
		fmt_ms(elapsed, e, sizeof(e));
		if (budget == 0)
			snprintf(text, sizeof(text), "not retried (%s%s)",
				 name ? name : "the retry budget is ", name ? " 0" : "0");
		else if (hint_ms >= 0)
			snprintf(text, sizeof(text),
				 "the server asked to retry after %s, past %s%s%s%s", d,
				 delay > budget ? "" : "what is left of ",
				 name ? name : "the retry budget of ", name ? " " : "", b);
		else if (x->retries == 0)
			snprintf(text, sizeof(text), "not retried: a retry in %s would pass %s%s%s",
				 d, name ? name : "the retry budget of ", name ? " " : "", b);
		else
			snprintf(text, sizeof(text), "gave up after %u %s over %s (%s%s%s)",
				 x->retries, x->retries == 1 ? "retry" : "retries", e,
				 name ? name : "the retry budget of ", name ? " " : "", b);
		add_message(x, text);
		x->res.gave_up = true;
		finish(x, SEND_FAILED);
		return;
	}
	x->retries++;
	x->due_ns = now + delay * NS_PER_MS;
	if (s->cfg.on_retry) {
		mask_header_values(x->t, x->res.message);
		x->res.retries = x->retries;
		s->in_done = true;
		s->cfg.on_retry(s->ctx, &x->res, delay);
		s->in_done = false;
	}
}

static bool transport_retryable(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* The TLS handshake failed (speaking TLS to a clear-text server ends so). */
static bool tls_failure(CURLcode cc)
{
	switch (cc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		return true;
	default:
		return false;
	}
}

static void transport_failed(struct slot *x, CURLcode cc)
{
	char text[CURL_ERROR_SIZE + 64];

	snprintf(text, sizeof(text), "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
	/* the usual cause: grpc sent to an OTLP/HTTP port, or the reverse */
	if (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_WEIRD_SERVER_REPLY || cc == CURLE_HTTP2)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " (does the endpoint speak %s?)", sender_protocol_name(x->t->protocol));
	set_message(x, text);
	if (x->t->tls_hint && tls_failure(cc))
		add_message(x, x->t->tls_hint);
	if (transport_retryable(cc))
		retry_or_fail(x, -1);
	else
		finish(x, SEND_FAILED);
}

/* 2xx / grpc-status 0: full or partial success from the response message */
/* The items were accepted but the response cannot be read whole. */
static void unread_response(struct slot *x, const char *how)
{
	char text[128];

	snprintf(text, sizeof(text), "export response %s %zu bytes: not read", how,
		 x->s->cfg.max_response_bytes);
	set_message(x, text);
	finish(x, SEND_OK);
}

static void succeeded(struct slot *x, const void *msg, size_t len, bool json)
{
	int64_t rejected = 0;

	if (x->resp_cut) {
		unread_response(x, "over");
		return;
	}
	if (reply_parse_export(x->signal, json, msg, len, &rejected, x->res.message,
			       sizeof(x->res.message))) {
		set_message(x, "could not read the export response");
		finish(x, SEND_OK);
		return;
	}
	x->res.rejected = rejected;
	finish(x, rejected > 0 ? SEND_PARTIAL : SEND_OK);
}

static void http_done(struct slot *x, CURLcode cc, long status)
{
	if (cc != CURLE_OK) {
		transport_failed(x, cc);
		return;
	}
	if (status >= 200 && status < 300) {
		succeeded(x, x->resp.buf, x->resp.len, x->json);
		return;
	}
	reply_error_message(x->content_type[0] ? x->content_type : NULL, x->resp.buf, x->resp.len,
			    x->res.message, sizeof(x->res.message));
	if (reply_http_retryable((int)status)) {
		int64_t hint = -1;

		if ((status == 429 || status == 503) && x->retry_after[0])
			hint = reply_retry_after_ms(x->retry_after, time_now_ns() / NS_PER_MS);
		retry_or_fail(x, hint);
		return;
	}
	finish(x, SEND_FAILED);
}

static void grpc_done(struct slot *x, CURLcode cc, long status)
{
	struct strbuf sb = STRBUF_INIT, inflated;
	int64_t delay = -1;
	int code = x->grpc_status;

	if (cc == CURLE_HTTP2_STREAM) {
		/* a reset stream loses the trailers: UNAVAILABLE */
		x->res.grpc_status = 14;
		transport_failed(x, cc);
		return;
	}
	if (cc != CURLE_OK) {
		transport_failed(x, cc);
		return;
	}
	if (code < 0 && status != 200) {
		code = reply_grpc_from_http((int)status);
		reply_error_message(x->content_type[0] ? x->content_type : NULL, x->resp.buf,
				    x->resp.len, x->res.message, sizeof(x->res.message));
	} else if (code < 0) {
		code = 13; /* INTERNAL */
		set_message(x, "response without grpc-status");
	}
	x->res.grpc_status = code;
	/* a compressed reply inflates no further than an uncompressed one may be long */
	strbuf_init(&inflated, x->s->cfg.max_response_bytes);
	if (code == 0) {
		const uint8_t *msg = NULL;
		size_t len = 0;
		bool compressed = false;
		int zr;

		if (x->resp_cut) {
			unread_response(x, "over");
		} else if (x->resp.len == 0) {
			succeeded(x, "", 0, false);
		} else if (wire_grpc_unframe(x->resp.buf, x->resp.len, &compressed, &msg, &len)) {
			set_message(x, "could not read the export response");
			finish(x, SEND_OK);
		} else if (!compressed) {
			succeeded(x, msg, len, false);
		} else if ((zr = wire_gunzip(msg, len, &inflated)) == WIRE_TOO_BIG) {
			unread_response(x, "inflates past");
		} else if (zr) {
			set_message(x, "could not decompress the export response");
			finish(x, SEND_OK);
		} else {
			succeeded(x, inflated.buf, inflated.len, false);
		}
		goto cleanup;
	}
	if (x->grpc_message.len) {
		if (wire_percent_decode(x->grpc_message.buf, x->grpc_message.len, false, &sb) == 0)
			reply_sanitize(sb.buf, sb.len, x->res.message, sizeof(x->res.message));
		strbuf_reset(&sb);
	}
	if (x->grpc_details.len &&
	    wire_base64_decode(x->grpc_details.buf, x->grpc_details.len, &sb) == 0) {
		int dcode;
		char dmsg[8];

		if (reply_rpc_status(sb.buf, sb.len, &dcode, dmsg, sizeof(dmsg), &delay))
			delay = -1;
	}
	if (!x->res.message[0])
		set_message(x, reply_grpc_code_name(code));
	if (reply_grpc_retryable(code, delay >= 0))
		retry_or_fail(x, delay);
	else
		finish(x, SEND_FAILED);
cleanup:
	strbuf_release(&sb);
	strbuf_release(&inflated);
}

static void attempt_done(struct slot *x, CURLcode cc)
{
	long status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(x->s->multi, x->easy);
	x->running = false;
	x->res.http_status = (int)status;
	x->res.grpc_status = -1;
	x->res.curl_code = (int)cc;
	x->res.message[0] = '\0';
	if (x->t->protocol == SENDER_GRPC)
		grpc_done(x, cc, status);
	else
		http_done(x, cc, status);
}

/* ---- driving ---- */

/* Start the attempts that are due; the time until the next one (ns; -1: none). */
static int64_t start_due(struct sender *s)
{
	int64_t now = time_mono_ns(), next = -1;

	for (unsigned i = 0; i < s->nslots; i++) {
		struct slot *x = &s->slots[i];

		if (!x->busy || x->running)
			continue;
		if (x->due_ns <= now) {
			if (start_attempt(x))
				finish(x, SEND_FAILED);
		} else if (next < 0 || x->due_ns - now < next) {
			next = x->due_ns - now;
		}
	}
	return next;
}

static unsigned collect(struct sender *s)
{
	CURLMsg *m;
	int left;
	unsigned n = 0;

	while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
		char *priv = NULL;
		struct slot *x;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		x = (struct slot *)(void *)priv;
		if (!x)
			continue;
		attempt_done(x, m->data.result);
		n++;
	}
	return n;
}

/* Bytes moved so far by the running transfers: a busy loop moves none. */
static uint64_t bytes_moved(struct sender *s)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < s->nslots; i++) {
		curl_off_t up = 0, down = 0;

		if (!s->slots[i].running)
			continue;
		curl_easy_getinfo(s->slots[i].easy, CURLINFO_SIZE_UPLOAD_T, &up);
		curl_easy_getinfo(s->slots[i].easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
		total += (uint64_t)up + (uint64_t)down;
	}
	return total;
}

/*
 * The multi handle itself failed (out of memory, a libcurl bug): no running
 * transfer can make progress, so each ends now as failed, with the reason,
 * rather than spinning until the caller's deadline.
 */
static void multi_failed(struct sender *s, CURLMcode mc)
{
	char text[160];

	snprintf(text, sizeof(text), "libcurl cannot drive the transfers: %s",
		 curl_multi_strerror(mc));
	for (unsigned i = 0; i < s->nslots; i++) {
		struct slot *x = &s->slots[i];

		if (!x->running)
			continue;
		curl_multi_remove_handle(s->multi, x->easy);
		x->running = false;
		set_message(x, text);
		finish(x, SEND_FAILED);
	}
}

/* curl_multi_perform, and what to do when it fails */
static void perform(struct sender *s)
{
	int running = 0;
	CURLMcode mc = curl_multi_perform(s->multi, &running);

	if (mc != CURLM_OK)
		multi_failed(s, mc);
}

size_t sender_poll(struct sender *s, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ns() + (timeout_ms > 0 ? timeout_ms : 0) * NS_PER_MS;
	size_t busy_before = s->busy;
	unsigned spins = 0;

	if (s->in_done)
		return s->busy;
	for (;;) {
		int64_t next, now, wait;

		start_due(s);
		perform(s);
		collect(s);
		now = time_mono_ns();
		if (s->busy < busy_before || s->busy == 0 || now >= deadline)
			break;
		wait = deadline - now;
		next = start_due(s);
		if (next >= 0 && next < wait)
			wait = next;
		wait = (wait + NS_PER_MS - 1) / NS_PER_MS;
		{
			int64_t t = time_mono_ns();
			uint64_t moved = s->h2_spin_guard ? bytes_moved(s) : 0;

			curl_multi_poll(s->multi, NULL, 0, (int)(wait > 1000 ? 1000 : wait), NULL);
			/*
			 * libcurl before 8.0 busy-loops on an HTTP/2 upload once the
			 * peer's flow-control window is full: the socket is writable,
			 * so curl_multi_poll returns at once, but nothing can be sent
			 * until a WINDOW_UPDATE arrives (curl issue 10618, fixed in
			 * 8.0). When a poll returns at once twice in a row and no byte
			 * moved, rest 200 us instead of burning a core on poll(2).
			 */
			perform(s);
			if (s->h2_spin_guard && wait > 0 && time_mono_ns() - t < 20000 &&
			    bytes_moved(s) == moved) {
				if (++spins >= 2) {
					struct timespec ts = { 0, 200000 };

					nanosleep(&ts, NULL);
				}
			} else {
				spins = 0;
			}
		}
	}
	return s->busy;
}

int sender_submit(struct sender *s, const struct send_req *req, struct otelsim_error *err)
{
	const struct sender_target *t;
	struct slot *x = NULL;
	int signal = req->signal == OTELSIM_EVENTS ? OTELSIM_LOGS : req->signal;
	uint8_t prefix[5];

	if (s->in_done)
		return error_set(err, OTELSIM_EINTERNAL, "sender_submit called from done()");
	if (signal < OTELSIM_TRACES || signal > OTELSIM_LOGS)
		return error_set(err, OTELSIM_EINTERNAL, "unknown signal %d", req->signal);
	t = &s->cfg.target[signal];
	if (req->json != (t->protocol == SENDER_HTTP_JSON))
		return error_set(err, OTELSIM_EUSAGE,
				 "a %s request body cannot be sent over %s to the %s endpoint",
				 req->json ? "JSON" : "protobuf", sender_protocol_name(t->protocol),
				 signal_name[signal]);
	if (t->protocol == SENDER_GRPC && req->len > UINT32_MAX - 5)
		return error_set(err, OTELSIM_ELIMIT, "request of %zu bytes is too large for grpc",
				 req->len);
	while (s->busy >= s->nslots)
		sender_poll(s, 1000);
	for (unsigned i = 0; i < s->nslots; i++) {
		if (!s->slots[i].busy) {
			x = &s->slots[i];
			break;
		}
	}
	if (!x)
		return error_set(err, OTELSIM_EINTERNAL, "no free sender slot");

	strbuf_reset(&x->body);
	if (t->protocol == SENDER_GRPC && strbuf_add(&x->body, "\0\0\0\0\0", 5))
		goto oom;
	if (t->gzip ? wire_gzip(req->body, req->len, &x->body)
		    : strbuf_add(&x->body, req->body, req->len))
		goto oom;
	if (t->protocol == SENDER_GRPC) {
		if (x->body.len - 5 > UINT32_MAX)
			return error_set(err, OTELSIM_ELIMIT,
					 "compressed request too large for grpc");
		wire_grpc_prefix(prefix, t->gzip, (uint32_t)(x->body.len - 5));
		memcpy(x->body.buf, prefix, 5);
	}
	x->signal = signal;
	x->t = t;
	x->json = req->json;
	x->items = req->items;
	x->tag = req->tag;
	x->retries = 0;
	memset(&x->res, 0, sizeof(x->res));
	x->res.grpc_status = -1;
	x->first_ns = x->due_ns = time_mono_ns();
	x->busy = true;
	s->busy++;
	if (start_attempt(x)) {
		x->busy = false;
		s->busy--;
		return error_set(err, OTELSIM_ENET, "%s", x->res.message);
	}
	sender_poll(s, 0);
	return 0;
oom:
	strbuf_reset(&x->body);
	return error_set(err, OTELSIM_ENOMEM, "out of memory for a request of %zu bytes", req->len);
}

int sender_drain(struct sender *s, struct otelsim_error *err)
{
	if (s->in_done)
		return error_set(err, OTELSIM_EINTERNAL, "sender_drain called from done()");
	while (s->busy)
		sender_poll(s, 1000);
	return 0;
}

void sender_free(struct sender *s)
{
	if (!s)
		return;
	for (unsigned i = 0; s->slots && i < s->nslots; i++) {
		struct slot *x = &s->slots[i];

		if (x->running) {
			curl_multi_remove_handle(s->multi, x->easy);
			x->running = false;
		}
		if (x->busy) {
			set_message(x, "cancelled");
			x->res.cancelled = true;
			x->res.gave_up = false;
			finish(x, SEND_FAILED);
		}
		if (x->easy)
			curl_easy_cleanup(x->easy);
		strbuf_release(&x->body);
		strbuf_release(&x->resp);
		strbuf_release(&x->grpc_message);
		strbuf_release(&x->grpc_details);
	}
	free(s->slots);
	if (s->multi)
		curl_multi_cleanup(s->multi);
	for (int i = 0; i < 3; i++)
		curl_slist_free_all(s->hdrs[i]);
	if (s->curl_inited)
		curl_global_cleanup();
	free(s);
}
