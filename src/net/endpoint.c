#include "net/endpoint.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net/wire.h"
#include "util/error.h"
#include "util/strbuf.h"

#define ENV_PREFIX     "OTEL_EXPORTER_OTLP_"
#define TIMEOUT_MAX_MS 86400000

static const char *const signal_upper[3] = { "TRACES", "METRICS", "LOGS" };
static const char *const signal_path[3] = { "v1/traces", "v1/metrics", "v1/logs" };
static const char *const grpc_method[3] = {
	"/opentelemetry.proto.collector.trace.v1.TraceService/Export",
	"/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
	"/opentelemetry.proto.collector.logs.v1.LogsService/Export",
};

const char *endpoint_shown_url(const char *url, struct arena *a)
{
	const char *sep = strstr(url, "://"), *host, *at, *end, *rest;
	size_t alen, plen;

	host = sep ? sep + 3 : url;
	alen = strcspn(host, "/?#");
	end = host + alen;
	at = memrchr(host, '@', alen);
	rest = end + strcspn(end, "?#");
	plen = (size_t)(rest - end);
	return arena_printf(a, "%.*s%s%.*s%.*s%s", (int)(host - url), url, at ? "***@" : "",
			    (int)(end - (at ? at + 1 : host)), at ? at + 1 : host, (int)plen, end,
			    *rest == '?'   ? "?..."
			    : *rest == '#' ? "#..."
					   : "");
}

/* A value and where it came from (a flag or a variable name). */
struct setting {
	const char *value; /* NULL: not set */
	const char *source;
};

struct resolver {
	const struct endpoint_flags *flags;
	const struct endpoint_defaults *defaults;
	bool user_endpoint; /* a flag or a variable names an endpoint, for any signal */
	const char *const *env;
	struct arena *a;
	struct otelsim_error *err;
	const char *warnings; /* '\n'-separated lines, or NULL */
};

static const char *env_get(const struct resolver *r, const char *name)
{
	const char *v = NULL;
	size_t n = strlen(name);

	if (!r->env) {
		v = getenv(name);
	} else {
		for (const char *const *e = r->env; *e; e++) {
			if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') {
				v = *e + n + 1; /* the last one wins, as in a shell */
			}
		}
	}
	return v && *v ? v : NULL;
}

/*
 * flag (source flag_name) > OTEL_EXPORTER_OTLP_<S>_<key> > OTEL_EXPORTER_OTLP_<key>;
 * the variable names live in the arena for messages.
 */
static int lookup(struct resolver *r, const char *flag, const char *flag_name, int signal,
		  const char *key, struct setting *out)
{
	char name[96];

	out->value = NULL;
	out->source = NULL;
	if (flag) {
		out->value = flag;
		out->source = flag_name;
		return 0;
	}
	snprintf(name, sizeof(name), ENV_PREFIX "%s_%s", signal_upper[signal], key);
	if ((out->value = env_get(r, name)) == NULL) {
		snprintf(name, sizeof(name), ENV_PREFIX "%s", key);
		out->value = env_get(r, name);
	}
	if (out->value) {
		out->source = arena_strdup(r->a, name);
		if (!out->source)
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	}
	return 0;
}

static char *trimmed(struct arena *a, const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		       s[len - 1] == '\n'))
		len--;
	return arena_strndup(a, s, len);
}

/* ---- endpoints ---- */

struct url {
	const char *scheme; /* "http" or "https" */
	bool grpc;          /* written grpc:// */
	bool bare;          /* written host:port, without a scheme */
	const char *authority;
	const char *path;  /* from the first '/', without the query; may be "" */
	const char *query; /* from '?', or "" */
	const char *shown; /* for messages: "***" for credentials, "?..." for a query */
};

static bool host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '%' || c == '~';
}

