/*
 * net/endpoint.h - where to send, from command-line flags and the standard
 * OTLP exporter environment variables.
 *
 * endpoint_resolve fills a sender_config (defaults from sender_config_init,
 * then one sender_target per signal) by these rules, per signal S in
 * TRACES, METRICS, LOGS; a flag always beats the environment, a per-signal
 * variable OTEL_EXPORTER_OTLP_S_X beats the generic OTEL_EXPORTER_OTLP_X,
 * and an empty variable counts as unset:
 *
 * - Endpoint, first found: flags->signal_endpoint[S] (used as is),
 *   flags->endpoint (a base), OTEL_EXPORTER_OTLP_S_ENDPOINT (used as is: an
 *   empty path becomes "/"), OTEL_EXPORTER_OTLP_ENDPOINT (a base),
 *   OTLP_HTTP_ENDPOINT (a base, as seeds 000/001 read it), else
 *   the defaults' endpoint (below), else http://localhost:4318 (http
 *   protocols) or http://localhost:4317 (grpc).
 *   A base gets "v1/traces", "v1/metrics" or "v1/logs" appended after
 *   making sure its path ends in one '/'. A flags->endpoint whose path
 *   already ends in /v1/traces, /v1/metrics or /v1/logs has that suffix
 *   removed first, so `--endpoint http://h:4318/v1/traces` works for every
 *   signal (the environment follows the specification to the letter).
 *   OTLP_HTTP_ENDPOINT is read like a flags->endpoint (suffix removed), as
 *   otelsim reads it through its --endpoint.
 *   Forms: http://h:p, https://h:p, grpc://h:p (= http://h:p with protocol
 *   grpc: clear text), and a bare h:p: http://h:p for the http protocols;
 *   for grpc, as the specification says, https://h:p unless
 *   OTEL_EXPORTER_OTLP_[S_]INSECURE is true (then http://h:p), and
 *   target->tls_hint says how to reach a plaintext collector. A bare host
 *   or grpc://host without a port gets 4317 (grpc) or 4318 (http); an
 *   http:// or https:// URL without one keeps the scheme's (80, 443). For
 *   grpc the path is the service method
 *   (/opentelemetry.proto.collector.trace.v1.TraceService/Export); an
 *   endpoint path other than "/" is an error there.
 * - Protocol: flags->protocol, OTEL_EXPORTER_OTLP_[S_]PROTOCOL, the
 *   defaults' protocol (unless flags->endpoint says grpc://), "grpc" when
 *   the endpoint says grpc://, else http/protobuf. Values: grpc,
 *   http/protobuf, http/json. A grpc:// endpoint with an http protocol is an
 *   error.
 * - Headers: OTEL_EXPORTER_OTLP_[S_]HEADERS as k1=v1,k2=v2 (values
 *   percent-decoded, keys and values trimmed), then flags->headers
 *   ("Name: value"), a flag replacing an environment header of the same
 *   name (case-insensitive).
 * - Compression: flags->compression, OTEL_EXPORTER_OTLP_[S_]COMPRESSION:
 *   gzip or none (default).
 * - Timeout: flags->timeout_ms (> 0 means set), OTEL_EXPORTER_OTLP_[S_]TIMEOUT
 *   (integer milliseconds, 1..86400000), default 10000.
 * - TLS files: flags->cacert/cert/key, OTEL_EXPORTER_OTLP_[S_]CERTIFICATE,
 *   _CLIENT_CERTIFICATE, _CLIENT_KEY; each must be a readable file, and a
 *   key needs a certificate.
 * - Insecure (skip TLS verification): flags->insecure only.
 *   OTEL_EXPORTER_OTLP_[S_]INSECURE only chooses clear text for a bare
 *   grpc h:p, as above; it never turns verification off. As the
 *   specification reads booleans, it is true only for "true" (any case);
 *   any other value is false, with a line in out->warnings (once per
 *   variable). The tls_hint names the variable that decided (the
 *   per-signal one when set).
 *
 * - Defaults (a dataset manifest's endpoint and protocol, for otlp-replay):
 *   the lowest layer, as above. The defaults' endpoint belongs to their
 *   protocol: it applies only when no flag or variable names an endpoint
 *   (for any signal) and the protocol in effect uses the same transport
 *   (grpc, or http: http/protobuf and http/json share one endpoint), so
 *   --protocol grpc goes to grpc's default, localhost:4317. It is read like
 *   flags->endpoint (a base; a signal path removed).
 *
 * This is the one place the precedence is decided; callers pass what they
 * were given and never re-read the environment.
 *
 * Every bad value is OTELSIM_EUSAGE with a message naming the variable or
 * flag; header values, URL credentials and URL queries and fragments never
 * appear in messages (shown as "***@", "?...", "#..."), nor do control
 * characters.
 */
#ifndef NET_ENDPOINT_H
#define NET_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/sender.h"
#include "otelsim/error.h"
#include "util/arena.h"

/* What the command line said; NULL / 0 / false = not given. */
struct endpoint_flags {
	const char *endpoint;           /* --endpoint: a base URL */
	const char *signal_endpoint[3]; /* --traces-endpoint ...: used as is */
	const char *protocol;           /* --protocol */
	const char *const *headers;     /* --header 'Name: value', repeatable */
	size_t nheaders;
	const char *compression;         /* --compression gzip|none */
	int64_t timeout_ms;              /* --timeout */
	const char *cacert, *cert, *key; /* --cacert --cert --key */
	bool insecure;                   /* --insecure */
};

/* The lowest layer: a manifest's replay settings (NULL / NULL source: none). */
struct endpoint_defaults {
	const char *endpoint, *protocol;
	const char *source; /* how messages name them: "DIR/manifest.json" */
};

/*
 * Resolve into *out (every string allocated from `a`, which must outlive
 * the sender). defaults may be NULL. env is a NULL-terminated "NAME=value"
 * list, or NULL for the process environment (getenv). Returns 0 or
 * OTELSIM_EUSAGE/OTELSIM_ENOMEM. Reentrant: any thread, its own arena.
 */
int endpoint_resolve(const struct endpoint_flags *flags, const struct endpoint_defaults *defaults,
		     const char *const *env, struct arena *a, struct sender_config *out,
		     struct otelsim_error *err);

/*
 * A resolved URL as messages may show it: userinfo becomes "***@", a query
 * "?...", a fragment "#..." (credentials travel there). Allocated from `a`;
 * NULL when out of memory.
 */
const char *endpoint_shown_url(const char *url, struct arena *a);

#endif
