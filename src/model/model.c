#include "model/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/semconv.h"
#include "otelsim/error.h"
#include "util/error.h"

const struct scenario *model_find_scenario(const struct model *m, const char *name)
{
	for (uint32_t i = 0; i < m->nscenarios; i++)
		if (!strcmp(m->scenarios[i]->name, name))
			return m->scenarios[i];
	for (uint32_t i = 0; i < m->nscenarios; i++)
		if (m->scenarios[i]->title && !strcmp(m->scenarios[i]->title, name))
			return m->scenarios[i];
	return NULL;
}

static int finish_span(struct arena *a, struct span_spec *sp)
{
	sp->name_len = (uint32_t)strlen(sp->name);
	if (sp->retry.enabled && !sp->name_tmpl && !sp->attempt_name) {
		char *an = arena_alloc(a, (size_t)sp->name_len + sizeof(".attempt"));

		if (!an)
			return -1;
		memcpy(an, sp->name, sp->name_len);
		memcpy(an + sp->name_len, ".attempt", sizeof(".attempt"));
		sp->attempt_name = an;
	}
	for (uint32_t k = 0; k < sp->nevents; k++)
		sp->events[k].name_len = (uint32_t)strlen(sp->events[k].name);
	for (uint32_t k = 0; k < sp->nlinks; k++)
		if (sp->links[k].span_name)
			sp->links[k].span_name_len = (uint32_t)strlen(sp->links[k].span_name);
	for (uint32_t k = 0; k < sp->nchildren; k++)
		if (finish_span(a, &sp->children[k]) < 0)
			return -1;
	return 0;
}

int model_finish(struct model *m, struct otelsim_error *err)
{
	for (uint32_t i = 0; i < m->nscenarios; i++)
		if (m->scenarios[i]->root && finish_span(&m->arena, m->scenarios[i]->root) < 0)
			return error_set(err, OTELSIM_ENOMEM, "out of memory");
	return 0;
}

int model_warn(struct model *m, const char *file, int line, int col, const char *fmt, ...)
{
	char msg[512], *w, **p;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	n = strlen(file) + strlen(msg) + 48;
	w = malloc(n);
	p = realloc(m->warnings, (m->nwarnings + 1) * sizeof(char *));
	if (!w || !p) {
		free(w);
		if (p)
			m->warnings = p;
		return -1;
	}
	snprintf(w, n, "%s:%d:%d: %s", file, line, col, msg);
	m->warnings = p;
	m->warnings[m->nwarnings++] = w;
	return 0;
}

void model_release(struct model *m)
{
	for (uint32_t i = 0; i < m->nwarnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	m->warnings = NULL;
	m->nwarnings = 0;
	if (m->semconv)
		semconv_free(m->semconv);
	m->semconv = NULL;
	arena_release(&m->arena);
	m->scenarios = NULL;
	m->nscenarios = 0;
	m->services = NULL;
	m->nservices = 0;
}