/* host[:port], [v6][:port], optionally behind userinfo@ */
static bool authority_ok(const char *s)
{
	const char *at = strrchr(s, '@'), *p, *port = NULL;

	if (at)
		s = at + 1;
	if (*s == '[') {
		p = strchr(s, ']');
		if (!p || p == s + 1)
			return false;
		for (const char *q = s + 1; q < p; q++) {
			if (!(host_char((unsigned char)*q) || *q == ':'))
				return false;
		}
		p++;
		if (*p == ':')
			port = p + 1;
		else if (*p)
			return false;
	} else {
		for (p = s; *p && *p != ':'; p++) {
			if (!host_char((unsigned char)*p))
				return false;
		}
		if (p == s)
			return false;
		if (*p == ':')
			port = p + 1;
	}
	if (port) {
		long v = 0;

		if (!*port || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port))
			return false;
		v = strtol(port, NULL, 10);
		if (v < 1 || v > 65535)
			return false;
	}
	return true;
}

static int parse_url(struct resolver *r, const struct setting *st, struct url *u)
{
	const char *v, *sep, *rest, *at, *end;
	char *text = trimmed(r->a, st->value, strlen(st->value));
	size_t alen;

	if (!text)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	memset(u, 0, sizeof(*u));
	v = text;
	/* before any message quotes it: no escape sequence reaches a terminal */
	for (const char *p = text; *p; p++) {
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: the endpoint has a control character", st->source);
	}
	sep = strstr(v, "://");
	if (sep) {
		size_t n = (size_t)(sep - v);

		if (n == 4 && strncasecmp(v, "http", 4) == 0) {
			u->scheme = "http";
		} else if (n == 5 && strncasecmp(v, "https", 5) == 0) {
			u->scheme = "https";
		} else if (n == 4 && strncasecmp(v, "grpc", 4) == 0) {
			u->scheme = "http";
			u->grpc = true;
		} else {
			char scheme[24];

			snprintf(scheme, sizeof(scheme), "%.*s", (int)(n < 16 ? n : 16), v);
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: unsupported scheme '%s' (expected http://, https://, "
					 "grpc:// or host:port)",
					 st->source, scheme);
		}
		rest = sep + 3;
	} else {
		u->scheme = "http"; /* bare host:port: https for grpc unless INSECURE=true */
		u->bare = true;
		rest = v;
	}
	alen = strcspn(rest, "/?#");
	u->authority = arena_strndup(r->a, rest, alen);
	end = rest + alen;
	if (!u->authority)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	/*
	 * What messages may show: no credentials, neither userinfo (shown as
	 * "***@") nor a query or fragment (tokens travel there too; shown as
	 * "?..." or "#...").
	 */
	at = memchr(rest, '@', alen);
	{
		const char *host = at ? at + 1 : rest;
		size_t plen = strcspn(end, "?#");

		u->shown = arena_printf(r->a, "%.*s%s%.*s%.*s%s", (int)(rest - v), v,
					at ? "***@" : "", (int)(end - host), host, (int)plen, end,
					end[plen] == '?'   ? "?..."
					: end[plen] == '#' ? "#..."
							   : "");
	}
	if (!u->shown)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (!authority_ok(u->authority))
		return error_set(r->err, OTELSIM_EUSAGE,
				 "%s: '%s' is not a valid endpoint (expected http://host:port, "
				 "https://host:port, grpc://host:port or host:port)",
				 st->source, u->shown);
	if (strchr(end, '#'))
		return error_set(r->err, OTELSIM_EUSAGE, "%s: endpoint '%s' has a fragment",
				 st->source, u->shown);
	sep = strchr(end, '?');
	u->path = sep ? arena_strndup(r->a, end, (size_t)(sep - end)) : end;
	u->query = sep ? sep : "";
	if (!u->path)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (strchr(text, ' '))
		return error_set(r->err, OTELSIM_EUSAGE, "%s: endpoint '%s' has a space",
				 st->source, u->shown);
	return 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* The authority's port, or NULL: "h:p", "user:pw@h:p", "[::1]:p". */
static const char *authority_port(const char *authority)
{
	const char *at = strrchr(authority, '@'), *h = at ? at + 1 : authority, *c;

	if (*h == '[') {
		c = strchr(h, ']');
		return c && c[1] == ':' ? c + 2 : NULL;
	}
	c = strchr(h, ':');
	return c ? c + 1 : NULL;
}

/*
 * Scheme and authority of the URL to post to: a bare host:port is https
 * for grpc unless OTEL_EXPORTER_OTLP_[S_]INSECURE=true (the
 * specification's rule), http otherwise; a bare host or a grpc:// one
 * without a port gets 4317 (grpc) or 4318 (http). An http:// or https://
 * URL without a port keeps the scheme's own (80, 443), as URLs do.
 */
static const char *url_origin(struct resolver *r, const struct url *u, int protocol, bool plaintext)
{
	const char *scheme = u->scheme;

	if (u->bare && protocol == SENDER_GRPC && !plaintext)
		scheme = "https";
	if ((u->bare || u->grpc) && !authority_port(u->authority))
		return arena_printf(r->a, "%s://%s:%d", scheme, u->authority,
				    protocol == SENDER_GRPC ? 4317 : 4318);
	return arena_printf(r->a, "%s://%s", scheme, u->authority);
}

static int build_url(struct resolver *r, const struct setting *st, const struct url *u, bool base,
		     bool strip_signal, int protocol, bool plaintext, int signal, const char **out)
{
	const char *origin = url_origin(r, u, protocol, plaintext);

	if (!origin)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (protocol == SENDER_GRPC) {
		if ((u->path[0] && strcmp(u->path, "/") != 0) || u->query[0])
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: grpc endpoint '%s' cannot have a path (grpc posts to "
					 "the service method, e.g. %s)",
					 st->source, u->shown, grpc_method[signal]);
		*out = arena_printf(r->a, "%s%s", origin, grpc_method[signal]);
	} else if (!base) {
		*out = arena_printf(r->a, "%s%s%s", origin, u->path[0] ? u->path : "/", u->query);
	} else {
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): parse_url set it */
		size_t plen = strlen(u->path);

		if (u->query[0])
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: base endpoint '%s' cannot have a query (set a "
					 "per-signal endpoint instead)",
					 st->source, u->shown);
		if (strip_signal) {
			/* ".../v1/traces/" is read as ".../v1/traces" */
			if (plen > 1 && u->path[plen - 1] == '/')
				plen--;
			for (int k = 0; k < 3; k++) {
				char suffix[16];

				snprintf(suffix, sizeof(suffix), "/%s", signal_path[k]);
				if (ends_with(u->path, plen, suffix)) {
					plen -= strlen(suffix);
					break;
				}
			}
		}
		*out = arena_printf(r->a, "%s%.*s%s%s", origin, (int)plen, u->path,
				    plen && u->path[plen - 1] == '/' ? "" : "/",
				    signal_path[signal]);
	}
	return *out ? 0 : error_set(r->err, OTELSIM_ENOMEM, "out of memory");
}

