/* engine/failure.c - failures as instrumented code records them (failure.h). */
#include "engine/failure.h"

#include <string.h>

#include "model/model.h"

#define STATUS_ERROR 2
#define KIND_SERVER   2
#define KIND_CLIENT   3
#define KIND_PRODUCER 4

enum conv { CONV_NONE = 0, CONV_HTTP, CONV_RPC, CONV_DB };

static const char error_type_key[] = "error.type";
static const char http_code_key[] = "http.response.status_code";
static const char rpc_code_key[] = "rpc.response.status_code";
static const char db_code_key[] = "db.response.status_code";
static const char exc_type_key[] = "exception.type";
static const char exc_msg_key[] = "exception.message";
static const char exc_stack_key[] = "exception.stacktrace";
static const char exception_name[] = "exception";

#define KEYLEN(k) ((uint32_t)(sizeof(k) - 1))

static bool is(const char *p, uint32_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(p, lit, len) == 0;
}

static struct keyval *find(struct span_out *s, const char *key, uint32_t len)
{
	for (uint32_t k = 0; k < s->nattrs; k++)
		if (s->attrs[k].key_len == len && memcmp(s->attrs[k].key, key, len) == 0)
			return &s->attrs[k];
	return NULL;
}

/* s's attribute `key`, appended (into a spare slot) when absent. */
static struct keyval *slot(struct span_out *s, const char *key, uint32_t len)
{
	struct keyval *kv = find(s, key, len);

	if (!kv) {
		kv = &s->attrs[s->nattrs++];
		kv->key = key;
		kv->key_len = len;
	}
	return kv;
}

static const struct keyval *find_const(const struct span_out *s, const char *key)
{
	uint32_t len = (uint32_t)strlen(key);

	for (uint32_t k = 0; k < s->nattrs; k++)
		if (s->attrs[k].key_len == len && memcmp(s->attrs[k].key, key, len) == 0)
			return &s->attrs[k];
	return NULL;
}

static int conv_of(const struct span_out *s)
{
	if (find_const(s, "http.request.method"))
		return CONV_HTTP;
	if (find_const(s, "rpc.system.name") || find_const(s, "rpc.system"))
		return CONV_RPC;
	if (find_const(s, "db.system.name") || find_const(s, "db.system"))
		return CONV_DB;
	return CONV_NONE;
}

/* A type that is an HTTP status code (3 digits, 100..599), else 0. */
static int type_code(const struct failure *f)
{
	int c = 0;

	if (f->type_len != 3)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (f->type[i] < '0' || f->type[i] > '9')
			return 0;
		c = c * 10 + (f->type[i] - '0');
	}
	return c >= 100 && c <= 599 ? c : 0;
}

static bool rate_limit(const struct failure *f)
{
	return is(f->type, f->type_len, "RateLimitExceeded") ||
	       is(f->type, f->type_len, "rate_limited") ||
	       is(f->type, f->type_len, "rate_limit_exceeded");
}

static int64_t http_code(const struct failure *f)
{
	int c = type_code(f);

	if (c)
		return c;
	if (is(f->type, f->type_len, "timeout"))
		return 504;
	if (is(f->type, f->type_len, "unavailable"))
		return 503;
	if (is(f->type, f->type_len, "invalid_arguments"))
		return 400;
	return rate_limit(f) ? 429 : 500;
}

static const char *rpc_code(const struct failure *f)
{
	int c = type_code(f);

	if (is(f->type, f->type_len, "timeout") || c == 504)
		return "DEADLINE_EXCEEDED";
	if (is(f->type, f->type_len, "unavailable") || c == 503)
		return "UNAVAILABLE";
	if (is(f->type, f->type_len, "invalid_arguments") || c == 400)
		return "INVALID_ARGUMENT";
	if (rate_limit(f) || c == 429)
		return "RESOURCE_EXHAUSTED";
	return "UNKNOWN";
}

static bool sql_system(const struct span_out *s)
{
	static const char *const sql[] = { "postgresql", "mysql", "mariadb", "microsoft.sql_server",
					   "oracle.db", "sqlite", "cockroachdb", NULL };
	const struct keyval *kv = find_const(s, "db.system.name");

	if (!kv)
		kv = find_const(s, "db.system");
	if (!kv || kv->value.type != VAL_STRING)
		return false;
	for (int i = 0; sql[i]; i++)
		if (is(kv->value.u.s.ptr, kv->value.u.s.len, sql[i]))
			return true;
	return false;
}

