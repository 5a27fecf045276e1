/* read/flat.c - seed 003's flat NDJSON records as OTLP/JSON (read/flat.h). */
#include "read/flat.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "otelsim/otelsim.h"
#include "util/jsonw.h"
#include "util/sha256.h"
#include "util/text.h"
#include "util/timefmt.h"

static const char *const kind_names[] = { "traces", "metrics", "logs", "events" };

/* OTLP/JSON keys per kind: the ResourceX list, the ScopeX list, the items. */
static const char *const res_key[] = { "resourceSpans", "resourceMetrics", "resourceLogs",
				       "resourceLogs" };
static const char *const scope_key[] = { "scopeSpans", "scopeMetrics", "scopeLogs",
					 "scopeLogs" };
static const char *const items_key[] = { "spans", "metrics", "logRecords", "logRecords" };

const char *flat_kind_name(int kind)
{
	return kind >= 0 && kind < 4 ? kind_names[kind] : "?";
}

int flat_signal(int kind)
{
	return kind == FLAT_TRACES ? OTELSIM_TRACES : kind == FLAT_METRICS ? OTELSIM_METRICS
									   : OTELSIM_LOGS;
}

static const struct jval *member(const struct jval *obj, const char *key)
{
	size_t n = strlen(key);
	const struct jval *c = obj->child;

	for (size_t i = 0; c && i < obj->count; i++, c = c->next)
		if (c->keylen == n && !memcmp(c->key, key, n))
			return c;
	return NULL;
}

int flat_kind(const struct jval *obj, const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;

	if (obj && obj->type == J_OBJ) {
		if (member(obj, "span_id") || member(obj, "operation"))
			return FLAT_TRACES;
		if (member(obj, "metric"))
			return FLAT_METRICS;
		if (member(obj, "type") || member(obj, "details"))
			return FLAT_EVENTS;
		if (member(obj, "level") || member(obj, "message"))
			return FLAT_LOGS;
	}
	base = base ? base + 1 : path ? path : "";
	if (strstr(base, "trace") || strstr(base, "span"))
		return FLAT_TRACES;
	if (strstr(base, "metric"))
		return FLAT_METRICS;
	if (strstr(base, "event"))
		return FLAT_EVENTS;
	if (strstr(base, "log"))
		return FLAT_LOGS;
	return -1;
}

void flat_init(struct flat_builder *b)
{
	memset(b, 0, sizeof(*b));
	strbuf_init(&b->json, 0);
	strbuf_init(&b->item, 0);
	strbuf_init(&b->service, 0);
}

void flat_release(struct flat_builder *b)
{
	strbuf_release(&b->json);
	strbuf_release(&b->item);
	strbuf_release(&b->service);
}

void flat_begin(struct flat_builder *b, int kind)
{
	b->kind = kind;
	b->nitems = 0;
	b->open = 0;
	strbuf_reset(&b->json);
	strbuf_reset(&b->service);
}

void flat_id(const char *s, size_t len, uint8_t *out, size_t n)
{
	char hex[65];
	bool zero = true;

	if (len == 2 * n && !hex_decode(s, len, out, n)) {
		for (size_t i = 0; i < n; i++)
			zero = zero && !out[i];
		if (!zero)
			return;
	}
	sha256_hex(s, len, hex);
	hex_decode(hex, 2 * n, out, n);
	for (size_t i = 0; i < n; i++)
		zero = zero && !out[i];
	if (zero)
		out[n - 1] = 1;
}

/* ---- a line's fields ----------------------------------------------------------- */

struct line {
	const struct jval *obj;
	char *why;
	size_t n;
	int line, col;
};

static int bad(struct line *l, const struct jval *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct line *l, const struct jval *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, l->n, fmt, ap);
	va_end(ap);
	if (at) {
		l->line = at->line;
		l->col = at->col;
	}
	return 1;
}

static const char *type_name(const struct jval *v)
{
	switch (v->type) {
	case J_NULL:
		return "null";
	case J_TRUE:
	case J_FALSE:
		return "a boolean";
	case J_NUM:
		return "a number";
	case J_STR:
		return "a string";
	case J_ARR:
		return "an array";
	default:
		return "an object";
	}
}

/*
 * The field `key` as a string: 0 with *out set (NULL when null or absent
 * and allowed), or 1 (bad line) when required and missing or of another type.
 */