static int parse_protocol(struct resolver *r, const struct setting *st, int *out)
{
	char *v = trimmed(r->a, st->value, strlen(st->value));

	if (!v)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (strcmp(v, "grpc") == 0)
		*out = SENDER_GRPC;
	else if (strcmp(v, "http/protobuf") == 0)
		*out = SENDER_HTTP_PROTOBUF;
	else if (strcmp(v, "http/json") == 0)
		*out = SENDER_HTTP_JSON;
	else
		return error_set(r->err, OTELSIM_EUSAGE,
				 "%s: unknown protocol '%s' (expected grpc, http/protobuf or "
				 "http/json)",
				 st->source, v);
	return 0;
}

/*
 * OTEL_EXPORTER_OTLP_[S_]INSECURE into *out (false when unset). As the
 * specification reads boolean variables, only "true" (any case) is true;
 * any other value is false, with a warning (once per variable). It means
 * clear text for a grpc endpoint without a scheme, and nothing else: it
 * never turns certificate verification off. *source: the variable that
 * decided, or NULL when none is set.
 */
static int env_insecure(struct resolver *r, int signal, bool *out, const char **source)
{
	struct setting st;
	char *v;
	int rc;

	*out = false;
	*source = NULL;
	if ((rc = lookup(r, NULL, NULL, signal, "INSECURE", &st)) != 0 || !st.value)
		return rc;
	*source = st.source;
	if (!(v = trimmed(r->a, st.value, strlen(st.value))))
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (strcasecmp(v, "true") == 0) {
		*out = true;
	} else if (strcasecmp(v, "false") != 0) {
		const char *head = arena_printf(r->a, "%s: ", st.source), *line;
		bool shown = true;

		if (!head)
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
		if (r->warnings && strstr(r->warnings, head))
			return 0; /* said once already (for another signal) */
		for (const char *p = v; *p; p++)
			shown = shown && (unsigned char)*p >= ' ' && *p != 0x7f && p - v < 64;
		line = arena_printf(r->a,
				    "%s%s%s%s is not true or false: read as false (only "
				    "'true', in any case, is true)",
				    head, shown ? "'" : "", shown ? v : "the value",
				    shown ? "'" : "");
		r->warnings = line && r->warnings ? arena_printf(r->a, "%s\n%s", r->warnings, line)
						  : line;
		if (!r->warnings)
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	}
	return 0;
}

