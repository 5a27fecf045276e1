/*
 * encode/: the streaming OTLP protobuf and OTLP/JSON encoders.
 *
 * The protobuf bytes must equal protobuf-c's pack of the same TracesData
 * (encode_traces_reference) for every batch; the JSON lines must say what the
 * protobuf records say, in the strict OTLP/JSON form. Batches are built by
 * hand and by a seeded generator that covers every value type and default.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "encode/console.h"
#include "encode/encode.h"
#include "engine/batch.h"
#include "model/model.h"
#include "opentelemetry/proto/trace/v1/trace.pb-c.h"
#include "otelsim/otelsim.h"
#include "util/arena.h"
#include "util/rng.h"
#include "util/strbuf.h"
#include "util/text.h"

typedef Opentelemetry__Proto__Trace__V1__TracesData TracesData;
typedef Opentelemetry__Proto__Trace__V1__ResourceSpans ResourceSpans;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans ScopeSpans;
typedef Opentelemetry__Proto__Trace__V1__Span Span;
typedef Opentelemetry__Proto__Common__V1__AnyValue AnyValue;
typedef Opentelemetry__Proto__Common__V1__KeyValue KeyValue;

/* ---- fixtures --------------------------------------------------------------- */

struct fixture {
	struct model m;
	struct batch b;
};

static void fixture_init(struct fixture *f, uint32_t nservices)
{
	memset(&f->m, 0, sizeof(f->m));
	arena_init(&f->m.arena, 64 * 1024);
	f->m.services = ARENA_NEWN(&f->m.arena, struct service, nservices);
	assert_non_null(f->m.services);
	f->m.nservices = nservices;
	f->m.config.scope_name = "otelsim";
	f->m.config.scope_version = "0.1.0";
	f->m.config.schema_url = "";
	batch_init(&f->b);
}

static void fixture_release(struct fixture *f)
{
	batch_release(&f->b);
	arena_release(&f->m.arena);
}

static struct value vstr(const char *s)
{
	struct value v = { .type = VAL_STRING };

	v.u.s.ptr = s;
	v.u.s.len = (uint32_t)strlen(s);
	return v;
}

static struct value vint(int64_t i)
{
	struct value v = { .type = VAL_INT };

	v.u.i = i;
	return v;
}

static struct value vdouble(double d)
{
	struct value v = { .type = VAL_DOUBLE };

	v.u.d = d;
	return v;
}

static struct value vbool(int b)
{
	struct value v = { .type = VAL_BOOL };

	v.u.b = b;
	return v;
}

static struct value vbytes(const char *p, uint32_t n)
{
	struct value v = { .type = VAL_BYTES };

	v.u.s.ptr = p;
	v.u.s.len = n;
	return v;
}

static struct keyval kv(const char *k, struct value v)
{
	struct keyval x;

	x.key = k;
	x.key_len = (uint32_t)strlen(k);
	x.value = v;
	return x;
}

static struct keyval *kvs(struct arena *a, uint32_t n, const struct keyval *src)
{
	struct keyval *p = ARENA_NEWN(a, struct keyval, n);

	assert_non_null(p);
	memcpy(p, src, n * sizeof(*p));
	return p;
}

static void set_name(struct span_out *s, const char *name)
{
	s->name = name;
	s->name_len = (uint32_t)strlen(name);
}

static void fill_ids(struct span_out *s, uint8_t t, uint8_t sp)
{
	for (int i = 0; i < 16; i++)
		s->trace_id[i] = (uint8_t)(t + i);
	for (int i = 0; i < 8; i++)
		s->span_id[i] = (uint8_t)(sp + i);
}

/* ---- the seeded generator ------------------------------------------------------ */

static const char *const sample_strings[] = {
	"",
	"a",
	"GET /api/v1/users/{id}",
	"quote\"back\\slash",
	"tab\tnl\nctl\x01\x1f",
	"ünïcødé ✓ 😀",
	"line\u2028sep",
	"http.response.status_code",
	"{\"json\":[1,2]}",
};

static const char *rand_text(struct rng *r, struct arena *a, uint32_t *len)
{
	uint64_t pick = rng_below(r, 12);
	char *p;
	size_t n;

	if (pick < sizeof(sample_strings) / sizeof(sample_strings[0])) {
		*len = (uint32_t)strlen(sample_strings[pick]);
		return sample_strings[pick];
	}
	/* random printable ASCII, sometimes long enough for 2- and 3-byte lengths */
	n = pick == 11 ? (size_t)rng_range(r, 100, 20000) : (size_t)rng_range(r, 1, 60);
	p = arena_alloc(a, n + 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)rng_range(r, 32, 126);
	p[n] = '\0';
	*len = (uint32_t)n;
	return p;
}

static void rand_value(struct rng *r, struct arena *a, struct value *v, int depth);

static struct keyval *rand_keyvals(struct rng *r, struct arena *a, uint32_t n, int depth)
{
	struct keyval *k;

	if (!n)
		return NULL;
	k = ARENA_NEWN(a, struct keyval, n);
	assert_non_null(k);
	for (uint32_t i = 0; i < n; i++) {
		k[i].key = rand_text(r, a, &k[i].key_len);
		if (k[i].key_len > 200)
			k[i].key_len = 200;
		rand_value(r, a, &k[i].value, depth);
	}
	return k;
}

static void rand_value(struct rng *r, struct arena *a, struct value *v, int depth)
{
	static const int64_t ints[] = { 0, 1, -1, 127, 128, -128, INT64_MAX, INT64_MIN, 300 };
	static const double dbls[] = { 0.0, -0.0, 1.5, -2.25, 1e300, 5e-324, 0.1, 123456789.0 };

	memset(v, 0, sizeof(*v));
	v->type = (uint8_t)rng_below(r, depth < 3 ? 8 : 6);
	switch (v->type) {
	case VAL_STRING:
		v->u.s.ptr = rand_text(r, a, &v->u.s.len);
		break;
	case VAL_BOOL:
		v->u.b = (int)rng_below(r, 2);
		break;
	case VAL_INT:
		v->u.i = rng_below(r, 2) ? ints[rng_below(r, 9)] : (int64_t)rng_next(r);
		break;
	case VAL_DOUBLE:
		switch (rng_below(r, 6)) {
		case 0:
			v->u.d = NAN;
			break;
		case 1:
			v->u.d = rng_below(r, 2) ? INFINITY : -INFINITY;
			break;
		case 2: {
			uint64_t bits = rng_next(r);

			memcpy(&v->u.d, &bits, 8);
			if (isnan(v->u.d))
				v->u.d = 42.0;
			break;
		}
		default:
			v->u.d = dbls[rng_below(r, 8)];
		}
		break;
	case VAL_BYTES: {
		uint32_t n = (uint32_t)rng_below(r, 20);
		uint8_t *p = arena_alloc(a, n + 1);

		assert_non_null(p);
		rng_bytes(r, p, n);
		v->u.s.ptr = (const char *)p;
		v->u.s.len = n;
		break;
	}
	case VAL_ARRAY: {
		uint32_t n = (uint32_t)rng_below(r, 4);

		v->u.arr.n = n;
		v->u.arr.items = n ? ARENA_NEWN(a, struct value, n) : NULL;
		for (uint32_t i = 0; i < n; i++)
			rand_value(r, a, &v->u.arr.items[i], depth + 1);
		break;
	}
	case VAL_KVLIST:
		v->u.kv.n = (uint32_t)rng_below(r, 4);
		v->u.kv.items = rand_keyvals(r, a, v->u.kv.n, depth + 1);
		break;
	default:
		break;
	}
}

static void rand_model(struct fixture *f, struct rng *r)
{
	uint32_t ns = (uint32_t)rng_range(r, 1, 5);
	struct arena *a = &f->m.arena;
	static const char *const urls[] = { "", "https://opentelemetry.io/schemas/1.26.0", NULL };

	fixture_init(f, ns);
	f->m.config.schema_url = urls[rng_below(r, 3)];
	f->m.config.scope_name = rng_below(r, 4) ? "otelsim" : "";
	f->m.config.scope_version = rng_below(r, 4) ? "1.2.3" : NULL;
	for (uint32_t i = 0; i < ns; i++) {
		struct service *sv = &f->m.services[i];
		uint32_t extra = (uint32_t)rng_below(r, 4);

		sv->name = arena_printf(a, "svc-%u", i);
		if (rng_below(r, 8) == 0) { /* an empty Resource */
			sv->nattrs = 0;
			continue;
		}
		sv->nattrs = 1 + extra;
		sv->attrs = rand_keyvals(r, a, sv->nattrs, 0);
		sv->attrs[0].key = "service.name";
		sv->attrs[0].key_len = 12;
		sv->attrs[0].value = vstr(sv->name);
	}
	/* 0: a model without scopes (the config's); else spans spread over 1..3 */
	f->m.nscopes = (uint32_t)rng_below(r, 4);
	f->m.scopes = ARENA_NEWN(a, struct scope_def, f->m.nscopes + 1);
	for (uint32_t i = 0; i < f->m.nscopes; i++) {
		f->m.scopes[i].name = i == 0 ? f->m.config.scope_name
				      : rng_below(r, 5) ? arena_printf(a, "lib.%u", i)
							: "";
		f->m.scopes[i].version = i == 0 ? f->m.config.scope_version
					 : rng_below(r, 3) ? arena_printf(a, "%u.0", i)
							   : NULL;
	}
}