static int get_str(struct line *l, const char *key, bool required, const struct jval **out)
{
	const struct jval *v = member(l->obj, key);

	*out = NULL;
	if (!v || v->type == J_NULL) {
		if (!required)
			return 0;
		return bad(l, v, "field '%s': missing%s (a string is required)", key,
			   v ? " (null)" : "");
	}
	if (v->type != J_STR)
		return bad(l, v, "field '%s': expected a string, not %s", key, type_name(v));
	*out = v;
	return 0;
}

/* RFC 3339 with an offset: "2024-01-15T10:30:00+00:00", "...30:00.123456Z". */
static int get_time(struct line *l, uint64_t *ns)
{
	const struct jval *v;
	int64_t t;
	size_t n;
	int rc = get_str(l, "timestamp", true, &v);

	if (rc)
		return rc;
	n = v->n;
	if (n < 19 || (v->s[10] != 'T' && v->s[10] != 't' && v->s[10] != ' '))
		return bad(l, v, "field '%s': '%s' is not an RFC 3339 date and time", "timestamp",
			   v->s);
	if (v->s[n - 1] != 'Z' && v->s[n - 1] != 'z' &&
	    !(n >= 25 && (v->s[n - 6] == '+' || v->s[n - 6] == '-') && v->s[n - 3] == ':'))
		return bad(l, v,
			   "field '%s': '%s' has no UTC offset (write Z or +00:00: a time "
			   "without one is not guessed)",
			   "timestamp", v->s);
	rc = time_parse_rfc3339(v->s, &t);
	if (rc)
		return bad(l, v, "field '%s': '%s' is not a valid RFC 3339 time", "timestamp",
			   v->s);
	if (t < 0)
		return bad(l, v, "field '%s': '%s' is before 1970", "timestamp", v->s);
	*ns = (uint64_t)t;
	return 0;
}

/* A JSON number's text as nanoseconds of a millisecond count, exactly (truncated past ns). */
static int ms_to_ns(const char *s, size_t n, uint64_t *out)
{
	uint64_t mant = 0;
	int exp10 = 6, digits = 0; /* ms -> ns */
	size_t i = 0;

	if (i < n && s[i] == '-')
		return -1;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if (mant <= UINT64_MAX / 100)
			mant = mant * 10 + (uint64_t)(s[i] - '0');
		else
			return -1;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (mant > UINT64_MAX / 100)
				break; /* past what matters */
			mant = mant * 10 + (uint64_t)(s[i] - '0');
			exp10--;
		}
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int sign = 1, e = 0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			sign = s[i++] == '-' ? -1 : 1;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (e < 1000)
				e = e * 10 + (s[i] - '0');
		exp10 += sign * e;
	}
	if (!digits)
		return -1;
	for (; exp10 > 0; exp10--) {
		if (mant > UINT64_MAX / 10)
			return -1;
		mant *= 10;
	}
	for (; exp10 < 0 && mant; exp10++)
		mant /= 10;
	*out = mant;
	return 0;
}

/* An id field as hex of n bytes; NULL or absent -> *has 0 (when allowed). */
static int get_id(struct line *l, const char *key, bool required, size_t n, char *hex, bool *has)
{
	const struct jval *v;
	uint8_t id[16];
	int rc = get_str(l, key, required, &v);

	*has = false;
	if (rc || !v)
		return rc;
	if (!v->n && !required)
		return 0; /* "" for none, as some tools write a root's parent */
	if (!v->n)
		return bad(l, v, "field '%s': an empty id", key);
	flat_id(v->s, v->n, id, n);
	hex_encode(id, n, hex);
	hex[2 * n] = '\0';
	*has = true;
	return 0;
}

static int severity_number(const char *s)
{
	static const struct {
		const char *name;
		int num;
	} tab[] = { { "TRACE", 1 }, { "DEBUG", 5 },   { "INFO", 9 },	{ "INFORMATION", 9 },
		    { "WARN", 13 }, { "WARNING", 13 }, { "ERROR", 17 }, { "FATAL", 21 },
		    { "CRITICAL", 21 } };

	for (size_t i = 0; s && i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcasecmp(s, tab[i].name))
			return tab[i].num;
	return 0;
}

/* ---- OTLP/JSON out ------------------------------------------------------------- */

static int add_u64(struct strbuf *o, uint64_t v)
{
	char buf[24];
	size_t n = fmt_u64(buf, v);

	return strbuf_addch(o, '"') || strbuf_add(o, buf, n) || strbuf_addch(o, '"');
}

static int add_key_str(struct strbuf *o, const char *key, const struct jval *v)
{
	return strbuf_addstr(o, key) || jsonw_add_str(o, v->s, v->n);
}

