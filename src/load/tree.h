/*
 * load/tree.h - the checks every dialect's span tree needs once it is
 * built, and what they need noted while it is built.
 *
 * A dialect walks its file into a scenario's span tree (model/model.h) and,
 * on the way, notes:
 *   - each span's service name (tree_note_service): resources are made
 *     once the tree is complete (load_service), the root without one gets
 *     the default service;
 *   - each link to a span type of the same trace (tree_note_link);
 *   - each template compiled under the tree (tree_note_tmpl, as a
 *     gen_env.note with note_arg = the tree_refs): those that read
 *     {{parent.attributes.x}}, with where they were compiled (cur_span,
 *     cur_parent, in_vars, in_self, which the dialect keeps current);
 *   - each span with the node its limit error is reported at
 *     (tree_note_span).
 * tree_check then, in this order: every link names a span of the tree;
 * every {{parent.attributes.x}} names an attribute the parent will have
 * (and a lone copy fits its attribute's type and closed enum); no span's
 * worst case (counts times retries, children included) passes
 * --max-spans-per-trace; and the services become resources.
 */
#ifndef LOAD_TREE_H
#define LOAD_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load/loader.h"

struct tree_svc {
	struct span_spec *span;
	const char *service;
};

struct tree_link {
	const char *name;
	const struct ynode *node;
};

/* A template with {{parent.attributes.x}}: checked when the tree is complete. */
struct tree_pref {
	const struct span_spec *span;   /* the span it belongs to; NULL: a var */
	const struct span_spec *parent; /* that span's parent; NULL at the root */
	bool self;                      /* in an event or link: "parent" is the span */
	const struct ynode *node;
	const struct tmpl *tmpl;
};

struct tree_span {
	const struct span_spec *span;
	const struct ynode *at; /* where its limit error is reported */
};

struct tree_refs {
	struct tree_svc *svcs; /* malloc'd, like the arrays below */
	size_t nsvcs, svcs_cap;
	struct tree_link *links;
	size_t nlinks, links_cap;
	struct tree_pref *prefs;
	size_t nprefs, prefs_cap;
	struct tree_span *spans;
	size_t nspans, spans_cap;
	/* where templates are being compiled (the dialect keeps these current) */
	const struct span_spec *cur_span, *cur_parent;
	bool in_vars, in_self;
	/* the scenario's resource attributes (every service's resource gets them) */
	const struct keyval *res_attrs;
	uint32_t nres_attrs;
	bool res_replace;
};

/* 0 or the out-of-memory error (each at node n, for the file's name). */
int tree_note_service(struct schema_ctx *c, struct tree_refs *r, struct span_spec *span,
		      const char *service);
int tree_note_link(struct schema_ctx *c, struct tree_refs *r, const char *span_name,
		   const struct ynode *n);
int tree_note_span(struct schema_ctx *c, struct tree_refs *r, const struct span_spec *span,
		   const struct ynode *at);
/* A gen_env.note: arg is the struct tree_refs. */
int tree_note_tmpl(struct schema_ctx *c, void *arg, const struct ynode *n, const struct tmpl *t);

/*
 * A scenario's `vars:` mapping into sc->vars: names of letters, digits and
 * '_' (not first), values in any form (value_gen; each may use the vars
 * before it, as *out allows: bare names...), noted to tree as vars. Then
 * *out is set up for the span tree: every var, with its type.
 */
int value_vars(struct schema_ctx *c, const struct ynode *v, struct tree_refs *tree,
	       struct scenario *sc, struct gen_env *out);

/* The checks above, then sc->max_spans and the services' resources. */
int tree_check(struct schema_ctx *c, struct tree_refs *r, struct load_state *ls,
	       struct scenario *sc);

void tree_refs_release(struct tree_refs *r);

/* The resource index of the first span of the tree at s (depth first) on the
 * service called `name`, or -1 when no span of it runs there. */
int32_t tree_find_service(const struct load_state *ls, const struct span_spec *s,
			  const char *name);

#endif