static void rand_batch(struct fixture *f, struct rng *r, size_t ntraces)
{
	struct arena *a = &f->b.arena;
	static const uint32_t flags[] = { 0, 1, 0x101, 0x301, 0x100 };

	for (size_t t = 0; t < ntraces; t++) {
		uint8_t tid[16];
		size_t first = f->b.nspans, n = (size_t)rng_range(r, 1, 7);

		rng_bytes(r, tid, 16);
		for (size_t k = 0; k < n; k++) {
			struct span_out *s = batch_add_span(&f->b);

			assert_non_null(s);
			memcpy(s->trace_id, tid, 16);
			rng_bytes(r, s->span_id, 8);
			if (k) {
				size_t p = first + (size_t)rng_below(r, k);

				s->has_parent = 1;
				memcpy(s->parent_span_id, f->b.spans[p].span_id, 8);
			}
			s->resource = (uint32_t)rng_below(r, f->m.nservices);
			s->name = rand_text(r, a, &s->name_len);
			s->kind = (uint8_t)rng_below(r, 6);
			s->status_code = (uint8_t)rng_below(r, 3);
			if (rng_below(r, 3) == 0)
				s->status_message = rand_text(r, a, &s->status_message_len);
			s->flags = rng_below(r, 6) ? flags[rng_below(r, 5)] : (uint32_t)rng_next(r);
			s->start_ns = rng_below(r, 10)
					      ? 1767225600000000000ull + rng_below(r, 1u << 30)
					      : 0;
			s->end_ns = rng_below(r, 10) ? s->start_ns + rng_below(r, 1u << 20) : 0;
			if (rng_below(r, 3) == 0) /* field 3: between span_id and parent_span_id */
				s->trace_state = rand_text(r, a, &s->trace_state_len);
			s->nattrs = (uint32_t)rng_below(r, 7);
			s->attrs = rand_keyvals(r, a, s->nattrs, 0);
			s->nevents = (uint32_t)rng_below(r, 4);
			s->events = s->nevents ? ARENA_NEWN(a, struct event_out, s->nevents) : NULL;
			for (uint32_t i = 0; i < s->nevents; i++) {
				struct event_out *ev = &s->events[i];

				ev->time_ns = rng_below(r, 5) ? s->start_ns + 7 : 0;
				ev->name = rand_text(r, a, &ev->name_len);
				ev->nattrs = (uint32_t)rng_below(r, 4);
				ev->attrs = rand_keyvals(r, a, ev->nattrs, 0);
			}
			s->nlinks = (uint32_t)rng_below(r, 3);
			s->links = s->nlinks ? ARENA_NEWN(a, struct link_out, s->nlinks) : NULL;
			for (uint32_t i = 0; i < s->nlinks; i++) {
				struct link_out *l = &s->links[i];

				rng_bytes(r, l->trace_id, 16);
				rng_bytes(r, l->span_id, 8);
				l->flags = rng_below(r, 2) ? flags[rng_below(r, 5)] : 0;
				if (rng_below(r, 3) == 0)
					l->trace_state = rand_text(r, a, &l->trace_state_len);
				l->nattrs = (uint32_t)rng_below(r, 4);
				l->attrs = rand_keyvals(r, a, l->nattrs, 0);
			}
			s->scope = f->m.nscopes ? (uint32_t)rng_below(r, f->m.nscopes) : 0;
		}
	}
}

/* ---- helpers -------------------------------------------------------------------- */

static int encode(struct fixture *f, int format, int framing, size_t max, struct strbuf *out,
		  uint64_t *nrec)
{
	struct encoder_config cfg = { &f->m, format, framing, max };
	struct encoder *e = encoder_new(&cfg);
	int rc;

	assert_non_null(e);
	rc = encoder_traces(e, &f->b, out, nrec);
	encoder_free(e);
	return rc;
}

static int reference(struct fixture *f, int framing, size_t max, struct strbuf *out, uint64_t *nrec)
{
	struct encoder_config cfg = { &f->m, OTELSIM_FORMAT_OTLP, framing, max };

	return encode_traces_reference(&cfg, &f->b, out, nrec);
}

static void assert_same_bytes(const struct strbuf *got, const struct strbuf *want)
{
	if (got->len != want->len || memcmp(got->buf, want->buf, got->len)) {
		size_t i = 0;

		while (i < got->len && i < want->len && got->buf[i] == want->buf[i])
			i++;
		fail_msg("bytes differ at offset %zu (got %zu bytes, want %zu)", i, got->len,
			 want->len);
	}
}

/* Splits framed records; returns their count (asserting they tile buf exactly). */
struct rec {
	const uint8_t *p;
	size_t len;
	size_t prefix;
};

static size_t split_records(const struct strbuf *sb, int framing, struct rec *recs, size_t max)
{
	const uint8_t *p = (const uint8_t *)sb->buf, *end = p + sb->len;
	size_t n = 0;

	while (p < end) {
		uint64_t len = 0;
		size_t pre = 0;

		if (framing == OTELSIM_FRAMING_BE32) {
			assert_true(end - p >= 4);
			len = (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 |
			      p[3];
			pre = 4;
		} else {
			int shift = 0;

			do {
				assert_true(p + pre < end && shift < 64);
				len |= (uint64_t)(p[pre] & 0x7f) << shift;
				shift += 7;
			} while (p[pre++] & 0x80);
		}
		assert_true(len <= (uint64_t)(end - p - pre));
		assert_true(n < max);
		recs[n].p = p + pre;
		recs[n].len = (size_t)len;
		recs[n].prefix = pre;
		n++;
		p += pre + len;
	}
	assert_true(p == end);
	return n;
}

/* ---- protobuf: equality with protobuf-c ----------------------------------------------- */

static void test_pb_matches_reference_random(void **state)
{
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
	uint64_t total_records = 0, split_batches = 0;

	(void)state;
	for (uint64_t seed = 0; seed < 600; seed++) {
		struct fixture f;
		struct rng r;
		size_t max;

		rng_seed(&r, 20260101, 1, seed);
		rand_model(&f, &r);
		rand_batch(&f, &r, (size_t)rng_range(&r, 1, 12));
		/* one batch in three gets a small limit, so the split rule is compared too */
		max = rng_below(&r, 3) == 0 ? (size_t)rng_range(&r, 200, 6000) : 0;
		for (int framing = OTELSIM_FRAMING_BE32; framing <= OTELSIM_FRAMING_VARINT;
		     framing++) {
			uint64_t ng = 0, nw = 0;

			strbuf_reset(&got);
			strbuf_reset(&want);
			assert_int_equal(encode(&f, OTELSIM_FORMAT_OTLP, framing, max, &got, &ng),
					 0);
			assert_int_equal(reference(&f, framing, max, &want, &nw), 0);
			if (ng != nw)
				fail_msg("seed %" PRIu64 ": %" PRIu64
					 " records, reference %" PRIu64,
					 seed, ng, nw);
			assert_same_bytes(&got, &want);
			total_records += ng;
			split_batches += ng > 1;
		}
		fixture_release(&f);
	}
	/* the generator did exercise the split rule */
	assert_true(split_batches >= 50);
	assert_true(total_records >= 1200);
	strbuf_release(&got);
	strbuf_release(&want);
}

static void test_pb_encoder_reuse(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, want = STRBUF_INIT;
	struct fixture f;
	struct rng r;
	struct encoder_config cfg;
	struct encoder *e;
	uint64_t n1 = 0, n2 = 0;

	(void)state;
	rng_seed(&r, 7, 2, 0);
	rand_model(&f, &r);
	rand_batch(&f, &r, 40);
	cfg = (struct encoder_config){ &f.m, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 3000 };
	e = encoder_new(&cfg);
	assert_non_null(e);
	/* one encoder, several batches: each appends exactly what a fresh one writes */
	assert_int_equal(encoder_traces(e, &f.b, &a, &n1), 0);
	assert_int_equal(encoder_traces(e, &f.b, &a, &n2), 0);
	assert_true(n1 > 1 && n1 == n2);
	assert_int_equal(a.len % 2, 0);
	assert_memory_equal(a.buf, a.buf + a.len / 2, a.len / 2);
	assert_int_equal(reference(&f, OTELSIM_FRAMING_BE32, 3000, &want, NULL), 0);
	strbuf_add(&b, want.buf, want.len);
	strbuf_add(&b, want.buf, want.len);
	assert_same_bytes(&a, &b);
	encoder_free(e);
	fixture_release(&f);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&want);
}

/* A streamed record is the whole TracesData: protobuf-c reads it and packs it back the same. */
static void test_pb_record_repacks_identically(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct rec recs[256];

	(void)state;
	for (uint64_t seed = 0; seed < 100; seed++) {
		struct fixture f;
		struct rng r;
		size_t n;

		rng_seed(&r, 99, 3, seed);
		rand_model(&f, &r);
		rand_batch(&f, &r, (size_t)rng_range(&r, 1, 20));
		strbuf_reset(&out);
		assert_int_equal(
			encode(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_VARINT, 0, &out, NULL), 0);
		n = split_records(&out, OTELSIM_FRAMING_VARINT, recs, 256);
		assert_int_equal(n, 1);
		for (size_t i = 0; i < n; i++) {
			TracesData *td = opentelemetry__proto__trace__v1__traces_data__unpack(
				NULL, recs[i].len, recs[i].p);
			uint8_t *again;
			size_t spans = 0;

			assert_non_null(td);
			for (size_t k = 0; k < td->n_resource_spans; k++)
				for (size_t j = 0; j < td->resource_spans[k]->n_scope_spans; j++)
					spans += td->resource_spans[k]->scope_spans[j]->n_spans;
			assert_int_equal(spans, f.b.nspans);
			assert_int_equal(
				opentelemetry__proto__trace__v1__traces_data__get_packed_size(td),
				recs[i].len);
			again = malloc(recs[i].len + 1);
			assert_non_null(again);
			assert_int_equal(
				opentelemetry__proto__trace__v1__traces_data__pack(td, again),
				recs[i].len);
			assert_memory_equal(again, recs[i].p, recs[i].len);
			free(again);
			opentelemetry__proto__trace__v1__traces_data__free_unpacked(td, NULL);
		}
		fixture_release(&f);
	}
	strbuf_release(&out);
}