static int span_item(struct line *l, struct strbuf *o)
{
	const struct jval *op, *status, *dur = member(l->obj, "duration_ms");
	char tid[33], sid[17], pid[17];
	bool has, hasp;
	uint64_t start, dns;
	int rc;

	if ((rc = get_time(l, &start)) || (rc = get_id(l, "trace_id", true, 16, tid, &has)) ||
	    (rc = get_id(l, "span_id", true, 8, sid, &has)) ||
	    (rc = get_id(l, "parent_span_id", false, 8, pid, &hasp)) ||
	    (rc = get_str(l, "operation", true, &op)) || (rc = get_str(l, "status", false, &status)))
		return rc;
	if (!dur || dur->type == J_NULL)
		return bad(l, dur, "field '%s': missing%s (a number of milliseconds is required)",
			   "duration_ms", dur ? " (null)" : "");
	if (dur->type != J_NUM)
		return bad(l, dur, "field '%s': expected a number, not %s", "duration_ms",
			   type_name(dur));
	if (ms_to_ns(dur->s, dur->n, &dns) || dns > UINT64_MAX - start)
		return bad(l, dur, "field '%s': %.*s is not a duration (0 or more milliseconds)",
			   "duration_ms", (int)(dur->n > 64 ? 64 : dur->n), dur->s);
	if (strbuf_addf(o, "{\"traceId\":\"%s\",\"spanId\":\"%s\"", tid, sid) ||
	    (hasp && strbuf_addf(o, ",\"parentSpanId\":\"%s\"", pid)) ||
	    add_key_str(o, ",\"name\":", op) || strbuf_addstr(o, ",\"startTimeUnixNano\":") ||
	    add_u64(o, start) || strbuf_addstr(o, ",\"endTimeUnixNano\":") ||
	    add_u64(o, start + dns))
		return -1;
	if (status && !strcasecmp(status->s, "error") &&
	    strbuf_addstr(o, ",\"status\":{\"code\":2}"))
		return -1;
	return strbuf_addch(o, '}') ? -1 : 0;
}

/* time, observed time, severity (number and text), body: a LogRecord's start. */
static int log_head(struct strbuf *o, uint64_t t, const struct jval *sev, const struct jval *body)
{
	int num = sev ? severity_number(sev->s) : 0;

	if (strbuf_addstr(o, "{\"timeUnixNano\":") || add_u64(o, t) ||
	    strbuf_addstr(o, ",\"observedTimeUnixNano\":") || add_u64(o, t))
		return -1;
	if (num && strbuf_addf(o, ",\"severityNumber\":%d", num))
		return -1;
	if (sev && add_key_str(o, ",\"severityText\":", sev))
		return -1;
	if (body && (add_key_str(o, ",\"body\":{\"stringValue\":", body) || strbuf_addch(o, '}')))
		return -1;
	return 0;
}

static int log_item(struct line *l, struct strbuf *o)
{
	const struct jval *level, *msg;
	char tid[33];
	bool has;
	uint64_t t;
	int rc;

	if ((rc = get_time(l, &t)) || (rc = get_str(l, "level", false, &level)) ||
	    (rc = get_str(l, "message", false, &msg)) ||
	    (rc = get_id(l, "trace_id", false, 16, tid, &has)))
		return rc;
	if (log_head(o, t, level, msg) || (has && strbuf_addf(o, ",\"traceId\":\"%s\"", tid)))
		return -1;
	return strbuf_addch(o, '}') ? -1 : 0;
}

static int event_item(struct line *l, struct strbuf *o)
{
	const struct jval *type, *details, *sev, *version;
	uint64_t t;
	int rc;

	if ((rc = get_time(l, &t)) || (rc = get_str(l, "type", true, &type)) ||
	    (rc = get_str(l, "details", false, &details)) ||
	    (rc = get_str(l, "severity", false, &sev)) ||
	    (rc = get_str(l, "version", false, &version)))
		return rc;
	if (log_head(o, t, sev, details))
		return -1;
	if (version && (strbuf_addstr(o, ",\"attributes\":[{\"key\":\"service.version\","
					 "\"value\":{\"stringValue\":") ||
			jsonw_add_str(o, version->s, version->n) || strbuf_addstr(o, "}}]")))
		return -1;
	return add_key_str(o, ",\"eventName\":", type) || strbuf_addch(o, '}') ? -1 : 0;
}