/* grpc or not: the transport a protocol name means (unknown names are parse_protocol's) */
static bool is_grpc(const char *protocol)
{
	size_t n;

	while (*protocol == ' ' || *protocol == '\t')
		protocol++;
	n = strcspn(protocol, " \t\r\n");
	return n == 4 && strncmp(protocol, "grpc", 4) == 0;
}

/*
 * The defaults layer (a manifest's), below flags and the environment. Its
 * protocol applies when none is set and --endpoint does not say grpc://.
 * Its endpoint belongs to its protocol: it applies when no endpoint is set
 * for any signal and the protocol in effect has the same transport (grpc,
 * or http: http/protobuf and http/json share one endpoint); otherwise the
 * protocol's own default applies (localhost:4317 for grpc).
 */
static int apply_defaults(struct resolver *r, struct setting *ep, struct setting *proto,
			  struct url *u, bool *base, bool *strip)
{
	const struct endpoint_defaults *d = r->defaults;
	const char *f_ep = r->flags->endpoint;
	bool d_grpc;

	if (!d)
		return 0;
	if (!proto->value && d->protocol && !(f_ep && strncmp(f_ep, "grpc://", 7) == 0)) {
		proto->value = d->protocol;
		proto->source = d->source;
	}
	if (ep->value || !d->endpoint || r->user_endpoint)
		return 0;
	d_grpc = d->protocol ? is_grpc(d->protocol) : strncmp(d->endpoint, "grpc://", 7) == 0;
	if (proto->value && is_grpc(proto->value) != d_grpc)
		return 0;
	ep->value = d->endpoint;
	ep->source = d->source;
	*base = *strip = true;
	return parse_url(r, ep, u);
}