/* ---- a small hand-made batch, pinned ------------------------------------------------- */

/* protoc --encode=opentelemetry.proto.trace.v1.TracesData of the same batch (C++ protobuf) */
static const char pinned_pb_hex[] =
	"0a86040a1c0a1a0a0c736572766963652e6e616d65120a0a08636865636b6f757412bc03"
	"0a100a076f74656c73696d1205302e312e3012d6020a100102030405060708090a0b0c0d"
	"0e0f10120811121314151617182a09474554202f636172743002390000faed5172861841"
	"60e310ee517286184a1c0a13687474702e726571756573742e6d6574686f6412050a0347"
	"45544a200a19687474702e726573706f6e73652e7374617475735f636f6465120318c801"
	"4a120a05726174696f120921000000000000d03f4a0c0a06636163686564120210004a0d"
	"0a04626c6f6212053a030001ff4a1c0a047461677312142a120a030a01610a0b18ffffff"
	"ffffffffffff014a1a0a046d657461121232100a0e0a0178120921000000000000f0ff4a"
	"080a046e6f6e6512005a1f090a00faed51728618120572657472791a0d0a07617474656d"
	"7074120218016a330a10a0a1a2a3a4a5a6a7a8a9aaabacadaeaf1208b0b1b2b3b4b5b6b7"
	"22100a0372656c12090a07666f6c6c6f777335010000007a081204626f6f6d1802850101"
	"03000012260a100102030405060708090a0b0c0d0e0f1012082122232425262728220811"
	"121314151617181a2768747470733a2f2f6f70656e74656c656d657472792e696f2f7363"
	"68656d61732f312e32362e301a2768747470733a2f2f6f70656e74656c656d657472792e"
	"696f2f736368656d61732f312e32362e300a82020a3e0a1a0a0c736572766963652e6e61"
	"6d65120a0a087061796d656e74730a200a166465706c6f796d656e742e656e7669726f6e"
	"6d656e7412060a0470726f641296010a100a076f74656c73696d1205302e312e3012590a"
	"100102030405060708090a0b0c0d0e0f1012083132333435363738220811121314151617"
	"182a06636861726765300339a086fbed5172861841a0bb07ee517286184a0b0a05656d70"
	"747912020a007a0218018501010000001a2768747470733a2f2f6f70656e74656c656d65"
	"7472792e696f2f736368656d61732f312e32362e301a2768747470733a2f2f6f70656e74"
	"656c656d657472792e696f2f736368656d61732f312e32362e30";

#define SCHEMA "https://opentelemetry.io/schemas/1.26.0"
#define TID    "\"0102030405060708090a0b0c0d0e0f10\""

