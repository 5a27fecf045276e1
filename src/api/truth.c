/* ground_truth.json and its trace-id file (api/truth.h has the contract). */
#include "api/truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/batch.h"
#include "util/error.h"
#include "util/jsonw.h"
#include "util/text.h"
#include "util/timefmt.h"

int truth_init(struct truth *t, const struct model *m, const struct plan *p, struct dataset *ds,
	       struct otelsim_error *err)
{
	memset(t, 0, sizeof(*t));
	t->m = m;
	t->plan = p && p->nphases ? p : NULL;
	t->ds = ds;
	if (!m->ninjections)
		return 0;
	t->sites = calloc(m->ninjections, sizeof(*t->sites));
	if (!t->sites)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

/* One line of the trace-id file into t->lines. */
static int add_line(struct truth *t, const struct injection *in, const uint8_t id[16])
{
	char hex[33];

	hex_encode(id, 16, hex);
	hex[32] = '\0';
	if (strbuf_addstr(&t->lines, "{\"injection\":") ||
	    jsonw_add_str(&t->lines, in->id, strlen(in->id)) ||
	    strbuf_addf(&t->lines, ",\"trace_id\":\"%s\"}\n", hex))
		return -1;
	return 0;
}

/* Site k passes TRUTH_INLINE_IDS traces: its kept ids go to the file first. */
static int spill(struct truth *t, uint32_t k, struct otelsim_error *err)
{
	struct truth_site *s = &t->sites[k];
	int rc;

	if (!t->ids_file && (rc = dataset_file(t->ds, TRUTH_IDS_FILE, &t->ids_file, err)))
		return rc;
	for (uint32_t i = 0; i < TRUTH_INLINE_IDS; i++)
		if (add_line(t, &t->m->injections[k], s->ids + 16 * (size_t)i))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
	s->spilled = true;
	free(s->ids);
	s->ids = NULL;
	return 0;
}

static int add_hit(struct truth *t, const struct inj_hit *h, struct otelsim_error *err)
{
	struct truth_site *s;
	uint32_t k = h->inj - 1;
	int rc;

	if (!h->inj || h->inj > t->m->ninjections)
		return error_set(err, OTELSIM_EINTERNAL, "ground truth: no injection %u", h->inj);
	s = &t->sites[k];
	if (!s->traces) {
		t->nfired++;
		s->start_ns = h->start_ns;
		s->end_ns = h->end_ns;
	}
	if (h->start_ns < s->start_ns)
		s->start_ns = h->start_ns;
	if (h->end_ns > s->end_ns)
		s->end_ns = h->end_ns;
	s->spans += h->spans;
	if (s->traces == TRUTH_INLINE_IDS && !s->spilled && (rc = spill(t, k, err)))
		return rc;
	if (s->spilled) {
		if (add_line(t, &t->m->injections[k], h->trace_id))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
	} else {
		if (!s->ids && !(s->ids = malloc(16 * (size_t)TRUTH_INLINE_IDS)))
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
		memcpy(s->ids + 16 * (size_t)s->traces, h->trace_id, 16);
	}
	s->traces++;
	return 0;
}

int truth_add(struct truth *t, const void *hits, size_t len, struct otelsim_error *err)
{
	const char *p = hits;
	int rc = 0;

	strbuf_reset(&t->lines);
	for (size_t off = 0; off + sizeof(struct inj_hit) <= len && !rc;
	     off += sizeof(struct inj_hit)) {
		struct inj_hit h;

		memcpy(&h, p + off, sizeof(h));
		rc = add_hit(t, &h, err);
	}
	if (!rc && t->lines.len)
		rc = dfile_write(t->ids_file, t->lines.buf, t->lines.len, err);
	return rc;
}

/* RFC 3339 with nine fraction digits, always. */
static void time_ns9(int64_t ns, char *buf, size_t size)
{
	int64_t frac = ns % 1000000000;
	char whole[64];
	size_t n;

	if (frac < 0)
		frac += 1000000000;
	time_format_rfc3339(ns - frac, whole, sizeof(whole));
	n = strlen(whole);
	if (n && whole[n - 1] == 'Z')
		whole[n - 1] = '\0';
	snprintf(buf, size, "%s.%09lldZ", whole, (long long)frac);
}

static void ids_json(struct jsonw *w, const struct truth_site *s)
{
	char hex[33];

	if (s->spilled) {
		jsonw_key(w, "trace_ids_file");
		jsonw_string(w, TRUTH_IDS_FILE);
		return;
	}
	jsonw_key(w, "trace_ids");
	jsonw_begin_array(w);
	for (uint64_t i = 0; i < s->traces; i++) {
		hex_encode(s->ids + 16 * i, 16, hex);
		hex[32] = '\0';
		jsonw_string(w, hex);
	}
	jsonw_end_array(w);
}

static void targets_json(struct jsonw *w, const struct model *m, const struct phase_spec *ph)
{
	jsonw_key(w, "targets");
	jsonw_begin_object(w);
	jsonw_key(w, "services");
	jsonw_begin_array(w);
	if (ph->kind == PHASE_CASCADE) /* every service it reaches, origin first */
		for (uint32_t h = 0; h < ph->nhops; h++)
			for (uint32_t k = 0; k < ph->nhops; k++)
				if (ph->hops[k] == h)
					jsonw_string(w, m->services[k].name);
	for (uint32_t i = 0; ph->kind != PHASE_CASCADE && i < ph->nservices; i++)
		jsonw_string(w, m->services[ph->services[i]].name);
	jsonw_end_array(w);
	jsonw_key(w, "span_types");
	jsonw_begin_array(w);
	for (uint32_t i = 0; i < ph->nspan_types; i++)
		jsonw_string(w, ph->span_types[i]);
	jsonw_end_array(w);
	jsonw_key(w, "series");
	jsonw_string(w, ph->series);
	jsonw_end_object(w);
}

static void phase_json(struct jsonw *w, const struct model *m, const struct phase_rt *r,
		       const struct truth_site *s)
{
	const struct phase_spec *ph = r->ph;
	char t[64];

	jsonw_begin_object(w);
	jsonw_key(w, "id");
	jsonw_string(w, m->injections[ph->inj - 1].id);
	jsonw_key(w, "kind");
	jsonw_string(w, phase_kind_name(ph->kind));
	jsonw_key(w, "scenario");
	jsonw_string(w, r->sc->name);
	jsonw_key(w, "start");
	time_ns9(r->start_ns, t, sizeof(t));
	jsonw_string(w, t);
	jsonw_key(w, "end");
	time_ns9(r->end_ns, t, sizeof(t));
	jsonw_string(w, t);
	targets_json(w, m, ph);
	jsonw_key(w, "factor");
	jsonw_begin_array(w);
	jsonw_double(w, r->from);
	jsonw_double(w, r->to);
	jsonw_end_array(w);
	jsonw_key(w, "rate");
	jsonw_double(w, r->rate);
	jsonw_key(w, "error_type");
	jsonw_string(w, ph->kind == PHASE_LATENCY || ph->kind == PHASE_TRAFFIC ||
				ph->kind == PHASE_SPIKE
			? NULL
			: ph->err.type);
	jsonw_key(w, "spans");
	jsonw_uint(w, s->spans);
	jsonw_key(w, "traces");
	jsonw_uint(w, s->traces);
	jsonw_key(w, "affected_start");
	if (s->traces) {
		time_ns9(s->start_ns, t, sizeof(t));
		jsonw_string(w, t);
	} else {
		jsonw_null(w);
	}
	jsonw_key(w, "affected_end");
	if (s->traces) {
		time_ns9(s->end_ns, t, sizeof(t));
		jsonw_string(w, t);
	} else {
		jsonw_null(w);
	}
	ids_json(w, s);
	jsonw_end_object(w);
}

static void site_json(struct jsonw *w, const struct model *m, uint32_t k,
		      const struct truth_site *s)
{
	const struct injection *in = &m->injections[k];
	char t[64];

	jsonw_begin_object(w);
	jsonw_key(w, "id");
	jsonw_string(w, in->id);
	jsonw_key(w, "kind");
	jsonw_string(w, injection_kind_name(in->kind));
	jsonw_key(w, "scenario");
	jsonw_string(w, in->scenario->name);
	jsonw_key(w, "service");
	jsonw_string(w, in->service < m->nservices ? m->services[in->service].name : NULL);
	jsonw_key(w, "span_type");
	jsonw_string(w, in->span_type);
	jsonw_key(w, "start");
	time_ns9(s->start_ns, t, sizeof(t));
	jsonw_string(w, t);
	jsonw_key(w, "end");
	time_ns9(s->end_ns, t, sizeof(t));
	jsonw_string(w, t);
	jsonw_key(w, "spans");
	jsonw_uint(w, s->spans);
	jsonw_key(w, "traces");
	jsonw_uint(w, s->traces);
	ids_json(w, s);
	jsonw_end_object(w);
}

int truth_finish(struct truth *t, struct otelsim_error *err)
{
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	struct dfile *f;
	int rc;

	t->nfiles = 0;
	if (!t->nfired && !t->plan)
		return 0;
	jsonw_init(&w, &out, true);
	jsonw_begin_object(&w);
	jsonw_key(&w, "injections");
	jsonw_begin_array(&w);
	for (uint32_t k = 0; k < t->m->ninjections; k++)
		if (t->sites[k].traces && t->m->injections[k].kind != INJ_PHASE)
			site_json(&w, t->m, k, &t->sites[k]);
	jsonw_end_array(&w);
	if (t->plan) {
		jsonw_key(&w, "phases");
		jsonw_begin_array(&w);
		for (uint32_t i = 0; i < t->plan->nphases; i++)
			phase_json(&w, t->m, &t->plan->phases[i],
				   &t->sites[t->plan->phases[i].ph->inj - 1]);
		jsonw_end_array(&w);
	}
	jsonw_end_object(&w);
	if (jsonw_finish(&w)) {
		strbuf_release(&out);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	rc = dataset_file(t->ds, TRUTH_FILE, &f, err);
	if (!rc)
		rc = dfile_write(f, out.buf, out.len, err);
	if (!rc)
		rc = dfile_close(f, &t->files[t->nfiles++], err);
	strbuf_release(&out);
	if (!rc && t->ids_file) {
		rc = dfile_close(t->ids_file, &t->files[t->nfiles++], err);
		t->ids_file = NULL;
	}
	return rc;
}

void truth_release(struct truth *t)
{
	for (uint32_t k = 0; t->sites && k < t->m->ninjections; k++)
		free(t->sites[k].ids);
	free(t->sites);
	strbuf_release(&t->lines);
	memset(t, 0, sizeof(*t));
}