static int resolve_endpoint(struct resolver *r, int signal, struct sender_target *t)
{
	const struct endpoint_flags *f = r->flags;
	struct setting ep = { NULL, NULL }, proto;
	struct url u;
	bool base = false, strip = false, plaintext = false;
	const char *insecure_source;
	char name[96];
	int rc;

	memset(&u, 0, sizeof(u));
	u.path = u.query = "";
	/* the endpoint, first found */
	if (f->signal_endpoint[signal]) {
		ep.value = f->signal_endpoint[signal];
		ep.source = arena_printf(r->a, "--%s-endpoint",
					 signal == 0   ? "traces"
					 : signal == 1 ? "metrics"
						       : "logs");
	} else if (f->endpoint) {
		ep.value = f->endpoint;
		ep.source = "--endpoint";
		base = strip = true;
	} else {
		snprintf(name, sizeof(name), ENV_PREFIX "%s_ENDPOINT", signal_upper[signal]);
		if ((ep.value = env_get(r, name)) != NULL) {
			ep.source = arena_strdup(r->a, name);
		} else if ((ep.value = env_get(r, ENV_PREFIX "ENDPOINT")) != NULL) {
			ep.source = ENV_PREFIX "ENDPOINT";
			base = true;
		} else if ((ep.value = env_get(r, "OTLP_HTTP_ENDPOINT")) != NULL) {
			/* read as otelsim reads it (its --endpoint): a signal path is removed */
			ep.source = "OTLP_HTTP_ENDPOINT";
			base = strip = true;
		}
	}
	if (ep.value && !ep.source)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (ep.value && (rc = parse_url(r, &ep, &u)) != 0)
		return rc;

	/* the protocol */
	if ((rc = lookup(r, f->protocol, "--protocol", signal, "PROTOCOL", &proto)) != 0)
		return rc;
	if ((rc = apply_defaults(r, &ep, &proto, &u, &base, &strip)) != 0)
		return rc;
	t->protocol = SENDER_HTTP_PROTOBUF;
	if (proto.value && (rc = parse_protocol(r, &proto, &t->protocol)) != 0)
		return rc;
	if (ep.value && u.grpc) {
		if (proto.value && t->protocol != SENDER_GRPC)
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: endpoint '%s' is grpc but %s asks for %s", ep.source,
					 u.shown, proto.source, sender_protocol_name(t->protocol));
		t->protocol = SENDER_GRPC;
	}

	if (!ep.value) {
		ep.value = t->protocol == SENDER_GRPC ? "http://localhost:4317"
						      : "http://localhost:4318";
		ep.source = "the default endpoint";
		base = true;
		if ((rc = parse_url(r, &ep, &u)) != 0)
			return rc;
	}
	if ((rc = env_insecure(r, signal, &plaintext, &insecure_source)) != 0)
		return rc;
	t->tls_hint = NULL;
	if (u.bare && t->protocol == SENDER_GRPC && !plaintext) {
		const char *at = strrchr(u.authority, '@');
		const char *host = at ? at + 1 : u.authority;

		t->tls_hint = arena_printf(
			r->a,
			"%s without a scheme means TLS for grpc; for a plaintext collector "
			"use grpc://%s%s or %s=true",
			ep.source, host, authority_port(u.authority) ? "" : ":4317",
			/* the variable that decided: a per-signal one wins */
			insecure_source ? insecure_source : ENV_PREFIX "INSECURE");
		if (!t->tls_hint)
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	}
	return build_url(r, &ep, &u, base, strip, t->protocol, plaintext, signal, &t->url);
}

/* ---- headers ---- */

struct header {
	const char *name, *value;
};

static bool token_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!token_char((unsigned char)*s))
			return false;
	}
	return true;
}