static const char pinned_json[] =
	"{\"resourceSpans\":["
	"{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
	"\"checkout\"}}]},"
	"\"scopeSpans\":[{\"scope\":{\"name\":\"otelsim\",\"version\":\"0.1.0\"},\"spans\":["
	"{\"traceId\":" TID ",\"spanId\":\"1112131415161718\",\"name\":\"GET /cart\",\"kind\":2,"
	"\"startTimeUnixNano\":\"1767225600000000000\",\"endTimeUnixNano\":\"1767225600001500000\","
	"\"attributes\":["
	"{\"key\":\"http.request.method\",\"value\":{\"stringValue\":\"GET\"}},"
	"{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"200\"}},"
	"{\"key\":\"ratio\",\"value\":{\"doubleValue\":0.25}},"
	"{\"key\":\"cached\",\"value\":{\"boolValue\":false}},"
	"{\"key\":\"blob\",\"value\":{\"bytesValue\":\"AAH/\"}},"
	"{\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"},{"
	"\"intValue\":\"-1\"}]}}},"
	"{\"key\":\"meta\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"x\",\"value\":{"
	"\"doubleValue\":\"-Infinity\"}}]}}},"
	"{\"key\":\"none\",\"value\":{}}],"
	"\"events\":[{\"timeUnixNano\":\"1767225600000000010\",\"name\":\"retry\","
	"\"attributes\":[{\"key\":\"attempt\",\"value\":{\"intValue\":\"1\"}}]}],"
	"\"links\":[{\"traceId\":\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\",\"spanId\":"
	"\"b0b1b2b3b4b5b6b7\","
	"\"attributes\":[{\"key\":\"rel\",\"value\":{\"stringValue\":\"follows\"}}],\"flags\":1}],"
	"\"status\":{\"message\":\"boom\",\"code\":2},\"flags\":769},"
	"{\"traceId\":" TID
	",\"spanId\":\"2122232425262728\",\"parentSpanId\":\"1112131415161718\"}"
	"],\"schemaUrl\":\"" SCHEMA "\"}],\"schemaUrl\":\"" SCHEMA "\"},"
	"{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
	"\"payments\"}},"
	"{\"key\":\"deployment.environment\",\"value\":{\"stringValue\":\"prod\"}}]},"
	"\"scopeSpans\":[{\"scope\":{\"name\":\"otelsim\",\"version\":\"0.1.0\"},\"spans\":["
	"{\"traceId\":" TID
	",\"spanId\":\"3132333435363738\",\"parentSpanId\":\"1112131415161718\","
	"\"name\":\"charge\",\"kind\":3,\"startTimeUnixNano\":\"1767225600000100000\","
	"\"endTimeUnixNano\":\"1767225600000900000\","
	"\"attributes\":[{\"key\":\"empty\",\"value\":{\"stringValue\":\"\"}}],"
	"\"status\":{\"code\":1},\"flags\":1}"
	"],\"schemaUrl\":\"" SCHEMA "\"}],\"schemaUrl\":\"" SCHEMA "\"}"
	"]}\n";

static void hand_batch(struct fixture *f)
{
	static const char blob[3] = { 0, 1, (char)0xff };
	struct arena *ma = &f->m.arena, *a;
	struct span_out *s;
	uint64_t t0 = 1767225600000000000ull;

	fixture_init(f, 2);
	a = &f->b.arena;
	f->m.config.schema_url = SCHEMA;
	{
		struct keyval r0[] = { kv("service.name", vstr("checkout")) };
		struct keyval r1[] = { kv("service.name", vstr("payments")),
				       kv("deployment.environment", vstr("prod")) };

		f->m.services[0] = (struct service){ "checkout", kvs(ma, 1, r0), 1 };
		f->m.services[1] = (struct service){ "payments", kvs(ma, 2, r1), 2 };
	}
	for (int i = 0; i < 3; i++)
		assert_non_null(batch_add_span(&f->b));

	s = &f->b.spans[0];
	fill_ids(s, 0x01, 0x11);
	set_name(s, "GET /cart");
	s->kind = 2;
	s->start_ns = t0;
	s->end_ns = t0 + 1500000;
	{
		struct value items[2] = { vstr("a"), vint(-1) };
		struct keyval meta_items[1] = { kv("x", vdouble(-INFINITY)) };
		struct value tags = { .type = VAL_ARRAY }, meta = { .type = VAL_KVLIST },
			     none = { 0 };
		struct value *it = ARENA_NEWN(a, struct value, 2);

		assert_non_null(it);
		memcpy(it, items, sizeof(items));
		tags.u.arr.items = it;
		tags.u.arr.n = 2;
		meta.u.kv.items = kvs(a, 1, meta_items);
		meta.u.kv.n = 1;
		{
			struct keyval at[] = {
				kv("http.request.method", vstr("GET")),
				kv("http.response.status_code", vint(200)),
				kv("ratio", vdouble(0.25)),
				kv("cached", vbool(0)),
				kv("blob", vbytes(blob, 3)),
				kv("tags", tags),
				kv("meta", meta),
				kv("none", none),
			};

			s->attrs = kvs(a, 8, at);
			s->nattrs = 8;
		}
	}
	{
		struct keyval ea[] = { kv("attempt", vint(1)) };
		struct keyval la[] = { kv("rel", vstr("follows")) };

		s->events = ARENA_NEWN(a, struct event_out, 1);
		s->nevents = 1;
		s->events[0].time_ns = t0 + 10;
		s->events[0].name = "retry";
		s->events[0].name_len = 5;
		s->events[0].attrs = kvs(a, 1, ea);
		s->events[0].nattrs = 1;
		s->links = ARENA_NEWN(a, struct link_out, 1);
		s->nlinks = 1;
		for (int i = 0; i < 16; i++)
			s->links[0].trace_id[i] = (uint8_t)(0xa0 + i);
		for (int i = 0; i < 8; i++)
			s->links[0].span_id[i] = (uint8_t)(0xb0 + i);
		s->links[0].flags = 1;
		s->links[0].attrs = kvs(a, 1, la);
		s->links[0].nattrs = 1;
	}
	s->status_code = 2;
	s->status_message = "boom";
	s->status_message_len = 4;
	s->flags = 0x301;

	s = &f->b.spans[1];
	fill_ids(s, 0x01, 0x31);
	s->resource = 1;
	s->has_parent = 1;
	memcpy(s->parent_span_id, f->b.spans[0].span_id, 8);
	set_name(s, "charge");
	s->kind = 3;
	s->start_ns = t0 + 100000;
	s->end_ns = t0 + 900000;
	{
		struct keyval at[] = { kv("empty", vstr("")) };

		s->attrs = kvs(a, 1, at);
		s->nattrs = 1;
	}
	s->status_code = 1;
	s->flags = 1;

	s = &f->b.spans[2];
	fill_ids(s, 0x01, 0x21);
	s->has_parent = 1;
	memcpy(s->parent_span_id, f->b.spans[0].span_id, 8);
}

static void test_pb_pinned_bytes(void **state)
{
	struct strbuf out = STRBUF_INIT, ref = STRBUF_INIT;
	size_t n = (sizeof(pinned_pb_hex) - 1) / 2;
	uint8_t *want = malloc(n);
	struct fixture f;
	uint64_t nrec = 0;

	(void)state;
	assert_non_null(want);
	assert_int_equal(n, 782);
	assert_int_equal(hex_decode(pinned_pb_hex, 2 * n, want, n), 0);
	hand_batch(&f);

	assert_int_equal(encode(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 0, &out, &nrec), 0);
	assert_int_equal(nrec, 1);
	assert_int_equal(out.len, 4 + n);
	assert_memory_equal(out.buf, "\x00\x00\x03\x0e", 4); /* 782, big-endian */
	assert_memory_equal(out.buf + 4, want, n);
	assert_int_equal(reference(&f, OTELSIM_FRAMING_BE32, 0, &ref, NULL), 0);
	assert_same_bytes(&out, &ref);

	strbuf_reset(&out);
	strbuf_reset(&ref);
	assert_int_equal(encode(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_VARINT, 0, &out, &nrec),
			 0);
	assert_int_equal(nrec, 1);
	assert_int_equal(out.len, 2 + n);
	assert_memory_equal(out.buf, "\x8e\x06", 2); /* 782 as a varint */
	assert_memory_equal(out.buf + 2, want, n);
	assert_int_equal(reference(&f, OTELSIM_FRAMING_VARINT, 0, &ref, NULL), 0);
	assert_same_bytes(&out, &ref);

	fixture_release(&f);
	free(want);
	strbuf_release(&out);
	strbuf_release(&ref);
}

static void test_json_pinned_line(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct fixture f;
	uint64_t nrec = 0;

	(void)state;
	hand_batch(&f);
	assert_int_equal(encode(&f, OTELSIM_FORMAT_OTLP_JSON, 0, 0, &out, &nrec), 0);
	assert_int_equal(nrec, 1);
	assert_string_equal(out.buf, pinned_json);
	assert_int_equal(out.len, sizeof(pinned_json) - 1);
	fixture_release(&f);
	strbuf_release(&out);
}

/* ---- framing ------------------------------------------------------------------------- */

static void test_framing_exact(void **state)
{
	struct strbuf be = STRBUF_INIT, vi = STRBUF_INIT;
	struct rec rb[64], rv[64];
	int seen[4] = { 0 };

	(void)state;
	for (uint64_t seed = 0; seed < 60; seed++) {
		struct fixture f;
		struct rng r;
		uint64_t nb = 0, nv = 0;
		size_t cb, cv;

		rng_seed(&r, 5, 4, seed);
		if (seed == 0) { /* a tiny record: a one-byte varint */
			fixture_init(&f, 1);
			f.m.config.scope_name = f.m.config.scope_version = NULL;
			assert_non_null(batch_add_span(&f.b));
			fill_ids(&f.b.spans[0], 1, 2);
		} else {
			rand_model(&f, &r);
			rand_batch(&f, &r, (size_t)rng_range(&r, 1, 10));
		}
		strbuf_reset(&be);
		strbuf_reset(&vi);
		/* a limit no record reaches: both framings give the same messages */
		assert_int_equal(
			encode(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 1u << 30, &be, &nb),
			0);
		assert_int_equal(
			encode(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_VARINT, 1u << 30, &vi, &nv),
			0);
		cb = split_records(&be, OTELSIM_FRAMING_BE32, rb, 64);
		cv = split_records(&vi, OTELSIM_FRAMING_VARINT, rv, 64);
		assert_int_equal(cb, nb);
		assert_int_equal(cv, nv);
		assert_int_equal(cb, cv);
		for (size_t i = 0; i < cb; i++) {
			uint8_t vexp[10];
			size_t vn = 0, len = rb[i].len;

			assert_int_equal(rb[i].len, rv[i].len);
			assert_memory_equal(rb[i].p, rv[i].p, len);
			/* minimal varint, little-endian groups of 7 bits */
			do {
				vexp[vn++] = (uint8_t)((len & 0x7f) | (len >= 0x80 ? 0x80 : 0));
				len >>= 7;
			} while (len);
			assert_int_equal(rv[i].prefix, vn);
			assert_memory_equal(rv[i].p - vn, vexp, vn);
			assert_int_equal(rb[i].prefix, 4);
			seen[vn]++;
		}
		fixture_release(&f);
	}
	/* 1-, 2- and 3-byte varint prefixes all occurred */
	assert_true(seen[1] && seen[2] && seen[3]);
	strbuf_release(&be);
	strbuf_release(&vi);
}

/* ---- the split rule --------------------------------------------------------------------- */

/*
 * One parsed record: batch indices of its spans, in record order; where each
 * ScopeX (sub) starts, its ResourceX and its scope's name.
 */
struct parsed {
	size_t idx[512];
	size_t n;
	uint32_t nsubs;
	size_t sub_first[32];
	uint32_t sub_group[32];
	char sub_scope[32][32];
};

static size_t find_span(const struct batch *b, const uint8_t *id)
{
	for (size_t i = 0; i < b->nspans; i++)
		if (!memcmp(b->spans[i].span_id, id, 8))
			return i;
	fail_msg("span id not in the batch");
	return 0;
}

static void parse_pb_record(const struct batch *b, const struct rec *rc, struct parsed *out)
{
	TracesData *td = opentelemetry__proto__trace__v1__traces_data__unpack(NULL, rc->len, rc->p);

	assert_non_null(td);
	memset(out, 0, sizeof(*out));
	assert_true(td->n_resource_spans >= 1 && td->n_resource_spans <= 16);
	for (size_t g = 0; g < td->n_resource_spans; g++) {
		ResourceSpans *rs = td->resource_spans[g];

		assert_true(rs->n_scope_spans >= 1);
		for (size_t j = 0; j < rs->n_scope_spans; j++) {
			ScopeSpans *ss = rs->scope_spans[j];

			assert_true(ss->n_spans >= 1);
			assert_true(out->nsubs < 32);
			out->sub_first[out->nsubs] = out->n;
			out->sub_group[out->nsubs] = (uint32_t)g;
			snprintf(out->sub_scope[out->nsubs], 32, "%s",
				 ss->scope && ss->scope->name ? ss->scope->name : "");
			out->nsubs++;
			for (size_t k = 0; k < ss->n_spans; k++) {
				Span *sp = ss->spans[k];

				assert_int_equal(sp->span_id.len, 8);
				assert_true(out->n < 512);
				out->idx[out->n++] = find_span(b, sp->span_id.data);
			}
		}
	}
	opentelemetry__proto__trace__v1__traces_data__free_unpacked(td, NULL);
}

static void hex8(const char *hex, uint8_t *id)
{
	assert_non_null(hex);
	assert_int_equal(strlen(hex), 16);
	assert_int_equal(hex_decode(hex, 16, id, 8), 0);
}

static void parse_json_record(const struct batch *b, const char *line, size_t len,
			      struct parsed *out)
{
	cJSON *root = cJSON_ParseWithLength(line, len);
	const cJSON *rss, *rs;
	uint32_t g = 0;

	assert_non_null(root);
	memset(out, 0, sizeof(*out));
	rss = cJSON_GetObjectItemCaseSensitive(root, "resourceSpans");
	assert_true(cJSON_IsArray(rss));
	cJSON_ArrayForEach(rs, rss)
	{
		const cJSON *sss = cJSON_GetObjectItemCaseSensitive(rs, "scopeSpans"), *ss;

		assert_true(cJSON_GetArraySize(sss) >= 1);
		cJSON_ArrayForEach(ss, sss)
		{
			const cJSON *spans = cJSON_GetObjectItemCaseSensitive(ss, "spans"), *sp;
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(ss, "scope"), "name");

			assert_true(cJSON_GetArraySize(spans) >= 1);
			assert_true(out->nsubs < 32);
			out->sub_first[out->nsubs] = out->n;
			out->sub_group[out->nsubs] = g;
			snprintf(out->sub_scope[out->nsubs], 32, "%s",
				 cJSON_IsString(name) ? name->valuestring : "");
			out->nsubs++;
			cJSON_ArrayForEach(sp, spans)
			{
				uint8_t id[8];

				hex8(cJSON_GetStringValue(
					     cJSON_GetObjectItemCaseSensitive(sp, "spanId")),
				     id);
				assert_true(out->n < 512);
				out->idx[out->n++] = find_span(b, id);
			}
		}
		g++;
	}
	cJSON_Delete(root);
}

/*
 * A record holds the spans [from, from + n): grouped by resource in order of
 * first appearance, one ResourceX per resource; inside each, by scope in
 * order of first appearance, one ScopeX per scope, named as the model says;
 * batch order inside each ScopeX.
 */