static const char *db_code(const struct failure *f)
{
	int c = type_code(f);

	if (is(f->type, f->type_len, "timeout") || c == 504)
		return "57014";
	if (is(f->type, f->type_len, "unavailable") || c == 503)
		return "08006";
	if (is(f->type, f->type_len, "invalid_arguments") || c == 400)
		return "22023";
	return "XX000";
}

static void set_str(struct keyval *kv, const char *p, uint32_t len)
{
	kv->value.type = VAL_STRING;
	kv->value.u.s.ptr = p;
	kv->value.u.s.len = len;
}

/* The status code attribute the conventions set (none: NULL); error.attributes win. */
static struct keyval *set_code(struct span_out *s, int conv, const struct failure *f, bool own)
{
	struct keyval *kv = NULL;
	const char *code;

	if (conv == CONV_HTTP) {
		kv = slot(s, http_code_key, KEYLEN(http_code_key));
		kv->value.type = VAL_INT;
		kv->value.u.i = http_code(f);
	} else if (conv == CONV_RPC) {
		kv = slot(s, rpc_code_key, KEYLEN(rpc_code_key));
		code = rpc_code(f);
		set_str(kv, code, (uint32_t)strlen(code));
	} else if (conv == CONV_DB && sql_system(s)) {
		kv = slot(s, db_code_key, KEYLEN(db_code_key));
		code = db_code(f);
		set_str(kv, code, (uint32_t)strlen(code));
	}
	for (uint32_t k = 0; own && k < f->nattrs; k++)
		slot(s, f->attrs[k].key, f->attrs[k].key_len)->value = f->attrs[k].value;
	if (conv == CONV_HTTP)
		return find(s, http_code_key, KEYLEN(http_code_key));
	if (conv == CONV_RPC)
		return find(s, rpc_code_key, KEYLEN(rpc_code_key));
	return kv ? find(s, db_code_key, KEYLEN(db_code_key)) : NULL;
}

static int64_t int_of(const struct keyval *kv)
{
	int64_t i = 0;

	if (kv->value.type == VAL_INT)
		return kv->value.u.i;
	if (kv->value.type == VAL_STRING)
		value_parse_int(kv->value.u.s.ptr, kv->value.u.s.len, &i);
	return i;
}

/* Whether the status code at kv fails span s (its kind) under its conventions. */
static bool code_fails(const struct span_out *s, int conv, const struct keyval *kv)
{
	static const char *const rpc_server_errors[] = { "UNKNOWN",	"DEADLINE_EXCEEDED",
							 "UNIMPLEMENTED", "INTERNAL",
							 "UNAVAILABLE",	"DATA_LOSS",
							 NULL };

	if (!kv)
		return true;
	if (conv == CONV_HTTP) {
		int64_t c = int_of(kv);

		return s->kind == KIND_SERVER ? c >= 500 || c < 100 : c >= 400 || c < 100;
	}
	if (conv == CONV_RPC && s->kind == KIND_SERVER && kv->value.type == VAL_STRING) {
		for (int i = 0; rpc_server_errors[i]; i++)
			if (is(kv->value.u.s.ptr, kv->value.u.s.len, rpc_server_errors[i]))
				return true;
		return false;
	}
	return true;
}

/* The type an untyped failure takes from its status code: the code's text. */
static void type_from_code(const struct keyval *kv, struct arena *a, struct failure *f)
{
	if (kv && kv->value.type == VAL_STRING) {
		f->type = kv->value.u.s.ptr;
		f->type_len = kv->value.u.s.len;
	} else if (kv && kv->value.type == VAL_INT) {
		char *t = arena_printf(a, "%lld", (long long)kv->value.u.i);

		if (t) {
			f->type = t;
			f->type_len = (uint32_t)strlen(t);
		}
	}
}

/*
 * Whether own failure f would leave s with a failing status code (what
 * set_code and code_fails decide), without touching s.
 */
static bool would_fail(const struct span_out *s, int conv, const struct failure *f)
{
	struct keyval kv;
	const char *key = conv == CONV_HTTP  ? http_code_key
			  : conv == CONV_RPC ? rpc_code_key
			  : conv == CONV_DB && sql_system(s) ? db_code_key
							      : NULL;

	if (!key)
		return true;
	if (conv == CONV_HTTP) {
		kv.value.type = VAL_INT;
		kv.value.u.i = http_code(f);
	} else {
		const char *code = conv == CONV_RPC ? rpc_code(f) : db_code(f);

		set_str(&kv, code, (uint32_t)strlen(code));
	}
	for (uint32_t k = 0; k < f->nattrs; k++)
		if (is(f->attrs[k].key, f->attrs[k].key_len, key))
			kv.value = f->attrs[k].value;
	return code_fails(s, conv, &kv);
}