static bool value_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* OTEL_EXPORTER_OTLP_HEADERS: k1=v1,k2=v2 */
static int parse_env_headers(struct resolver *r, const struct setting *st, struct header **out,
			     size_t *n)
{
	const char *s = st->value;
	size_t count = 1, entry = 0;
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	for (const char *p = s; *p; p++)
		count += *p == ',';
	*out = ARENA_NEWN(r->a, struct header, count);
	*n = 0;
	if (!*out)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	while (*s) {
		size_t len = strcspn(s, ","), klen;
		const char *eq = memchr(s, '=', len);
		char *key, *raw;

		entry++;
		if (strspn(s, " \t") >= len) { /* empty entry: "a=1,,b=2" or a trailing comma */
			s += len + (s[len] == ',');
			continue;
		}
		if (!eq) {
			rc = error_set(
				r->err, OTELSIM_EUSAGE,
				"%s: entry %zu has no '=' (expected key1=value1,key2=value2)",
				st->source, entry);
			goto cleanup;
		}
		klen = (size_t)(eq - s);
		key = trimmed(r->a, s, klen);
		raw = trimmed(r->a, eq + 1, len - klen - 1);
		if (!key || !raw) {
			rc = error_set(r->err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		if (!name_ok(key)) {
			rc = error_set(r->err, OTELSIM_EUSAGE,
				       "%s: entry %zu has an invalid header name", st->source,
				       entry);
			goto cleanup;
		}
		strbuf_reset(&sb);
		if (wire_percent_decode(raw, strlen(raw), true, &sb)) {
			rc = error_set(r->err, OTELSIM_EUSAGE,
				       "%s: bad percent-encoding in the value of '%s'", st->source,
				       key);
			goto cleanup;
		}
		if (!value_ok(sb.buf ? sb.buf : "", sb.len)) {
			rc = error_set(r->err, OTELSIM_EUSAGE,
				       "%s: the value of '%s' has a control character", st->source,
				       key);
			goto cleanup;
		}
		(*out)[*n].name = key;
		(*out)[*n].value = arena_strndup(r->a, sb.buf ? sb.buf : "", sb.len);
		if (!(*out)[*n].value) {
			rc = error_set(r->err, OTELSIM_ENOMEM, "out of memory");
			goto cleanup;
		}
		(*n)++;
		s += len + (s[len] == ',');
	}
cleanup:
	strbuf_release(&sb);
	return rc;
}

/* --header 'Name: value' */
static int parse_flag_header(struct resolver *r, size_t index, const char *s, struct header *h)
{
	const char *colon = strchr(s, ':');
	char *name, *value;

	if (!colon)
		return error_set(r->err, OTELSIM_EUSAGE, "--header #%zu: expected 'Name: value'",
				 index + 1);
	name = arena_strndup(r->a, s, (size_t)(colon - s));
	value = trimmed(r->a, colon + 1, strlen(colon + 1));
	if (!name || !value)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	if (!name_ok(name))
		return error_set(r->err, OTELSIM_EUSAGE,
				 "--header #%zu: invalid header name (expected 'Name: value')",
				 index + 1);
	if (!value_ok(value, strlen(value)))
		return error_set(r->err, OTELSIM_EUSAGE,
				 "--header '%s': the value has a control character", name);
	h->name = name;
	h->value = value;
	return 0;
}

static int resolve_headers(struct resolver *r, int signal, struct sender_target *t)
{
	const struct endpoint_flags *f = r->flags;
	struct setting st;
	struct header *env_h = NULL, *flag_h = NULL;
	size_t nenv = 0, total = 0;
	const char **list;
	int rc;

	if ((rc = lookup(r, NULL, NULL, signal, "HEADERS", &st)) != 0)
		return rc;
	if (st.value && (rc = parse_env_headers(r, &st, &env_h, &nenv)) != 0)
		return rc;
	if (f->nheaders) {
		flag_h = ARENA_NEWN(r->a, struct header, f->nheaders);
		if (!flag_h)
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < f->nheaders; i++) {
		if ((rc = parse_flag_header(r, i, f->headers[i], &flag_h[i])) != 0)
			return rc;
		/* a flag replaces the environment's header of the same name */
		for (size_t k = 0; k < nenv; k++) {
			if (env_h[k].name && strcasecmp(env_h[k].name, flag_h[i].name) == 0)
				env_h[k].name = NULL;
		}
	}
	list = ARENA_NEWN(r->a, const char *, nenv + f->nheaders + 1);
	if (!list)
		return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	for (size_t k = 0; k < nenv + f->nheaders; k++) {
		const struct header *h = k < nenv ? &env_h[k] : &flag_h[k - nenv];

		if (!h->name)
			continue;
		/* libcurl sends "Name;" as an empty header ("Name:" would remove it) */
		list[total] = h->value[0] ? arena_printf(r->a, "%s: %s", h->name, h->value)
					  : arena_printf(r->a, "%s;", h->name);
		if (!list[total++])
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
	}
	t->headers = list;
	t->nheaders = total;
	return 0;
}

/* ---- the rest ---- */

static int resolve_options(struct resolver *r, int signal, struct sender_target *t)
{
	const struct endpoint_flags *f = r->flags;
	struct setting st;
	char *v;
	int rc;

	/* compression */
	if ((rc = lookup(r, f->compression, "--compression", signal, "COMPRESSION", &st)) != 0)
		return rc;
	t->gzip = false;
	if (st.value) {
		if (!(v = trimmed(r->a, st.value, strlen(st.value))))
			return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
		if (strcasecmp(v, "gzip") == 0)
			t->gzip = true;
		else if (strcasecmp(v, "none") != 0)
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: unknown compression '%s' (expected gzip or none)",
					 st.source, v);
	}

	/* timeout */
	if (f->timeout_ms < 0)
		return error_set(r->err, OTELSIM_EUSAGE, "--timeout: must be positive");
	t->timeout_ms = 10000;
	if (f->timeout_ms > 0) {
		t->timeout_ms = f->timeout_ms;
	} else {
		if ((rc = lookup(r, NULL, NULL, signal, "TIMEOUT", &st)) != 0)
			return rc;
		if (st.value) {
			int64_t ms = 0;

			if (!(v = trimmed(r->a, st.value, strlen(st.value))))
				return error_set(r->err, OTELSIM_ENOMEM, "out of memory");
			if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9 ||
			    (ms = strtoll(v, NULL, 10)) < 1 || ms > TIMEOUT_MAX_MS)
				return error_set(r->err, OTELSIM_EUSAGE,
						 "%s: '%s' is not a timeout in milliseconds "
						 "(1 to %d)",
						 st.source, v, TIMEOUT_MAX_MS);
			t->timeout_ms = ms;
		}
	}

	/* TLS files */
	{
		static const struct {
			const char *flag, *key;
			size_t off;
		} files[] = {
			{ "--cacert", "CERTIFICATE", offsetof(struct sender_target, cacert) },
			{ "--cert", "CLIENT_CERTIFICATE", offsetof(struct sender_target, cert) },
			{ "--key", "CLIENT_KEY", offsetof(struct sender_target, key) },
		};
		const char *given[3] = { f->cacert, f->cert, f->key };
		const char *key_source = NULL;

		for (size_t i = 0; i < 3; i++) {
			const char **dst = (const char **)((char *)t + files[i].off);

			if ((rc = lookup(r, given[i], files[i].flag, signal, files[i].key, &st)) !=
			    0)
				return rc;
			*dst = st.value;
			if (st.value && access(st.value, R_OK) != 0)
				return error_set(r->err, OTELSIM_EUSAGE, "%s: cannot read '%s'",
						 st.source, st.value);
			if (i == 2)
				key_source = st.source;
		}
		if (t->key && !t->cert)
			return error_set(r->err, OTELSIM_EUSAGE,
					 "%s: a client key needs a client certificate", key_source);
	}

	/* only the flag skips verification (INSECURE is read by resolve_endpoint) */
	t->insecure = f->insecure;
	return 0;
}