static size_t check_record_order(const struct model *m, const struct batch *b,
				 const struct parsed *p, size_t from)
{
	size_t lo = SIZE_MAX, hi = 0;
	int seen[512] = { 0 };

	for (size_t k = 0; k < p->n; k++) {
		size_t i = p->idx[k];

		assert_true(i >= from && i < from + p->n);
		assert_false(seen[i - from]);
		seen[i - from] = 1;
		lo = i < lo ? i : lo;
		hi = i > hi ? i : hi;
	}
	assert_int_equal(lo, from);
	assert_int_equal(hi, from + p->n - 1);
	for (uint32_t g = 0; g < p->nsubs; g++) {
		size_t start = p->sub_first[g],
		       end = g + 1 < p->nsubs ? p->sub_first[g + 1] : p->n;
		const struct span_out *first = &b->spans[p->idx[start]];
		const char *want = m->nscopes ? m->scopes[first->scope].name : m->config.scope_name;

		assert_string_equal(p->sub_scope[g], want ? want : "");
		for (size_t k = start; k < end; k++) {
			assert_int_equal(b->spans[p->idx[k]].resource, first->resource);
			assert_int_equal(b->spans[p->idx[k]].scope, first->scope);
			if (k > start)
				assert_true(p->idx[k] > p->idx[k - 1]);
		}
		for (uint32_t h = 0; h < g; h++) {
			const struct span_out *o = &b->spans[p->idx[p->sub_first[h]]];

			if (p->sub_group[h] == p->sub_group[g]) { /* same ResourceX */
				assert_int_equal(o->resource, first->resource);
				assert_int_not_equal(o->scope, first->scope);
			} else {
				assert_int_not_equal(o->resource, first->resource);
			}
		}
		/* ScopeX in order of first appearance, as are ResourceX (by their first) */
		if (g && p->sub_group[g - 1] == p->sub_group[g])
			assert_true(p->idx[start] > p->idx[p->sub_first[g - 1]]);
		if (g && p->sub_group[g - 1] != p->sub_group[g]) {
			uint32_t h = g - 1;

			while (h > 0 && p->sub_group[h - 1] == p->sub_group[g - 1])
				h--;
			assert_true(p->idx[start] > p->idx[p->sub_first[h]]);
		}
	}
	return from + p->n;
}

/* How many records the spans [from, to) make alone with this limit. */
static uint64_t records_for(struct fixture *f, int format, int framing, size_t max, size_t from,
			    size_t to)
{
	struct batch sub = f->b;
	struct strbuf out = STRBUF_INIT;
	struct encoder_config cfg = { &f->m, format, framing, max };
	struct encoder *e = encoder_new(&cfg);
	uint64_t n = 0;

	assert_non_null(e);
	sub.spans = f->b.spans + from;
	sub.nspans = to - from;
	assert_int_equal(encoder_traces(e, &sub, &out, &n), 0);
	encoder_free(e);
	strbuf_release(&out);
	return n;
}

static void check_split(struct fixture *f, int format, int framing, size_t max,
			uint64_t min_records, size_t oversize_span)
{
	struct strbuf out = STRBUF_INIT;
	struct rec recs[256];
	size_t nrec, from = 0;
	uint64_t n = 0;
	struct parsed *p = malloc(sizeof(*p));
	size_t multi = 0;

	assert_non_null(p);
	assert_int_equal(encode(f, format, framing, max, &out, &n), 0);
	assert_true(n >= min_records);
	if (format == OTELSIM_FORMAT_OTLP_JSON) {
		const char *s = out.buf, *end = out.buf + out.len;

		nrec = 0;
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));

			assert_non_null(nl);
			recs[nrec].p = (const uint8_t *)s;
			recs[nrec].len = (size_t)(nl - s);
			recs[nrec].prefix = 1; /* the newline, counted in the line's size */
			nrec++;
			s = nl + 1;
		}
	} else {
		nrec = split_records(&out, framing, recs, 256);
	}
	assert_int_equal(nrec, n);
	for (size_t k = 0; k < nrec; k++) {
		size_t framed = recs[k].len + recs[k].prefix;

		if (format == OTELSIM_FORMAT_OTLP_JSON)
			parse_json_record(&f->b, (const char *)recs[k].p, recs[k].len, p);
		else
			parse_pb_record(&f->b, &recs[k], p);
		if (p->n == 1 && p->idx[0] == oversize_span)
			assert_true(framed > max); /* too large alone: a record of its own */
		else
			assert_true(framed <= max);
		from = check_record_order(&f->m, &f->b, p, from);
		for (uint32_t g = 1; g < p->nsubs; g++)
			multi += p->sub_group[g] == p->sub_group[g - 1];
		/* greedy: one more span would not have fit */
		if (from < f->b.nspans)
			assert_int_equal(
				records_for(f, format, framing, max, from - p->n, from + 1), 2);
	}
	assert_int_equal(from, f->b.nspans);
	/* resources with several scopes were cut (unless every record holds one span) */
	assert_true(multi > 0 || n == f->b.nspans);
	free(p);
	strbuf_release(&out);
}

static void split_fixture(struct fixture *f, size_t nspans, size_t big_span)
{
	static char filler[6001];
	struct arena *a;

	memset(filler, 'x', sizeof(filler) - 1);
	fixture_init(f, 3);
	a = &f->b.arena;
	for (uint32_t r = 0; r < 3; r++) {
		struct keyval at[] = { kv("service.name", vstr(r == 0   ? "a"
							       : r == 1 ? "bb"
									: "ccc")) };

		f->m.services[r] = (struct service){ "svc", kvs(&f->m.arena, 1, at), 1, NULL };
	}
	/* two scopes, interleaved otherwise than the resources */
	f->m.nscopes = 2;
	f->m.scopes = ARENA_NEWN(&f->m.arena, struct scope_def, 2);
	f->m.scopes[0] = (struct scope_def){ "otelsim", "0.1.0" };
	f->m.scopes[1] = (struct scope_def){ "lib.http", "2.0" };
	for (size_t i = 0; i < nspans; i++)
		assert_non_null(batch_add_span(&f->b));
	for (size_t i = 0; i < nspans; i++) {
		struct span_out *s = &f->b.spans[i];
		struct value v = { .type = VAL_STRING };

		fill_ids(s, 1, (uint8_t)(i * 8 + 1));
		s->span_id[7] = (uint8_t)i;                /* unique */
		s->resource = (uint32_t)((i * 7 / 3) % 3); /* interleaved */
		s->scope = (uint32_t)(i % 5 % 2);
		set_name(s, "op");
		s->start_ns = 1000 + i;
		v.u.s.ptr = filler;
		v.u.s.len = i == big_span ? 6000 : (uint32_t)(100 + (i * 37) % 150);
		{
			struct keyval at[] = { kv("payload", v) };

			s->attrs = kvs(a, 1, at);
			s->nattrs = 1;
		}
	}
}

static void test_split_records(void **state)
{
	struct fixture f;

	(void)state;
	split_fixture(&f, 60, SIZE_MAX);
	check_split(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 2000, 3, SIZE_MAX);
	check_split(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_VARINT, 2000, 3, SIZE_MAX);
	check_split(&f, OTELSIM_FORMAT_OTLP_JSON, 0, 2500, 3, SIZE_MAX);
	/* a limit that fits exactly one span per record */
	check_split(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 400, 60, SIZE_MAX);
	fixture_release(&f);

	/* a span larger than the limit: alone in its record, its neighbours elsewhere */
	split_fixture(&f, 12, 5);
	check_split(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 2000, 3, 5);
	check_split(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_VARINT, 2000, 3, 5);
	check_split(&f, OTELSIM_FORMAT_OTLP_JSON, 0, 2500, 3, 5);
	fixture_release(&f);
}

/* ---- JSON against protobuf-c's reading of the protobuf record ------------------------------ */

struct keys {
	const char *k[24];
	int n;
};

static void want_key(struct keys *ks, const char *k)
{
	assert_true(ks->n < 24);
	ks->k[ks->n++] = k;
}

/* obj has exactly these keys, in this order (field-number order) */
static void check_keys(const cJSON *obj, const struct keys *ks)
{
	const cJSON *c;
	int i = 0;

	assert_true(cJSON_IsObject(obj));
	cJSON_ArrayForEach(c, obj)
	{
		if (i >= ks->n)
			fail_msg("unexpected key '%s'", c->string);
		if (strcmp(c->string, ks->k[i]))
			fail_msg("key '%s' where '%s' was expected", c->string, ks->k[i]);
		i++;
	}
	if (i != ks->n)
		fail_msg("missing key '%s'", ks->k[i]);
}

static const cJSON *item(const cJSON *obj, const char *k)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, k);

	if (!j)
		fail_msg("no key '%s'", k);
	return j;
}

static void cmp_string(const cJSON *j, const char *want)
{
	assert_true(cJSON_IsString(j));
	assert_string_equal(j->valuestring, want);
}

static void cmp_hex(const cJSON *j, ProtobufCBinaryData d)
{
	char buf[80];

	assert_true(d.len > 0 && d.len <= 32);
	for (size_t i = 0; i < d.len; i++)
		snprintf(buf + 2 * i, 3, "%02x", d.data[i]);
	cmp_string(j, buf);
}

static void cmp_u64(const cJSON *j, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	cmp_string(j, buf);
}

static void cmp_number(const cJSON *j, double v)
{
	assert_true(cJSON_IsNumber(j));
	assert_true(j->valuedouble == v);
}

static size_t b64_decode(const char *s, uint8_t *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s), o = 0;
	uint32_t acc = 0;
	int bits = 0;

	assert_int_equal(n % 4, 0);
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *c = strchr(tab, s[i]);

		assert_non_null(c);
		acc = acc << 6 | (uint32_t)(c - tab);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

static void cmp_keyvals(const cJSON *arr, KeyValue **kv, size_t n);

