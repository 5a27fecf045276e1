/*
 * model/template.c - what a compiled template says about itself, and the
 * data random.user_agent draws from.
 */
#include "model/template.h"

const struct tmpl_str tmpl_user_agents[] = {
#define UA(s)                    \
	{                        \
		s, sizeof(s) - 1 \
	}
	UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.0.0 Safari/537.36"),
	UA("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.0.0 Safari/537.36"),
	UA("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/123.0.0.0 Safari/537.36"),
	UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"),
	UA("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0"),
	UA("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like "
	   "Gecko) "
	   "Version/17.4.1 Safari/605.1.15"),
	UA("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
	   "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"),
	UA("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.6367.82 Mobile Safari/537.36"),
	UA("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	   "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"),
	UA("curl/8.7.1"),
	UA("python-requests/2.31.0"),
	UA("okhttp/4.12.0"),
#undef UA
};
const size_t tmpl_nuser_agents = sizeof(tmpl_user_agents) / sizeof(tmpl_user_agents[0]);

int tmpl_natural_type(const struct tmpl *t)
{
	return t->natural;
}

bool tmpl_is_lone_expr(const struct tmpl *t)
{
	return t->lone;
}

int tmpl_lone_var(const struct tmpl *t)
{
	return t->lone && t->parts[0].kind == TP_VAR ? (int)t->parts[0].n : -1;
}

size_t tmpl_choice_count(const struct tmpl *t)
{
	return t->lone && t->parts[0].kind == TP_CHOICE ? t->parts[0].n : 0;
}

void tmpl_choice_option(const struct tmpl *t, size_t i, const char **s, size_t *len, size_t *off)
{
	const struct tmpl_part *part = &t->parts[0];

	*s = part->choices[i].ptr;
	*len = part->choices[i].len;
	*off = part->offs[i];
}

void tmpl_set_choice_values(struct tmpl *t, const struct value *vals)
{
	if (tmpl_choice_count(t)) {
		t->parts[0].vals = vals;
		t->natural = vals[0].type;
	}
}

const struct value *tmpl_choice_values(const struct tmpl *t)
{
	return tmpl_choice_count(t) ? t->parts[0].vals : NULL;
}

bool tmpl_parent_ref(const struct tmpl *t, size_t i, const char **key, size_t *len, size_t *off)
{
	for (uint32_t k = 0; k < t->nparts; k++) {
		const struct tmpl_part *part = &t->parts[k];

		if (part->kind != TP_PARENT || i--)
			continue;
		*key = part->s;
		*len = part->n;
		*off = part->off;
		return true;
	}
	return false;
}

bool tmpl_lone_attr(const struct tmpl *t, const char **key, uint32_t *up)
{
	if (!t->lone || t->parts[0].kind != TP_ATTR)
		return false;
	*key = t->parts[0].s;
	*up = t->parts[0].up;
	return true;
}