/* Does a flag or a variable name an endpoint, for any signal? */
static bool user_endpoint(const struct resolver *r)
{
	const struct endpoint_flags *f = r->flags;

	if (f->endpoint || env_get(r, ENV_PREFIX "ENDPOINT") || env_get(r, "OTLP_HTTP_ENDPOINT"))
		return true;
	for (int s = 0; s < 3; s++) {
		char name[96];

		snprintf(name, sizeof(name), ENV_PREFIX "%s_ENDPOINT", signal_upper[s]);
		if (f->signal_endpoint[s] || env_get(r, name))
			return true;
	}
	return false;
}

int endpoint_resolve(const struct endpoint_flags *flags, const struct endpoint_defaults *defaults,
		     const char *const *env, struct arena *a, struct sender_config *out,
		     struct otelsim_error *err)
{
	static const struct endpoint_flags none;
	struct resolver r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.flags = flags ? flags : &none;
	r.defaults = defaults && defaults->source ? defaults : NULL;
	r.env = env;
	r.a = a;
	r.err = err;
	r.user_endpoint = user_endpoint(&r);
	sender_config_init(out);
	for (int s = 0; s < 3; s++) {
		struct sender_target *t = &out->target[s];

		if ((rc = resolve_endpoint(&r, s, t)) != 0 ||
		    (rc = resolve_headers(&r, s, t)) != 0 || (rc = resolve_options(&r, s, t)) != 0)
			return rc;
	}
	out->warnings = r.warnings;
	return 0;
}