static void cmp_anyvalue(const cJSON *j, const AnyValue *av)
{
	struct keys ks = { { 0 }, 0 };

	switch (av->value_case) {
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
		want_key(&ks, "stringValue");
		cmp_string(item(j, "stringValue"), av->string_value);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
		want_key(&ks, "boolValue");
		assert_true(cJSON_IsBool(item(j, "boolValue")));
		assert_int_equal(cJSON_IsTrue(item(j, "boolValue")), av->bool_value);
		break;
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE: {
		char buf[24];

		want_key(&ks, "intValue");
		snprintf(buf, sizeof(buf), "%" PRId64, av->int_value);
		cmp_string(item(j, "intValue"), buf);
		break;
	}
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE: {
		const cJSON *d = item(j, "doubleValue");
		double v = av->double_value;

		want_key(&ks, "doubleValue");
		if (isnan(v)) {
			cmp_string(d, "NaN");
		} else if (isinf(v)) {
			cmp_string(d, v > 0 ? "Infinity" : "-Infinity");
		} else {
			assert_true(cJSON_IsNumber(d));
			assert_memory_equal(&d->valuedouble, &v, 8); /* exact, -0 included */
		}
		break;
	}
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_ARRAY_VALUE: {
		const cJSON *a = item(j, "arrayValue");
		struct keys inner = { { 0 }, 0 };

		want_key(&ks, "arrayValue");
		if (av->array_value->n_values) {
			const cJSON *vals = item(a, "values");

			want_key(&inner, "values");
			assert_int_equal(cJSON_GetArraySize(vals), av->array_value->n_values);
			for (size_t i = 0; i < av->array_value->n_values; i++)
				cmp_anyvalue(cJSON_GetArrayItem(vals, (int)i),
					     av->array_value->values[i]);
		}
		check_keys(a, &inner);
		break;
	}
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_KVLIST_VALUE: {
		const cJSON *a = item(j, "kvlistValue");
		struct keys inner = { { 0 }, 0 };

		want_key(&ks, "kvlistValue");
		if (av->kvlist_value->n_values) {
			want_key(&inner, "values");
			cmp_keyvals(item(a, "values"), av->kvlist_value->values,
				    av->kvlist_value->n_values);
		}
		check_keys(a, &inner);
		break;
	}
	case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BYTES_VALUE: {
		const cJSON *bv = item(j, "bytesValue");
		uint8_t *buf;

		want_key(&ks, "bytesValue");
		assert_true(cJSON_IsString(bv));
		buf = malloc(strlen(bv->valuestring) + 1);
		assert_non_null(buf);
		assert_int_equal(b64_decode(bv->valuestring, buf), av->bytes_value.len);
		if (av->bytes_value.len)
			assert_memory_equal(buf, av->bytes_value.data, av->bytes_value.len);
		free(buf);
		break;
	}
	default:
		break; /* an empty AnyValue: {} */
	}
	check_keys(j, &ks);
}

static void cmp_keyvals(const cJSON *arr, KeyValue **kv, size_t n)
{
	assert_true(cJSON_IsArray(arr));
	assert_int_equal(cJSON_GetArraySize(arr), n);
	for (size_t i = 0; i < n; i++) {
		const cJSON *j = cJSON_GetArrayItem(arr, (int)i);
		struct keys ks = { { 0 }, 0 };

		if (*kv[i]->key) {
			want_key(&ks, "key");
			cmp_string(item(j, "key"), kv[i]->key);
		}
		want_key(&ks, "value");
		assert_non_null(kv[i]->value);
		cmp_anyvalue(item(j, "value"), kv[i]->value);
		check_keys(j, &ks);
	}
}

static void cmp_span(const cJSON *j, const Span *s)
{
	struct keys ks = { { 0 }, 0 };

	want_key(&ks, "traceId");
	cmp_hex(item(j, "traceId"), s->trace_id);
	want_key(&ks, "spanId");
	cmp_hex(item(j, "spanId"), s->span_id);
	if (*s->trace_state) {
		want_key(&ks, "traceState");
		cmp_string(item(j, "traceState"), s->trace_state);
	}
	if (s->parent_span_id.len) {
		want_key(&ks, "parentSpanId");
		cmp_hex(item(j, "parentSpanId"), s->parent_span_id);
	}
	if (*s->name) {
		want_key(&ks, "name");
		cmp_string(item(j, "name"), s->name);
	}
	if (s->kind) {
		want_key(&ks, "kind");
		cmp_number(item(j, "kind"), s->kind);
	}
	if (s->start_time_unix_nano) {
		want_key(&ks, "startTimeUnixNano");
		cmp_u64(item(j, "startTimeUnixNano"), s->start_time_unix_nano);
	}
	if (s->end_time_unix_nano) {
		want_key(&ks, "endTimeUnixNano");
		cmp_u64(item(j, "endTimeUnixNano"), s->end_time_unix_nano);
	}
	if (s->n_attributes) {
		want_key(&ks, "attributes");
		cmp_keyvals(item(j, "attributes"), s->attributes, s->n_attributes);
	}
	if (s->n_events) {
		const cJSON *evs = item(j, "events");

		want_key(&ks, "events");
		assert_int_equal(cJSON_GetArraySize(evs), s->n_events);
		for (size_t i = 0; i < s->n_events; i++) {
			const cJSON *ej = cJSON_GetArrayItem(evs, (int)i);
			const Opentelemetry__Proto__Trace__V1__Span__Event *ev = s->events[i];
			struct keys ek = { { 0 }, 0 };

			if (ev->time_unix_nano) {
				want_key(&ek, "timeUnixNano");
				cmp_u64(item(ej, "timeUnixNano"), ev->time_unix_nano);
			}
			if (*ev->name) {
				want_key(&ek, "name");
				cmp_string(item(ej, "name"), ev->name);
			}
			if (ev->n_attributes) {
				want_key(&ek, "attributes");
				cmp_keyvals(item(ej, "attributes"), ev->attributes,
					    ev->n_attributes);
			}
			check_keys(ej, &ek);
		}
	}
	if (s->n_links) {
		const cJSON *ls = item(j, "links");

		want_key(&ks, "links");
		assert_int_equal(cJSON_GetArraySize(ls), s->n_links);
		for (size_t i = 0; i < s->n_links; i++) {
			const cJSON *lj = cJSON_GetArrayItem(ls, (int)i);
			const Opentelemetry__Proto__Trace__V1__Span__Link *l = s->links[i];
			struct keys lk = { { 0 }, 0 };

			want_key(&lk, "traceId");
			cmp_hex(item(lj, "traceId"), l->trace_id);
			want_key(&lk, "spanId");
			cmp_hex(item(lj, "spanId"), l->span_id);
			if (*l->trace_state) {
				want_key(&lk, "traceState");
				cmp_string(item(lj, "traceState"), l->trace_state);
			}
			if (l->n_attributes) {
				want_key(&lk, "attributes");
				cmp_keyvals(item(lj, "attributes"), l->attributes, l->n_attributes);
			}
			if (l->flags) {
				want_key(&lk, "flags");
				cmp_number(item(lj, "flags"), l->flags);
			}
			check_keys(lj, &lk);
		}
	}
	if (s->status) {
		const cJSON *st = item(j, "status");
		struct keys sk = { { 0 }, 0 };

		want_key(&ks, "status");
		if (*s->status->message) {
			want_key(&sk, "message");
			cmp_string(item(st, "message"), s->status->message);
		}
		if (s->status->code) {
			want_key(&sk, "code");
			cmp_number(item(st, "code"), s->status->code);
		}
		assert_true(sk.n > 0);
		check_keys(st, &sk);
	}
	if (s->flags) {
		want_key(&ks, "flags");
		cmp_number(item(j, "flags"), s->flags);
	}
	check_keys(j, &ks);
}

static void cmp_traces_data(const cJSON *root, const TracesData *td)
{
	struct keys top = { { "resourceSpans" }, 1 };
	const cJSON *rss = item(root, "resourceSpans");

	check_keys(root, &top);
	assert_int_equal(cJSON_GetArraySize(rss), td->n_resource_spans);
	for (size_t g = 0; g < td->n_resource_spans; g++) {
		const ResourceSpans *rs = td->resource_spans[g];
		const cJSON *rj = cJSON_GetArrayItem(rss, (int)g), *res, *ssj, *sj, *scope, *spans;
		struct keys rk = { { "resource", "scopeSpans" }, 2 }, resk = { { 0 }, 0 };
		const ScopeSpans *ss;

		if (*rs->schema_url) {
			want_key(&rk, "schemaUrl");
			cmp_string(item(rj, "schemaUrl"), rs->schema_url);
		}
		check_keys(rj, &rk);
		res = item(rj, "resource");
		assert_non_null(rs->resource);
		if (rs->resource->n_attributes) {
			want_key(&resk, "attributes");
			cmp_keyvals(item(res, "attributes"), rs->resource->attributes,
				    rs->resource->n_attributes);
		}
		check_keys(res, &resk);

		ssj = item(rj, "scopeSpans");
		assert_int_equal(cJSON_GetArraySize(ssj), rs->n_scope_spans);
		for (size_t j = 0; j < rs->n_scope_spans; j++) {
			struct keys sk = { { "scope", "spans" }, 2 }, sck = { { 0 }, 0 };

			ss = rs->scope_spans[j];
			sj = cJSON_GetArrayItem(ssj, (int)j);
			if (*ss->schema_url) {
				want_key(&sk, "schemaUrl");
				cmp_string(item(sj, "schemaUrl"), ss->schema_url);
			}
			check_keys(sj, &sk);
			scope = item(sj, "scope");
			if (*ss->scope->name) {
				want_key(&sck, "name");
				cmp_string(item(scope, "name"), ss->scope->name);
			}
			if (*ss->scope->version) {
				want_key(&sck, "version");
				cmp_string(item(scope, "version"), ss->scope->version);
			}
			check_keys(scope, &sck);
			spans = item(sj, "spans");
			assert_int_equal(cJSON_GetArraySize(spans), ss->n_spans);
			for (size_t i = 0; i < ss->n_spans; i++)
				cmp_span(cJSON_GetArrayItem(spans, (int)i), ss->spans[i]);
		}
	}
}

