#include "net/reply.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"
#include "otelsim/otelsim.h"
#include "util/pbwire.h"
#include "util/text.h"

#define ERROR_TEXT_MAX 200

/* Length of the UTF-8 sequence starting at p (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;

	if (n > avail)
		n = avail;
	return utf8_valid_prefix((const char *)p, n) == n && (n > 1 || p[0] < 0x80) ? n : 0;
}

void reply_sanitize(const void *in, size_t len, char *out, size_t size)
{
	const unsigned char *p = in;
	size_t o = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(p + i, len - i);

		if (n == 0) { /* invalid byte */
			if (o + 1 >= size)
				break;
			out[o++] = '?';
			i++;
			continue;
		}
		if (o + n >= size)
			break;
		if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			out[o++] = ' ';
		else
			memcpy(out + o, p + i, n), o += n;
		i += n;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* ---- google.rpc.Status, read with util/pbwire.h ---- */

/* google.protobuf.Duration -> ms (rounded up), -1 when malformed */
static int64_t pb_duration_ms(const uint8_t *p, const uint8_t *end)
{
	int64_t seconds = 0, nanos = 0;
	struct wire_field f;

	while (p < end) {
		if (wire_next(&p, end, &f))
			return -1;
		if (f.type == WT_VARINT && f.num == 1)
			seconds = (int64_t)f.v;
		else if (f.type == WT_VARINT && f.num == 2)
			nanos = (int32_t)f.v;
	}
	if (seconds < 0 || nanos < 0 || seconds > INT64_MAX / 1000 - 1)
		return -1;
	return seconds * 1000 + (nanos + 999999) / 1000000;
}

static const char RETRY_INFO_TYPE[] = "type.googleapis.com/google.rpc.RetryInfo";

/* One google.protobuf.Any detail: a RetryInfo's delay, or -1. */
static int64_t any_retry_delay(const uint8_t *p, const uint8_t *end)
{
	struct wire_field f, type = { 0 }, value = { 0 };

	while (p < end) {
		if (wire_next(&p, end, &f))
			return -1;
		if (f.type == WT_LEN && f.num == 1)
			type = f;
		else if (f.type == WT_LEN && f.num == 2)
			value = f;
	}
	if (!type.data || type.v != sizeof(RETRY_INFO_TYPE) - 1 ||
	    memcmp(type.data, RETRY_INFO_TYPE, sizeof(RETRY_INFO_TYPE) - 1))
		return -1;
	if (!value.data)
		return 0; /* RetryInfo{} : retry, no delay given */
	p = value.data;
	end = value.data + value.v;
	while (p < end) {
		if (wire_next(&p, end, &f))
			return -1;
		if (f.type == WT_LEN && f.num == 1)
			return pb_duration_ms(f.data, f.data + f.v);
	}
	return 0;
}

int reply_rpc_status(const void *buf, size_t len, int *code, char *msg, size_t size,
		     int64_t *retry_delay_ms)
{
	const uint8_t *p = buf, *end = p + len;
	struct wire_field f;

	*code = 0;
	*retry_delay_ms = -1;
	if (size)
		msg[0] = '\0';
	while (p < end) {
		if (wire_next(&p, end, &f))
			return -1;
		if (f.type == WT_VARINT && f.num == 1) {
			*code = (int)(int32_t)f.v;
		} else if (f.type == WT_LEN && f.num == 2 && f.data) {
			reply_sanitize(f.data, (size_t)f.v, msg, size);
		} else if (f.type == WT_LEN && f.num == 3) {
			int64_t d = any_retry_delay(f.data, f.data + f.v);

			if (d >= 0)
				*retry_delay_ms = d;
		} else if (f.num == 1 || f.num == 2 || f.num == 3) {
			return -1; /* known field, wrong wire type */
		}
	}
	return 0;
}

/* ---- export responses ---- */

static const char *const rejected_camel[] = { "rejectedSpans", "rejectedDataPoints",
					      "rejectedLogRecords" };
static const char *const rejected_snake[] = { "rejected_spans", "rejected_data_points",
					      "rejected_log_records" };