int failure_mark(struct span_out *s, const struct failure *f, bool own, struct arena *a,
		 struct failure *as_propagated)
{
	struct failure eff = *f;
	const struct keyval *code;
	int conv;

	if (!own && s->status_code == STATUS_ERROR)
		return 1;
	conv = conv_of(s);
	/* an own failure that is none (a 4xx on a server) leaves a descendant's mark as it is */
	if (own && s->status_code == STATUS_ERROR && !would_fail(s, conv, f))
		return 0;
	code = set_code(s, conv, f, own);
	if (!code_fails(s, conv, code))
		return 0;
	if (!f->typed && code)
		type_from_code(code, a, &eff);
	if (!eff.msg || !eff.msg_len || (!f->typed && f->msg == f->type)) {
		eff.msg = eff.type;
		eff.msg_len = eff.type_len;
	}
	s->status_code = STATUS_ERROR;
	s->status_message = eff.msg;
	s->status_message_len = eff.msg_len;
	set_str(slot(s, error_type_key, KEYLEN(error_type_key)), eff.type, eff.type_len);
	if (as_propagated) {
		*as_propagated = eff;
		as_propagated->typed = true;
		as_propagated->attrs = NULL;
		as_propagated->nattrs = 0;
	}
	return 1;
}

void failure_of(const struct span_out *s, struct failure *f)
{
	const struct keyval *kv = find_const(s, error_type_key);

	memset(f, 0, sizeof(*f));
	f->typed = true;
	f->type = "_OTHER";
	f->type_len = 6;
	if (kv && kv->value.type == VAL_STRING) {
		f->type = kv->value.u.s.ptr;
		f->type_len = kv->value.u.s.len;
	}
	f->msg = s->status_message_len ? s->status_message : f->type;
	f->msg_len = s->status_message_len ? s->status_message_len : f->type_len;
}

/* exception.type, exception.message (and exception.stacktrace) in a fresh array */
static struct keyval *exception_attrs(const struct failure *f, struct arena *a, uint32_t *n)
{
	struct keyval *kv = arena_alloc(a, 3 * sizeof(*kv));

	if (!kv)
		return NULL;
	kv[0].key = exc_type_key;
	kv[0].key_len = KEYLEN(exc_type_key);
	set_str(&kv[0], f->type, f->type_len);
	kv[1].key = exc_msg_key;
	kv[1].key_len = KEYLEN(exc_msg_key);
	set_str(&kv[1], f->msg, f->msg_len);
	*n = 2;
	if (f->stack) {
		kv[2].key = exc_stack_key;
		kv[2].key_len = KEYLEN(exc_stack_key);
		set_str(&kv[2], f->stack, f->stack_len);
		*n = 3;
	}
	return kv;
}

int failure_event(const struct failure *f, int64_t t, struct arena *a, struct event_out *ev)
{
	ev->attrs = exception_attrs(f, a, &ev->nattrs);
	if (!ev->attrs)
		return -1;
	ev->time_ns = (uint64_t)t;
	ev->name = exception_name;
	ev->name_len = KEYLEN(exception_name);
	return 0;
}

const char *severity_text(uint8_t severity, uint32_t *len)
{
	static const char *const names[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };
	const char *t;

	if (severity < 1 || severity > 24)
		return NULL;
	t = names[(severity - 1) / 4];
	*len = (uint32_t)strlen(t);
	return t;
}

int failure_log(const struct failure *f, const struct span_out *s, struct batch *out)
{
	struct log_out *l;
	struct keyval *kv;
	uint32_t n;
	size_t idx = (size_t)(s - out->spans);

	kv = exception_attrs(f, &out->arena, &n);
	if (!kv || !(l = batch_add_log(out, OTELSIM_LOGS)))
		return -1;
	s = &out->spans[idx];
	l->time_ns = l->observed_ns = s->end_ns;
	memcpy(l->trace_id, s->trace_id, 16);
	memcpy(l->span_id, s->span_id, 8);
	l->has_trace_id = l->has_span_id = 1;
	l->flags = s->flags & 0xffu;
	l->resource = s->resource;
	l->severity = s->kind == KIND_CLIENT || s->kind == KIND_PRODUCER ? SEV_WARN : SEV_ERROR;
	l->severity_text = severity_text(l->severity, &l->severity_text_len);
	l->body.type = VAL_STRING;
	l->body.u.s.ptr = f->msg;
	l->body.u.s.len = f->msg_len;
	l->attrs = kv;
	l->nattrs = n;
	return 0;
}