static void test_json_matches_protobuf_random(void **state)
{
	struct strbuf js = STRBUF_INIT, pb = STRBUF_INIT;

	(void)state;
	for (uint64_t seed = 0; seed < 300; seed++) {
		struct fixture f;
		struct rng r;
		struct rec rec;
		uint64_t nj = 0, np = 0;
		TracesData *td;
		cJSON *root;
		const char *nl;

		rng_seed(&r, 31337, 5, seed);
		rand_model(&f, &r);
		rand_batch(&f, &r, (size_t)rng_range(&r, 1, 10));
		strbuf_reset(&js);
		strbuf_reset(&pb);
		assert_int_equal(encode(&f, OTELSIM_FORMAT_OTLP_JSON, 0, 1u << 30, &js, &nj), 0);
		assert_int_equal(
			encode(&f, OTELSIM_FORMAT_OTLP, OTELSIM_FRAMING_BE32, 1u << 30, &pb, &np),
			0);
		assert_int_equal(nj, 1);
		assert_int_equal(np, 1);
		/* one line, resourceSpans first, valid UTF-8 without raw control characters */
		nl = memchr(js.buf, '\n', js.len);
		assert_true(nl == js.buf + js.len - 1);
		assert_memory_equal(js.buf, "{\"resourceSpans\":[", 18);
		assert_int_equal(utf8_valid_prefix(js.buf, js.len), js.len);
		for (size_t i = 0; i + 1 < js.len; i++)
			assert_true((unsigned char)js.buf[i] >= 0x20);

		assert_int_equal(split_records(&pb, OTELSIM_FRAMING_BE32, &rec, 1), 1);
		td = opentelemetry__proto__trace__v1__traces_data__unpack(NULL, rec.len, rec.p);
		assert_non_null(td);
		root = cJSON_ParseWithLength(js.buf, js.len);
		assert_non_null(root);
		cmp_traces_data(root, td);
		cJSON_Delete(root);
		opentelemetry__proto__trace__v1__traces_data__free_unpacked(td, NULL);
		fixture_release(&f);
	}
	strbuf_release(&js);
	strbuf_release(&pb);
}

/* ---- JSON escaping -------------------------------------------------------------------- */

static void test_json_escaping(void **state)
{
	static const char nasty[] = "a\"b\\c\x01\n\x1f\x7f"
				    "é✓😀\xe2\x80\xa8" /* kept: DEL, UTF-8, U+2028 */
				    "\xff"
				    "\xc0\x80"
				    "\xed\xa0\x80"
				    "\xf4\x90\x80\x80" /* invalid: each byte replaced */
				    "/<>\x00"
				    "end\xc3"; /* NUL; a cut sequence */
	static const char want[] = "\"a\\\"b\\\\c\\u0001\\u000a\\u001f\x7f"
				   "é✓😀\xe2\x80\xa8"
				   "\\ufffd"
				   "\\ufffd\\ufffd"
				   "\\ufffd\\ufffd\\ufffd"
				   "\\ufffd\\ufffd\\ufffd\\ufffd"
				   "/<>\\u0000end\\ufffd\"";
	struct strbuf out = STRBUF_INIT, expect = STRBUF_INIT;
	struct fixture f;
	struct span_out *s;
	struct value v = { .type = VAL_STRING };
	cJSON *root;

	(void)state;
	fixture_init(&f, 1);
	s = batch_add_span(&f.b);
	assert_non_null(s);
	fill_ids(s, 1, 2);
	s->name = nasty;
	s->name_len = sizeof(nasty) - 1;
	v.u.s.ptr = nasty;
	v.u.s.len = sizeof(nasty) - 1;
	{
		struct keyval at[1];

		at[0].key = nasty;
		at[0].key_len = sizeof(nasty) - 1;
		at[0].value = v;
		s->attrs = kvs(&f.b.arena, 1, at);
		s->nattrs = 1;
	}
	assert_int_equal(encode(&f, OTELSIM_FORMAT_OTLP_JSON, 0, 0, &out, NULL), 0);

	strbuf_addstr(&expect, "\"name\":");
	strbuf_addstr(&expect, want);
	assert_non_null(strstr(out.buf, expect.buf));
	strbuf_reset(&expect);
	strbuf_addstr(&expect, "\"attributes\":[{\"key\":");
	strbuf_addstr(&expect, want);
	strbuf_addstr(&expect, ",\"value\":{\"stringValue\":");
	strbuf_addstr(&expect, want);
	strbuf_addstr(&expect, "}}]");
	assert_non_null(strstr(out.buf, expect.buf));
	/* still one valid UTF-8 JSON line */
	assert_int_equal(utf8_valid_prefix(out.buf, out.len), out.len);
	assert_true(memchr(out.buf, '\n', out.len) == out.buf + out.len - 1);
	root = cJSON_ParseWithLength(out.buf, out.len);
	assert_non_null(root);
	cJSON_Delete(root);

	fixture_release(&f);
	strbuf_release(&out);
	strbuf_release(&expect);
}

/* ---- console --------------------------------------------------------------------------------- */

/* Depth from the parent ids; a batch that opens with a child prints it at depth 0. */
static void test_console_depths(void **state)
{
	static const struct {
		const char *name;
		uint8_t id, parent;
		uint64_t start, end;
	} sp[] = {
		{ "orphan", 0x10, 0x70, 1000000, 3000000 }, /* parent not in the batch */
		{ "orphan-child", 0x20, 0x10, 1500000, 2000000 },
		{ "root", 0x30, 0, 5000000, 9000000 },
		{ "child", 0x40, 0x30, 5250000, 6000000 },
		{ "grandchild", 0x50, 0x40, 5500000, 5750000 },
		{ "second-child", 0x60, 0x30, 7000000, 8000000 },
	};
	static const char want[] = "  orphan [svc] internal +0.000ms 2.000ms\n"
				   "    orphan-child [svc] internal +0.500ms 0.500ms\n"
				   "trace 0102030405060708090a0b0c0d0e0f10\n"
				   "  root [svc] server +0.000ms 4.000ms\n"
				   "    child [svc] internal +0.250ms 0.750ms\n"
				   "      grandchild [svc] internal +0.500ms 0.250ms\n"
				   "    second-child [svc] internal +2.000ms 1.000ms\n";
	struct strbuf out = STRBUF_INIT;
	struct fixture f;

	(void)state;
	fixture_init(&f, 1);
	f.m.services[0].name = "svc";
	for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		struct span_out *s = batch_add_span(&f.b);

		assert_non_null(s);
		fill_ids(s, 1, sp[i].id);
		s->has_parent = sp[i].parent != 0;
		for (int k = 0; k < 8 && s->has_parent; k++)
			s->parent_span_id[k] = (uint8_t)(sp[i].parent + k);
		s->kind = s->has_parent ? 1 : 2;
		s->name = sp[i].name;
		s->name_len = (uint32_t)strlen(sp[i].name);
		s->start_ns = sp[i].start;
		s->end_ns = sp[i].end;
	}
	assert_int_equal(encode_console(&f.m, &f.b, false, &out), 0);
	assert_string_equal(out.buf, want);
	fixture_release(&f);
	strbuf_release(&out);
}

/* ---- edges -------------------------------------------------------------------------------- */

static void test_edges(void **state)
{
	struct strbuf out = STRBUF_INIT, small = STRBUF_INIT;
	struct fixture f;
	uint64_t n = 99;
	struct encoder_config cfg;

	(void)state;
	hand_batch(&f);
	/* unsupported configurations */
	cfg = (struct encoder_config){ &f.m, 99, 0, 0 };
	assert_null(encoder_new(&cfg));
	cfg = (struct encoder_config){ NULL, OTELSIM_FORMAT_OTLP, 0, 0 };
	assert_null(encoder_new(&cfg));

	for (int format = OTELSIM_FORMAT_OTLP; format <= OTELSIM_FORMAT_OTLP_JSON; format++) {
		struct batch empty = f.b;

		/* an empty batch writes nothing */
		empty.nspans = 0;
		strbuf_reset(&out);
		strbuf_addstr(&out, "keep");
		cfg = (struct encoder_config){ &f.m, format, 0, 0 };
		{
			struct encoder *e = encoder_new(&cfg);

			assert_non_null(e);
			n = 99;
			assert_int_equal(encoder_traces(e, &empty, &out, &n), 0);
			assert_int_equal(n, 0);
			assert_string_equal(out.buf, "keep");
			/* a resource index outside the model: said so, output untouched */
			f.b.spans[2].resource = 7;
			n = 99;
			assert_int_equal(encoder_traces(e, &f.b, &out, &n), ENCODE_ERESOURCE);
			assert_int_equal(n, 0);
			assert_string_equal(out.buf, "keep");
			f.b.spans[2].resource = 0;
			/* an output capped below the record: over the cap, output untouched */
			strbuf_init(&small, 100);
			strbuf_addstr(&small, "keep");
			assert_int_equal(encoder_traces(e, &f.b, &small, &n), ENCODE_ETOOBIG);
			assert_int_equal(encoder_encode(e, 42, &f.b, &small, &n), ENCODE_ESIGNAL);
			assert_int_equal(small.len, 4);
			assert_string_equal(small.buf, "keep");
			strbuf_release(&small);
			/* and the encoder still works afterwards */
			assert_int_equal(encoder_traces(e, &f.b, &out, &n), 0);
			assert_int_equal(n, 1);
			assert_memory_equal(out.buf, "keep", 4);
			encoder_free(e);
		}
	}
	if (1) {
		struct batch empty = f.b;

		empty.nspans = 0;
		strbuf_reset(&out);
		assert_int_equal(reference(&f, OTELSIM_FRAMING_BE32, 0, &out, &n), 0);
		assert_int_equal(out.len, 782 + 4);
		cfg = (struct encoder_config){ &f.m, OTELSIM_FORMAT_OTLP, 0, 0 };
		strbuf_reset(&out);
		assert_int_equal(encode_traces_reference(&cfg, &empty, &out, &n), 0);
		assert_int_equal(n, 0);
		assert_int_equal(out.len, 0);
	}
	fixture_release(&f);
	strbuf_release(&out);
}