static int json_int64(const cJSON *v, int64_t *out)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (!isfinite(d) || d != floor(d) || d < -9.2e18 || d > 9.2e18)
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	if (cJSON_IsString(v)) {
		const char *s = v->valuestring;
		int neg = *s == '-';
		uint64_t x = 0;

		s += neg;
		if (!*s)
			return -1;
		for (; *s; s++) {
			if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
				return -1;
			x = x * 10 + (uint64_t)(*s - '0');
		}
		if (x > (uint64_t)INT64_MAX)
			return -1;
		*out = neg ? -(int64_t)x : (int64_t)x;
		return 0;
	}
	return -1;
}

static int parse_export_json(int signal, const void *body, size_t len, int64_t *rejected, char *msg,
			     size_t size)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *ps, *r, *m;
	int ret = -1;

	if (!cJSON_IsObject(root))
		goto cleanup;
	ps = cJSON_GetObjectItemCaseSensitive(root, "partialSuccess");
	if (!ps)
		ps = cJSON_GetObjectItemCaseSensitive(root, "partial_success");
	if (ps && !cJSON_IsNull(ps)) {
		if (!cJSON_IsObject(ps))
			goto cleanup;
		r = cJSON_GetObjectItemCaseSensitive(ps, rejected_camel[signal]);
		if (!r)
			r = cJSON_GetObjectItemCaseSensitive(ps, rejected_snake[signal]);
		if (r && json_int64(r, rejected))
			goto cleanup;
		m = cJSON_GetObjectItemCaseSensitive(ps, "errorMessage");
		if (!m)
			m = cJSON_GetObjectItemCaseSensitive(ps, "error_message");
		if (m && !cJSON_IsString(m))
			goto cleanup;
		if (m)
			reply_sanitize(m->valuestring, strlen(m->valuestring), msg, size);
	}
	ret = 0;
cleanup:
	cJSON_Delete(root);
	return ret;
}

#define TRACE_RESP(x) opentelemetry__proto__collector__trace__v1__export_trace_service_response__##x
#define METRICS_RESP(x) \
	opentelemetry__proto__collector__metrics__v1__export_metrics_service_response__##x
#define LOGS_RESP(x) opentelemetry__proto__collector__logs__v1__export_logs_service_response__##x

static int parse_export_pb(int signal, const void *body, size_t len, int64_t *rejected, char *msg,
			   size_t size)
{
	const char *m = NULL;

	switch (signal) {
	case OTELSIM_TRACES: {
		Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse *r =
			TRACE_RESP(unpack)(NULL, len, body);

		if (!r)
			return -1;
		if (r->partial_success) {
			*rejected = r->partial_success->rejected_spans;
			m = r->partial_success->error_message;
			reply_sanitize(m, strlen(m), msg, size);
		}
		TRACE_RESP(free_unpacked)(r, NULL);
		return 0;
	}
	case OTELSIM_METRICS: {
		Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceResponse *r =
			METRICS_RESP(unpack)(NULL, len, body);

		if (!r)
			return -1;
		if (r->partial_success) {
			*rejected = r->partial_success->rejected_data_points;
			m = r->partial_success->error_message;
			reply_sanitize(m, strlen(m), msg, size);
		}
		METRICS_RESP(free_unpacked)(r, NULL);
		return 0;
	}
	default: {
		Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceResponse *r = LOGS_RESP(
			unpack)(NULL, len, body);

		if (!r)
			return -1;
		if (r->partial_success) {
			*rejected = r->partial_success->rejected_log_records;
			m = r->partial_success->error_message;
			reply_sanitize(m, strlen(m), msg, size);
		}
		LOGS_RESP(free_unpacked)(r, NULL);
		return 0;
	}
	}
}

int reply_parse_export(int signal, bool json, const void *body, size_t len, int64_t *rejected,
		       char *msg, size_t size)
{
	int rc;

	*rejected = 0;
	if (size)
		msg[0] = '\0';
	if (signal < OTELSIM_TRACES || signal > OTELSIM_LOGS)
		signal = OTELSIM_LOGS;
	if (len == 0)
		return 0;
	rc = json ? parse_export_json(signal, body, len, rejected, msg, size)
		  : parse_export_pb(signal, body, len, rejected, msg, size);
	if (rc == 0 && *rejected < 0)
		rc = -1;
	if (rc) {
		*rejected = 0;
		if (size)
			msg[0] = '\0';
	}
	return rc;
}

static bool ct_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