static bool is_integer(const char *s, size_t n)
{
	size_t i = s[0] == '-';

	if (n - i > 18 || i >= n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A JSON number's text that a double holds (not past +-1.8e308). */
static bool finite_number(const char *s, size_t n)
{
	char buf[400];
	double d;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	d = strtod_l(buf, NULL, util_c_locale());
	return isfinite(d);
}

static int metric_item(struct line *l, struct strbuf *o)
{
	const struct jval *name, *unit, *v = member(l->obj, "value");
	uint64_t t;
	int rc;

	if ((rc = get_time(l, &t)) || (rc = get_str(l, "metric", true, &name)) ||
	    (rc = get_str(l, "unit", false, &unit)))
		return rc;
	if (!v)
		return bad(l, NULL, "field '%s': missing (a number or null is required)",
			   "value");
	if (v->type != J_NUM && v->type != J_NULL)
		return bad(l, v, "field '%s': expected a number or null, not %s", "value",
			   type_name(v));
	if (v->type == J_NUM && !finite_number(v->s, v->n))
		return bad(l, v, "field '%s': %.*s is past what a double holds", "value",
			   (int)(v->n > 64 ? 64 : v->n), v->s);
	if (add_key_str(o, "{\"name\":", name) ||
	    (unit && add_key_str(o, ",\"unit\":", unit)) ||
	    strbuf_addstr(o, ",\"gauge\":{\"dataPoints\":[{\"timeUnixNano\":") || add_u64(o, t))
		return -1;
	if (v->type == J_NULL)
		rc = strbuf_addstr(o, ",\"flags\":1");
	else if (is_integer(v->s, v->n))
		rc = strbuf_addstr(o, ",\"asInt\":\"") || strbuf_add(o, v->s, v->n) ||
		     strbuf_addch(o, '"');
	else
		rc = strbuf_addstr(o, ",\"asDouble\":") || strbuf_add(o, v->s, v->n);
	return rc || strbuf_addstr(o, "}]}}") ? -1 : 0;
}

/* ---- the record ---------------------------------------------------------------- */

static int open_resource(struct flat_builder *b, const struct jval *svc)
{
	int k = b->kind;

	if (b->open && strbuf_addstr(&b->json, "]}]},"))
		return -1;
	if (!b->open && !b->nitems &&
	    (strbuf_addf(&b->json, "{\"%s\":[", res_key[k])))
		return -1;
	strbuf_reset(&b->service);
	if (strbuf_add(&b->service, svc->s, svc->n) ||
	    strbuf_addstr(&b->json,
			  "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
			  "{\"stringValue\":") ||
	    jsonw_add_str(&b->json, svc->s, svc->n) ||
	    strbuf_addf(&b->json, "}}]},\"%s\":[{\"scope\":{\"name\":\"otelsim.ndjson\"},\"%s\":[",
			scope_key[k], items_key[k]))
		return -1;
	b->open = 1;
	return 0;
}

int flat_add(struct flat_builder *b, const struct jval *obj, char *why, size_t n, int *line,
	     int *col)
{
	struct line l = { obj, why, n, obj ? obj->line : 0, obj ? obj->col : 0 };
	const struct jval *svc;
	int rc;

	if (!obj || obj->type != J_OBJ) {
		rc = bad(&l, obj, "not a JSON object (flat NDJSON: one object a line)");
		goto out;
	}
	strbuf_reset(&b->item);
	rc = get_str(&l, "service", true, &svc);
	if (!rc) {
		switch (b->kind) {
		case FLAT_TRACES:
			rc = span_item(&l, &b->item);
			break;
		case FLAT_METRICS:
			rc = metric_item(&l, &b->item);
			break;
		case FLAT_EVENTS:
			rc = event_item(&l, &b->item);
			break;
		default:
			rc = log_item(&l, &b->item);
			break;
		}
	}
	if (rc)
		goto out;
	if (!b->open || b->service.len != svc->n || memcmp(b->service.buf, svc->s, svc->n)) {
		if (open_resource(b, svc))
			return -1;
	} else if (strbuf_addch(&b->json, ',')) {
		return -1;
	}
	if (strbuf_add(&b->json, b->item.buf, b->item.len))
		return -1;
	b->nitems++;
	return 0;
out:
	if (line)
		*line = l.line;
	if (col)
		*col = l.col;
	return rc;
}

int flat_end(struct flat_builder *b)
{
	if (!b->nitems)
		return strbuf_addf(&b->json, "{\"%s\":[]}", res_key[b->kind]) ? -1 : 0;
	return strbuf_addstr(&b->json, "]}]}]}") ? -1 : 0;
}