/* ---- seed 003's flat NDJSON -------------------------------------------------------- */

static const char *ndjson_of(struct encoder *e, int signal, const struct batch *b,
			     struct strbuf *out, uint64_t want_records)
{
	uint64_t n = 99;

	strbuf_reset(out);
	assert_int_equal(encoder_encode(e, signal, b, out, &n), 0);
	assert_int_equal(n, want_records);
	return out->buf;
}

static void test_ndjson_lines(void **state)
{
	static const double bounds[] = { 10 };
	static const struct metric_desc hist = { "req.duration", "", "ms", METRIC_HISTOGRAM,
						  METRIC_CUMULATIVE, false, false, bounds, 1 };
	static const struct metric_desc gauge = { "cpu", "", "%", METRIC_GAUGE, 0,
						   false, false, NULL, 0 };
	static const struct metric_desc sum = { "reqs", "", NULL, METRIC_SUM, METRIC_DELTA,
						 true, true, NULL, 0 };
	struct fixture f;
	struct strbuf out = STRBUF_INIT;
	struct encoder_config cfg;
	struct encoder *e;
	struct span_out *s;
	struct log_out *l;
	struct metric_out *m;
	uint64_t t0 = 1767225600000000000ull; /* 2026-01-01T00:00:00Z */

	(void)state;
	fixture_init(&f, 1);
	f.m.services[0] = (struct service){ "api \"gw\"", NULL, 0 };
	assert_non_null(batch_add_span(&f.b));
	assert_non_null(batch_add_span(&f.b));
	s = &f.b.spans[0];
	fill_ids(s, 0x01, 0x11);
	set_name(s, "GET /");
	s->start_ns = t0 + 1234567891; /* microseconds truncated */
	s->end_ns = s->start_ns + 45000000;
	s = &f.b.spans[1];
	fill_ids(s, 0x01, 0x21);
	memcpy(s->parent_span_id, f.b.spans[0].span_id, 8);
	s->has_parent = 1;
	s->status_code = 2;
	set_name(s, "db");
	s->start_ns = t0 + 2000;
	s->end_ns = t0 + 2000 + 1234;
	cfg = (struct encoder_config){ &f.m, OTELSIM_FORMAT_NDJSON, 0, 0 };
	e = encoder_new(&cfg);
	assert_non_null(e);
	assert_string_equal(encoder_file_ext(OTELSIM_FORMAT_NDJSON), "ndjson");
	assert_string_equal(
		ndjson_of(e, OTELSIM_TRACES, &f.b, &out, 2),
		"{\"timestamp\":\"2026-01-01T00:00:01.234567+00:00\",\"trace_id\":"
		"\"0102030405060708090a0b0c0d0e0f10\",\"span_id\":\"1112131415161718\","
		"\"parent_span_id\":null,\"service\":\"api \\\"gw\\\"\",\"operation\":\"GET /\","
		"\"duration_ms\":45,\"status\":\"success\"}\n"
		"{\"timestamp\":\"2026-01-01T00:00:00.000002+00:00\",\"trace_id\":"
		"\"0102030405060708090a0b0c0d0e0f10\",\"span_id\":\"2122232425262728\","
		"\"parent_span_id\":\"1112131415161718\",\"service\":\"api \\\"gw\\\"\","
		"\"operation\":\"db\",\"duration_ms\":0.001234,\"status\":\"error\"}\n");

	/* a log record of a trace (text lower-case), one of none (no text: its number) */
	l = batch_add_log(&f.b, OTELSIM_LOGS);
	l->time_ns = t0;
	l->severity_text = "warn";
	l->severity_text_len = 4;
	l->body = vstr("pool exhausted");
	memcpy(l->trace_id, f.b.spans[0].trace_id, 16);
	l->has_trace_id = 1;
	l = batch_add_log(&f.b, OTELSIM_LOGS);
	l->observed_ns = t0 + 1000;
	l->severity = 17;
	assert_string_equal(
		ndjson_of(e, OTELSIM_LOGS, &f.b, &out, 2),
		"{\"timestamp\":\"2026-01-01T00:00:00.000000+00:00\",\"service\":\"api \\\"gw\\\"\","
		"\"level\":\"WARN\",\"message\":\"pool exhausted\",\"trace_id\":"
		"\"0102030405060708090a0b0c0d0e0f10\"}\n"
		"{\"timestamp\":\"2026-01-01T00:00:00.000001+00:00\",\"service\":\"api \\\"gw\\\"\","
		"\"level\":\"ERROR\",\"message\":null,\"trace_id\":null}\n");

	/* an event: its *.version attribute (a string), severity lower-case */
	l = batch_add_log(&f.b, OTELSIM_EVENTS);
	l->time_ns = t0;
	l->event_name = "deployment";
	l->event_name_len = 10;
	l->severity_text = "INFO";
	l->severity_text_len = 4;
	{
		struct keyval at[] = { kv("count", vint(2)), kv("deployment.version", vstr("2.1.0")) };

		l->attrs = kvs(&f.b.arena, 2, at);
		l->nattrs = 2;
	}
	assert_string_equal(
		ndjson_of(e, OTELSIM_EVENTS, &f.b, &out, 1),
		"{\"timestamp\":\"2026-01-01T00:00:00.000000+00:00\",\"type\":\"deployment\","
		"\"service\":\"api \\\"gw\\\"\",\"details\":null,\"severity\":\"info\","
		"\"version\":\"2.1.0\"}\n");

	/* metrics: a gauge, a sum without a unit, a cumulative histogram's interval means */
	m = batch_add_metric(&f.b);
	m->desc = &gauge;
	m->points = ARENA_NEWN(&f.b.arena, struct point_out, 1);
	m->npoints = 1;
	memset(m->points, 0, sizeof(*m->points));
	m->points[0].time_ns = t0 + 10000000000ull;
	m->points[0].value.d = 42.5;
	m = batch_add_metric(&f.b);
	m->desc = &sum;
	m->points = ARENA_NEWN(&f.b.arena, struct point_out, 1);
	m->npoints = 1;
	memset(m->points, 0, sizeof(*m->points));
	m->points[0].time_ns = t0 + 10000000000ull;
	m->points[0].value.i = 7;
	m = batch_add_metric(&f.b);
	m->desc = &hist;
	m->points = ARENA_NEWN(&f.b.arena, struct point_out, 1);
	m->npoints = 1;
	memset(m->points, 0, sizeof(*m->points));
	m->points[0].time_ns = t0 + 10000000000ull;
	m->points[0].count = 4;
	m->points[0].sum = 10;
	m->points[0].has_sum = 1;
	assert_string_equal(
		ndjson_of(e, OTELSIM_METRICS, &f.b, &out, 3),
		"{\"timestamp\":\"2026-01-01T00:00:10.000000+00:00\",\"service\":\"api \\\"gw\\\"\","
		"\"metric\":\"cpu\",\"value\":42.5,\"unit\":\"%\"}\n"
		"{\"timestamp\":\"2026-01-01T00:00:10.000000+00:00\",\"service\":\"api \\\"gw\\\"\","
		"\"metric\":\"reqs\",\"value\":7,\"unit\":null}\n"
		"{\"timestamp\":\"2026-01-01T00:00:10.000000+00:00\",\"service\":\"api \\\"gw\\\"\","
		"\"metric\":\"req.duration\",\"value\":2.5,\"unit\":\"ms\"}\n");
	/* the next interval: the change since the last point (6 in 2), then none */
	f.b.metrics[2].points[0].time_ns += 10000000000ull;
	f.b.metrics[2].points[0].count = 6;
	f.b.metrics[2].points[0].sum = 16;
	ndjson_of(e, OTELSIM_METRICS, &f.b, &out, 3);
	assert_non_null(strstr(out.buf, "\"metric\":\"req.duration\",\"value\":3,\"unit\":\"ms\"}\n"));
	f.b.metrics[2].points[0].time_ns += 10000000000ull;
	ndjson_of(e, OTELSIM_METRICS, &f.b, &out, 3);
	assert_non_null(strstr(out.buf, "\"metric\":\"req.duration\",\"value\":null,\"unit\":\"ms\"}\n"));
	assert_int_equal(encoder_record_len(OTELSIM_FORMAT_NDJSON, 0, out.buf, out.len),
			 strchr(out.buf, '\n') - out.buf + 1);
	encoder_free(e);
	strbuf_release(&out);
	fixture_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pb_matches_reference_random),
		cmocka_unit_test(test_pb_encoder_reuse),
		cmocka_unit_test(test_pb_record_repacks_identically),
		cmocka_unit_test(test_pb_pinned_bytes),
		cmocka_unit_test(test_json_pinned_line),
		cmocka_unit_test(test_framing_exact),
		cmocka_unit_test(test_split_records),
		cmocka_unit_test(test_json_matches_protobuf_random),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_console_depths),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_ndjson_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