void reply_error_message(const char *content_type, const void *body, size_t len, char *msg,
			 size_t size)
{
	const uint8_t *p = body;

	if (size == 0)
		return;
	msg[0] = '\0';
	if (len == 0)
		return;
	if (ct_is(content_type, "application/x-protobuf") ||
	    ct_is(content_type, "application/protobuf") ||
	    (!content_type && (p[0] == 0x08 || p[0] == 0x12))) {
		int code;
		int64_t delay;

		if (reply_rpc_status(body, len, &code, msg, size, &delay) == 0 && msg[0])
			return;
		msg[0] = '\0';
	} else if (ct_is(content_type, "application/json")) {
		cJSON *root = cJSON_ParseWithLength(body, len);
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");

		if (cJSON_IsString(m) && m->valuestring[0])
			reply_sanitize(m->valuestring, strlen(m->valuestring), msg, size);
		cJSON_Delete(root);
		if (msg[0])
			return;
	}
	reply_sanitize(body, len < ERROR_TEXT_MAX ? len : ERROR_TEXT_MAX, msg, size);
	/* leading blanks from a body that starts with a newline */
	if (msg[0] == ' ') {
		size_t i = 0;

		while (msg[i] == ' ')
			i++;
		memmove(msg, msg + i, strlen(msg + i) + 1);
	}
}

int64_t reply_retry_after_ms(const char *value, int64_t now_ms)
{
	char buf[128];
	size_t n;
	time_t t;

	if (!value)
		return -1;
	while (*value == ' ' || *value == '\t')
		value++;
	n = strlen(value);
	while (n && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r' ||
		     value[n - 1] == '\n'))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, value, n);
	buf[n] = '\0';
	if (strspn(buf, "0123456789") == n) {
		int64_t s = 0;

		for (size_t i = 0; i < n; i++) {
			s = s * 10 + (buf[i] - '0');
			if (s > 86400 * 365)
				return (int64_t)86400 * 365 * 1000;
		}
		return s * 1000;
	}
	t = curl_getdate(buf, NULL);
	if (t == (time_t)-1)
		return -1;
	if ((int64_t)t * 1000 <= now_ms)
		return 0;
	return (int64_t)t * 1000 - now_ms;
}

bool reply_http_retryable(int status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

bool reply_grpc_retryable(int code, bool retry_info)
{
	switch (code) {
	case 1:  /* CANCELLED */
	case 4:  /* DEADLINE_EXCEEDED */
	case 10: /* ABORTED */
	case 11: /* OUT_OF_RANGE */
	case 14: /* UNAVAILABLE */
	case 15: /* DATA_LOSS */
		return true;
	case 8: /* RESOURCE_EXHAUSTED */
		return retry_info;
	default:
		return false;
	}
}

int reply_grpc_from_http(int status)
{
	switch (status) {
	case 400:
		return 13; /* INTERNAL */
	case 401:
		return 16; /* UNAUTHENTICATED */
	case 403:
		return 7; /* PERMISSION_DENIED */
	case 404:
		return 12; /* UNIMPLEMENTED */
	case 429:
	case 502:
	case 503:
	case 504:
		return 14; /* UNAVAILABLE */
	default:
		return 2; /* UNKNOWN */
	}
}

const char *reply_grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK",
		"CANCELLED",
		"UNKNOWN",
		"INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED",
		"NOT_FOUND",
		"ALREADY_EXISTS",
		"PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION",
		"ABORTED",
		"OUT_OF_RANGE",
		"UNIMPLEMENTED",
		"INTERNAL",
		"UNAVAILABLE",
		"DATA_LOSS",
		"UNAUTHENTICATED",
	};

	return code >= 0 && code <= 16 ? names[code] : "UNKNOWN";
}

int64_t reply_backoff_ms(int64_t initial, int64_t max_interval, uint32_t retry, struct rng *r)
{
	int64_t d = initial < 1 ? 1 : initial;

	if (max_interval < d)
		max_interval = d;
	for (uint32_t i = 0; i < retry && d < max_interval; i++)
		d = d > max_interval / 2 ? max_interval : d * 2;
	if (d > max_interval)
		d = max_interval;
	d = d / 2 + (int64_t)rng_below(r, (uint64_t)d);
	return d > max_interval ? max_interval : d;
}
