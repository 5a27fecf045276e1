#include "load/yaml.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/error.h"
#include "util/strlist.h"
#include "util/text.h"

static const struct yaml_limits default_limits = { 64, 200000, 1 << 20, 16 << 20, 1 };

struct anchor {
	char *name;
	struct ynode *node;
	size_t weight; /* nodes it stands for, aliases expanded */
};

struct frame {
	struct ynode *node;
	void **items; /* ynode* (seq) or alternating key/value (map) */
	size_t n, cap;
	size_t weight;
	char *anchor;
};

struct builder {
	struct ydoc *doc;
	const struct yaml_limits *lim;
	struct otelsim_error *err;
	struct frame *stack;
	size_t depth, stack_cap;
	struct anchor *anchors;
	size_t nanchors, anchors_cap;
	size_t expanded; /* nodes so far with aliases expanded */
	bool aliased;    /* an alias was expanded */
	int docs;
	/* each document's root and where it starts (malloc'd; into the doc at the end) */
	struct ynode **roots;
	struct ydoc_start *starts;
	size_t nroots, roots_cap;
	/* the line ranges of block scalars (0-based: header line, end line) */
	size_t (*blocks)[2];
	size_t nblocks, blocks_cap;
	/* the libyaml error of a failed parse (not yet reported) */
	bool syntax;
	bool reader;        /* a reader error: position by byte offset */
	size_t pline, pcol; /* 0-based problem line, column in characters */
	size_t poffset;     /* reader errors: byte offset */
	char ymsg[512];
};

static int fail(struct builder *b, int code, int line, int col, const char *msg)
{
	return error_at(b->err, code, b->doc->file, line, col, "%s", msg);
}

/* 1-based line/col (in characters) of a byte offset in the source. */
static void offset_to_pos(const char *src, size_t off, int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int precheck(struct builder *b)
{
	const char *s = b->doc->src;
	size_t len = b->doc->src_len, ok = utf8_valid_prefix(s, len);
	int line, col;
	char msg[96];

	if (ok < len) {
		offset_to_pos(s, ok, &line, &col);
		snprintf(msg, sizeof(msg), "invalid UTF-8 byte 0x%02x (files must be UTF-8)",
			 (unsigned char)s[ok]);
		return fail(b, OTELSIM_EINPUT, line, col, msg);
	}
	if (memchr(s, '\0', len)) {
		offset_to_pos(s, (size_t)((const char *)memchr(s, '\0', len) - s), &line, &col);
		return fail(b, OTELSIM_EINPUT, line, col, "NUL byte in a YAML file");
	}
	return 0;
}

static struct ynode *new_node(struct builder *b, int type, const yaml_mark_t *m, const char *tag)
{
	struct ynode *n = ARENA_NEW(&b->doc->arena, struct ynode);

	if (!n)
		return NULL;
	n->type = (uint8_t)type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	if (tag && strcmp(tag, "!") != 0)
		n->tag = arena_strdup(&b->doc->arena, tag);
	return n;
}

static int push_child(struct builder *b, void *item)
{
	struct frame *f = &b->stack[b->depth - 1];

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		void **p = realloc(f->items, cap * sizeof(*p));

		if (!p)
			return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
		f->items = p;
		f->cap = cap;
	}
	f->items[f->n++] = item;
	return 0;
}

static int count_node(struct builder *b, size_t weight, const yaml_mark_t *m)
{
	char msg[160];

	b->expanded += weight;
	if (b->expanded > b->lim->max_nodes) {
		/* the aliases are to blame only when there are some */
		snprintf(msg, sizeof(msg),
			 b->aliased ? "document expands to more than %zu nodes (YAML aliases "
				      "nested too deeply?)"
				    : "document has more than %zu nodes (keys, values and list "
				      "items): split it into smaller files",
			 b->lim->max_nodes);
		return fail(b, OTELSIM_ELIMIT, (int)m->line + 1, (int)m->column + 1, msg);
	}
	if (b->depth)
		b->stack[b->depth - 1].weight += weight;
	return 0;
}

static int add_anchor(struct builder *b, const char *name, struct ynode *node, size_t weight)
{
	if (!name)
		return 0;
	if (b->nanchors == b->anchors_cap) {
		size_t cap = b->anchors_cap ? b->anchors_cap * 2 : 8;
		struct anchor *p = realloc(b->anchors, cap * sizeof(*p));

		if (!p)
			return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
		b->anchors = p;
		b->anchors_cap = cap;
	}
	b->anchors[b->nanchors].name = strdup(name);
	b->anchors[b->nanchors].node = node;
	b->anchors[b->nanchors].weight = weight;
	b->nanchors++;
	return 0;
}

static int attach(struct builder *b, struct ynode *n)
{
	if (!b->depth) {
		if (b->nroots == (size_t)b->docs) /* libyaml gives each document one root */
			return error_set(b->err, OTELSIM_EINTERNAL, "YAML: a second root node");
		if (!b->doc->root)
			b->doc->root = n;
		b->roots[b->nroots++] = n;
		return 0;
	}
	return push_child(b, n);
}

/* A document starts: room for its root, and no anchors from the one before. */
static int start_document(struct builder *b, const yaml_event_t *ev)
{
	size_t max = b->lim->max_docs ? b->lim->max_docs : 1;

	if ((size_t)++b->docs > max) {
		char msg[160];

		if (max == 1)
			return fail(b, OTELSIM_EINPUT, (int)ev->start_mark.line + 1,
				    (int)ev->start_mark.column + 1,
				    "more than one YAML document in the file (remove the second "
				    "'---')");
		snprintf(msg, sizeof(msg), "more than %zu YAML documents in the file", max);
		return fail(b, OTELSIM_ELIMIT, (int)ev->start_mark.line + 1,
			    (int)ev->start_mark.column + 1, msg);
	}
	if (b->nroots == b->roots_cap) {
		size_t cap = b->roots_cap ? b->roots_cap * 2 : 4;
		struct ynode **r = realloc(b->roots, cap * sizeof(*r));
		struct ydoc_start *st;

		if (r)
			b->roots = r;
		st = r ? realloc(b->starts, cap * sizeof(*st)) : NULL;
		if (!st)
			return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
		b->starts = st;
		b->roots_cap = cap;
	}
	b->starts[b->nroots].line = (int)ev->start_mark.line + 1;
	b->starts[b->nroots].col = (int)ev->start_mark.column + 1;
	for (size_t i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	b->nanchors = 0;
	return 0;
}

static int check_duplicates(struct builder *b, struct ynode *map)
{
	struct strlist_key *keys;
	size_t n = 0, first, second;
	char msg[600];
	int found;

	if (map->n < 2)
		return 0;
	keys = malloc(map->n * sizeof(*keys));
	if (!keys)
		return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;

		if (k->type != YN_SCALAR)
			continue;
		keys[n].s = k->str;
		keys[n].len = k->len;
		keys[n++].index = i;
	}
	found = strlist_first_dup(keys, n, &first, &second);
	free(keys);
	if (found) {
		const struct ynode *k = map->pairs[second].key, *p = map->pairs[first].key;

		snprintf(msg, sizeof(msg), "duplicate key '%.200s' (first at line %d, column %d)",
			 k->str, p->line, p->col);
		return fail(b, OTELSIM_EINPUT, k->line, k->col, msg);
	}
	return 0;
}

static int open_collection(struct builder *b, int type, const yaml_event_t *ev)
{
	const yaml_char_t *tag = type == YN_MAP ? ev->data.mapping_start.tag
						: ev->data.sequence_start.tag;
	const yaml_char_t *anchor = type == YN_MAP ? ev->data.mapping_start.anchor
						   : ev->data.sequence_start.anchor;
	struct ynode *n = new_node(b, type, &ev->start_mark, (const char *)tag);
	char msg[96];

	if (!n)
		return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
	if (b->depth >= b->lim->max_depth) {
		snprintf(msg, sizeof(msg), "nesting deeper than %zu levels", b->lim->max_depth);
		return fail(b, OTELSIM_ELIMIT, n->line, n->col, msg);
	}
	if (b->depth == b->stack_cap) {
		size_t cap = b->stack_cap ? b->stack_cap * 2 : 16;
		struct frame *p = realloc(b->stack, cap * sizeof(*p));

		if (!p)
			return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
		b->stack = p;
		b->stack_cap = cap;
	}
	if (count_node(b, 1, &ev->start_mark))
		return b->err ? b->err->code : OTELSIM_ELIMIT;
	memset(&b->stack[b->depth], 0, sizeof(struct frame));
	b->stack[b->depth].node = n;
	b->stack[b->depth].weight = 1;
	b->stack[b->depth].anchor = anchor ? strdup((const char *)anchor) : NULL;
	b->depth++;
	return 0;
}

static int close_collection(struct builder *b)
{
	struct frame f;
	struct ynode *n;
	int rc = 0;

	if (!b->depth) /* libyaml balances its events; never trust that blindly */
		return error_set(b->err, OTELSIM_EINTERNAL,
				 "YAML: end of a collection never opened");
	f = b->stack[--b->depth];
	n = f.node;

	if (n->type == YN_SEQ) {
		n->items = ARENA_NEWN(&b->doc->arena, struct ynode *, f.n ? f.n : 1);
		if (!n->items) {
			rc = error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
			goto out;
		}
		if (f.n) /* an empty list has no items buffer (memcpy from NULL is UB) */
			memcpy(n->items, f.items, f.n * sizeof(void *));
		n->n = f.n;
	} else {
		n->pairs = ARENA_NEWN(&b->doc->arena, struct ypair, f.n / 2 + 1);
		if (!n->pairs) {
			rc = error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
			goto out;
		}
		for (size_t i = 0; i + 1 < f.n; i += 2) {
			n->pairs[i / 2].key = f.items[i];
			n->pairs[i / 2].value = f.items[i + 1];
		}
		n->n = f.n / 2;
		rc = check_duplicates(b, n);
		if (rc)
			goto out;
	}
	/* the parent already counted this node's own 1; add the children */
	if (b->depth)
		b->stack[b->depth - 1].weight += f.weight - 1;
	rc = add_anchor(b, f.anchor, n, f.weight);
	if (!rc)
		rc = attach(b, n);
out:
	free(f.items);
	free(f.anchor);
	return rc;
}

/* Remember the lines a block scalar spans (blank-line handling needs them). */
static int add_block(struct builder *b, const yaml_event_t *ev)
{
	if (b->nblocks == b->blocks_cap) {
		size_t cap = b->blocks_cap ? b->blocks_cap * 2 : 16;
		size_t(*p)[2] = realloc(b->blocks, cap * sizeof(*p));

		if (!p)
			return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
		b->blocks = p;
		b->blocks_cap = cap;
	}
	b->blocks[b->nblocks][0] = ev->start_mark.line;
	b->blocks[b->nblocks][1] = ev->end_mark.line;
	b->nblocks++;
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n = new_node(b, YN_SCALAR, &ev->start_mark,
				   (const char *)ev->data.scalar.tag);
	size_t len = ev->data.scalar.length;
	char msg[96];

	if (!n)
		return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
	if (len > b->lim->max_scalar) {
		snprintf(msg, sizeof(msg), "string longer than %zu bytes", b->lim->max_scalar);
		return fail(b, OTELSIM_ELIMIT, n->line, n->col, msg);
	}
	n->str = arena_strndup(&b->doc->arena, (const char *)ev->data.scalar.value, len);
	if (!n->str)
		return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
	n->len = len;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		n->style = YS_QUOTED;
		n->quote = '\'';
		break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = YS_QUOTED;
		n->quote = '"';
		break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = YS_BLOCK;
		if (add_block(b, ev))
			return OTELSIM_ENOMEM;
		break;
	default:
		n->style = YS_PLAIN;
	}
	if (count_node(b, 1, &ev->start_mark))
		return b->err ? b->err->code : OTELSIM_ELIMIT;
	if (add_anchor(b, (const char *)ev->data.scalar.anchor, n, 1))
		return OTELSIM_ENOMEM;
	return attach(b, n);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;

	for (size_t i = b->nanchors; i-- > 0;) {
		if (!strcmp(b->anchors[i].name, name)) {
			b->aliased = true;
			if (count_node(b, b->anchors[i].weight, &ev->start_mark))
				return b->err ? b->err->code : OTELSIM_ELIMIT;
			return attach(b, b->anchors[i].node);
		}
	}
	return error_at(b->err, OTELSIM_EINPUT, b->doc->file, (int)ev->start_mark.line + 1,
			(int)ev->start_mark.column + 1,
			"unknown YAML alias '*%s' (no anchor of that name before it)", name);
}

/* Keep libyaml's error for the caller to report (or to retry after). */
static int syntax_error(struct builder *b, const yaml_parser_t *p)
{
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->mark;

	if (p->context)
		snprintf(b->ymsg, sizeof(b->ymsg), "invalid YAML: %s %s",
			 p->problem ? p->problem : "error", p->context);
	else
		snprintf(b->ymsg, sizeof(b->ymsg), "invalid YAML: %s",
			 p->problem ? p->problem : "error");
	b->syntax = true;
	b->reader = p->error == YAML_READER_ERROR;
	b->poffset = p->problem_offset;
	b->pline = m->line;
	b->pcol = m->column;
	return OTELSIM_EINPUT;
}

static void builder_free(struct builder *b)
{
	while (b->depth) {
		b->depth--;
		free(b->stack[b->depth].items);
		free(b->stack[b->depth].anchor);
	}
	free(b->stack);
	b->stack = NULL;
	b->stack_cap = 0;
	for (size_t i = 0; i < b->nanchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	b->anchors = NULL;
	b->nanchors = b->anchors_cap = 0;
	free(b->blocks);
	b->blocks = NULL;
	b->nblocks = b->blocks_cap = 0;
	free(b->roots);
	free(b->starts);
	b->roots = NULL;
	b->starts = NULL;
	b->nroots = b->roots_cap = 0;
}

/* The documents' roots and starts, into the document's arena. */
static int keep_documents(struct builder *b)
{
	struct ydoc *doc = b->doc;

	doc->ndocs = b->nroots;
	if (!b->nroots)
		return 0;
	doc->docs = ARENA_NEWN(&doc->arena, struct ynode *, b->nroots);
	doc->starts = ARENA_NEWN(&doc->arena, struct ydoc_start, b->nroots);
	if (!doc->docs || !doc->starts)
		return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
	memcpy(doc->docs, b->roots, b->nroots * sizeof(*doc->docs));
	memcpy(doc->starts, b->starts, b->nroots * sizeof(*doc->starts));
	return 0;
}

/*
 * Start (or start again) a document: its arena holds the file name and a
 * NUL-terminated copy of the bytes; nodes follow.
 */
static int doc_start(struct ydoc *doc, const char *name, const char *buf, size_t len,
		     struct otelsim_error *err)
{
	char *copy;

	arena_release(&doc->arena);
	memset(doc, 0, sizeof(*doc));
	arena_init(&doc->arena, 64 * 1024);
	doc->file = arena_strdup(&doc->arena, name);
	copy = arena_strndup(&doc->arena, buf, len);
	if (!doc->file || !copy)
		return error_set(err, OTELSIM_ENOMEM, "out of memory reading YAML");
	doc->src = copy;
	doc->src_len = len;
	return 0;
}

/* Build the tree of `text` (the file's bytes, or a copy with blank lines evened out). */
static int parse(struct builder *b, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&parser))
		return error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(b, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			rc = start_document(b, &ev);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = open_collection(b, YN_MAP, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = open_collection(b, YN_SEQ, &ev);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = close_collection(b);
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(b, &ev);
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* ---- tabs ------------------------------------------------------------------- */

/*
 * YAML indents with spaces only, but allows tabs elsewhere: inside block
 * scalars, after the indentation, in flow collections and quoted strings,
 * and on blank lines. The file goes to libyaml as it is; what it rejects
 * at a tab is sorted out here:
 *   - the line holds content after a tab in its leading whitespace: a tab
 *     used as indentation, reported as such at the tab;
 *   - the line is blank (spaces and tabs, maybe a comment): YAML allows it
 *     but libyaml 0.2.5 does not everywhere. Such lines are parsed again
 *     with their leading tabs as spaces, which does not change any value -
 *     except inside a block scalar, where whitespace is content: lines that
 *     fall in one are put back as they were (libyaml accepts tabs in block
 *     scalar content), unless libyaml then rejects them, and the parse is
 *     repeated until it settles (at most MAX_TAB_PASSES times).
 */
#define MAX_TAB_PASSES 16

enum { BLANK_EVENED = 1, BLANK_KEPT = 2, BLANK_FORCED = 3 };

struct blank_line {
	size_t start, end; /* bytes [start, end): the leading whitespace */
	size_t line;       /* 0-based */
	int state;
};

/* Byte offset where 0-based line `line` starts. */
static size_t line_start(const char *s, size_t len, size_t line)
{
	size_t pos = 0;

	for (size_t l = 0; l < line && pos < len; pos++)
		if (s[pos] == '\n')
			l++;
	return pos;
}

/*
 * The leading whitespace of the line starting at `pos`: its end in *ws_end;
 * true when it holds a tab. *blank: nothing but a comment follows.
 */
static bool leading_tab(const char *s, size_t len, size_t pos, size_t *ws_end, bool *blank)
{
	bool tab = false;

	while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
		tab |= s[pos++] == '\t';
	*ws_end = pos;
	*blank = pos == len || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '#';
	return tab;
}

/* Every blank line with a tab in its leading whitespace, in *out (malloc'd). */
static int find_blank_lines(const char *s, size_t len, struct blank_line **out, size_t *n)
{
	struct blank_line *v = NULL;
	size_t cap = 0, line = 0;

	*n = 0;
	for (size_t pos = 0; pos < len; line++) {
		size_t end, eol;
		bool blank;

		if (leading_tab(s, len, pos, &end, &blank) && blank) {
			if (*n == cap) {
				struct blank_line *p;

				cap = cap ? cap * 2 : 16;
				p = realloc(v, cap * sizeof(*p));
				if (!p) {
					free(v);
					return -1;
				}
				v = p;
			}
			v[*n].start = pos;
			v[*n].end = end;
			v[*n].line = line;
			v[(*n)++].state = BLANK_EVENED;
		}
		eol = end;
		while (eol < len && s[eol] != '\n')
			eol++;
		pos = eol + 1;
	}
	*out = v;
	return 0;
}

/* Write each blank line into work: tabs as spaces, or as in the file. */
static void apply_blank_lines(char *work, const char *src, const struct blank_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = v[i].start; k < v[i].end; k++)
			work[k] = v[i].state == BLANK_KEPT ? src[k] : ' ';
}

static struct blank_line *blank_at(struct blank_line *v, size_t n, size_t line)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].line == line)
			return &v[i];
	return NULL;
}

/*
 * libyaml takes a plain key of at most 1024 characters: past that its
 * message ("could not find expected ':'", "mapping values are not
 * allowed") hides the cause. The column where such a key starts on line
 * `line` (0-based), or 0.
 */
#define YAML_SIMPLE_KEY_MAX 1024
#define YAML_KEY_LIMIT      256 /* load/loader.h: LOAD_MAX_KEY */

static size_t long_key_col(const char *text, size_t len, size_t line)
{
	size_t pos = line_start(text, len, line), k, n = 0;

	while (pos < len && (text[pos] == ' ' || (text[pos] == '-' && pos + 1 < len &&
						  text[pos + 1] == ' ')))
		pos++;
	for (k = pos; k < len && text[k] != '\n'; k++) {
		if (text[k] == ':' && (k + 1 == len || text[k + 1] == ' ' || text[k + 1] == '\n'))
			break;
		n += ((unsigned char)text[k] & 0xc0) != 0x80; /* characters, not bytes */
	}
	if (n <= YAML_SIMPLE_KEY_MAX || k == len || text[k] != ':')
		return 0;
	return pos - line_start(text, len, line) + 1;
}

/* Report the libyaml error of the last parse of `text`. */
static int report_syntax(struct builder *b, const char *text, size_t len)
{
	int line, col;

	if (b->reader) {
		offset_to_pos(b->doc->src,
			      b->poffset < b->doc->src_len ? b->poffset : b->doc->src_len, &line,
			      &col);
		return fail(b, OTELSIM_EINPUT, line, col, b->ymsg);
	}
	{
		size_t pos = line_start(text, len, b->pline), end;
		bool blank;

		if (leading_tab(text, len, pos, &end, &blank) && !blank) {
			size_t tab = pos;

			while (text[tab] != '\t')
				tab++;
			return fail(b, OTELSIM_EINPUT, (int)b->pline + 1, (int)(tab - pos) + 1,
				    "tab character in indentation (YAML indents with spaces)");
		}
	}
	{
		size_t kcol = long_key_col(text, len, b->pline);
		char msg[64];

		if (kcol) {
			snprintf(msg, sizeof(msg), "key longer than %d bytes", YAML_KEY_LIMIT);
			return fail(b, OTELSIM_ELIMIT, (int)b->pline + 1, (int)kcol, msg);
		}
	}
	return fail(b, OTELSIM_EINPUT, (int)b->pline + 1, (int)b->pcol + 1, b->ymsg);
}

/* One parse of `text` into a fresh document. */
static int parse_again(struct builder *b, const char *name, const char *src, const char *text,
		       size_t len)
{
	int rc;

	builder_free(b);
	b->expanded = 0;
	b->docs = 0;
	b->syntax = false;
	rc = doc_start(b->doc, name, src, len, b->err);
	return rc ? rc : parse(b, text, len);
}

/*
 * libyaml rejected the file at a blank line with a tab: parse a copy with
 * the blank lines evened out, putting back those inside block scalars.
 */
static int parse_blank_tabs(struct builder *b, const char *name, const char *src, size_t len)
{
	struct blank_line *v = NULL;
	size_t n = 0;
	char *work = malloc(len + 1);
	int rc;

	if (!work || find_blank_lines(src, len, &v, &n)) {
		rc = error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
		goto cleanup;
	}
	memcpy(work, src, len);
	work[len] = '\0';
	for (int pass = 0;; pass++) {
		struct blank_line *bl;
		bool kept = false;

		if (pass == MAX_TAB_PASSES) /* did not settle: every blank line evened out */
			for (size_t i = 0; i < n; i++)
				v[i].state = BLANK_FORCED;
		apply_blank_lines(work, src, v, n);
		rc = parse_again(b, name, src, work, len);
		if (pass == MAX_TAB_PASSES)
			break;
		if (rc) {
			/* a line put back that libyaml does not take: even it out for good */
			if (b->syntax && (bl = blank_at(v, n, b->pline)) &&
			    bl->state == BLANK_KEPT) {
				bl->state = BLANK_FORCED;
				continue;
			}
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (v[i].state != BLANK_EVENED)
				continue;
			for (size_t k = 0; k < b->nblocks; k++) {
				if (v[i].line > b->blocks[k][0] && v[i].line <= b->blocks[k][1]) {
					v[i].state = BLANK_KEPT;
					kept = true;
					break;
				}
			}
		}
		if (!kept)
			break;
	}
	if (rc && b->syntax)
		rc = report_syntax(b, work, len);
cleanup:
	free(work);
	free(v);
	return rc;
}

int yaml_load_buffer(const char *name, const char *buf, size_t len,
		     const struct yaml_limits *limits, struct ydoc *doc, struct otelsim_error *err)
{
	struct builder b;
	int rc;

	memset(doc, 0, sizeof(*doc));
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.lim = limits ? limits : &default_limits;
	b.err = err;
	rc = doc_start(doc, name, buf, len, err);
	if (rc)
		return rc;
	if (len > b.lim->max_file)
		return error_at(err, OTELSIM_ELIMIT, doc->file, 0, 0, "file larger than %zu bytes",
				b.lim->max_file);
	rc = precheck(&b);
	if (rc)
		return rc;
	rc = parse(&b, doc->src, len);
	if (rc && b.syntax && !b.reader) {
		size_t pos = line_start(doc->src, len, b.pline), end;
		bool blank;

		if (leading_tab(doc->src, len, pos, &end, &blank) && blank)
			rc = parse_blank_tabs(&b, name, buf, len);
		else
			rc = report_syntax(&b, doc->src, len);
	} else if (rc && b.syntax) {
		rc = report_syntax(&b, doc->src, len);
	}
	if (!rc)
		rc = keep_documents(&b);
	builder_free(&b);
	if (rc < 0 && err && err->code == 0)
		err->code = rc;
	return rc;
}

int yaml_load_file(const char *path, const struct yaml_limits *limits, struct ydoc *doc,
		   struct otelsim_error *err)
{
	const struct yaml_limits *lim = limits ? limits : &default_limits;
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	memset(doc, 0, sizeof(*doc));
	if (!f) /* a path the user can fix is bad input; a machine's failure is not */
		return error_at(err, path_errno_is_input(errno) ? OTELSIM_EINPUT : OTELSIM_EIO,
				path, 0, 0, "cannot read: %s", strerror(errno));
	for (;;) {
		if (cap - len < 65536) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			if (cap > lim->max_file + 65536 + 1) {
				free(buf);
				fclose(f);
				return error_at(err, OTELSIM_ELIMIT, path, 0, 0,
						"file larger than %zu bytes", lim->max_file);
			}
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return error_set(err, OTELSIM_ENOMEM, "out of memory reading '%s'",
						 path);
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		fclose(f);
		if (e == EISDIR) /* a folder where a file was expected: the user's */
			return error_at(err, OTELSIM_EINPUT, path, 0, 0,
					"is a folder, not a YAML file");
		return error_at(err, OTELSIM_EIO, path, 0, 0, "read error: %s", strerror(e));
	}
	fclose(f);
	rc = yaml_load_buffer(path, buf ? buf : "", len, lim, doc, err);
	free(buf);
	return rc;
}

void ydoc_release(struct ydoc *doc)
{
	arena_release(&doc->arena);
	doc->root = NULL;
	doc->docs = NULL;
	doc->starts = NULL;
	doc->ndocs = 0;
}

bool ynode_is_null(const struct ynode *n)
{
	if (!n)
		return true;
	if (n->type != YN_SCALAR || n->style != YS_PLAIN || n->tag)
		return false;
	return n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
	       !strcmp(n->str, "Null") || !strcmp(n->str, "NULL");
}

int ynode_bool(const struct ynode *n, bool *out)
{
	static const char *const t[] = { "true", "True", "TRUE" };
	static const char *const f[] = { "false", "False", "FALSE" };

	if (!n || n->type != YN_SCALAR || n->style != YS_PLAIN)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (!strcmp(n->str, t[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(n->str, f[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int ynode_int(const struct ynode *n, int64_t *out)
{
	const char *s;
	char *end;
	long long v;
	int base = 10;

	if (!n || n->type != YN_SCALAR || n->style != YS_PLAIN || !n->len)
		return -1;
	s = n->str;
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		base = 16;
	for (const char *p = s + (*s == '-' || *s == '+') + (base == 16 ? 2 : 0); *p; p++) {
		if (base == 10 && (*p < '0' || *p > '9') && *p != '_')
			return -1;
	}
	if (strchr(s, '_'))
		return -1;
	errno = 0;
	v = strtoll(s, &end, base);
	if (*end || end == s)
		return -1;
	if (errno == ERANGE)
		return -2;
	*out = (int64_t)v;
	return 0;
}

int ynode_double(const struct ynode *n, double *out)
{
	const char *s;
	char *end;

	if (!n || n->type != YN_SCALAR || n->style != YS_PLAIN || !n->len)
		return -1;
	s = n->str;
	if (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, "+.inf")) {
		*out = 1.0 / 0.0;
		return 0;
	}
	if (!strcmp(s, "-.inf") || !strcmp(s, "-.Inf")) {
		*out = -1.0 / 0.0;
		return 0;
	}
	if (!strcmp(s, ".nan") || !strcmp(s, ".NaN")) {
		*out = 0.0 / 0.0;
		return 0;
	}
	for (const char *p = s; *p; p++)
		if (!strchr("0123456789+-.eE", *p))
			return -1;
	*out = strtod_l(s, &end, util_c_locale());
	if (*end || end == s)
		return -1;
	return 0;
}

bool ynode_is_string(const struct ynode *n)
{
	double d;
	bool b;

	if (!n || n->type != YN_SCALAR)
		return false;
	if (n->style != YS_PLAIN)
		return true;
	return !ynode_is_null(n) && ynode_double(n, &d) != 0 && ynode_bool(n, &b) != 0;
}

struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;

		if (k->type == YN_SCALAR && !strcmp(k->str, key))
			return map->pairs[i].value;
	}
	return NULL;
}

const char *ynode_kind(const struct ynode *n)
{
	double d;
	bool b;
	int64_t i;

	if (!n || ynode_is_null(n))
		return "nothing (null)";
	if (n->type == YN_MAP)
		return "a mapping";
	if (n->type == YN_SEQ)
		return "a list";
	if (n->style != YS_PLAIN)
		return "a string";
	if (!ynode_bool(n, &b))
		return "a boolean";
	if (!ynode_int(n, &i))
		return "an integer";
	if (!ynode_double(n, &d))
		return "a number";
	return "a string";
}

/* Byte offset of 1-based (line, col in characters) in the file. */
static size_t src_offset(const struct ydoc *doc, int line, int col)
{
	const char *s = doc->src;
	size_t pos = 0;
	int l = 1;

	while (pos < doc->src_len && l < line)
		if (s[pos++] == '\n')
			l++;
	for (int c = 1; c < col && pos < doc->src_len; c++) {
		pos++;
		while (pos < doc->src_len && ((unsigned char)s[pos] & 0xc0) == 0x80)
			pos++;
	}
	return pos;
}

void ynode_offset_pos(const struct ydoc *doc, const struct ynode *n, size_t offset, int *line,
		      int *col)
{
	*line = n->line;
	*col = n->col;
	if (n->type != YN_SCALAR || offset > n->len)
		return;
	if (n->style == YS_PLAIN || n->style == YS_QUOTED) {
		int c = n->col + (n->style == YS_QUOTED ? 1 : 0);
		size_t start = src_offset(doc, n->line, c);

		/*
		 * Exact only when the value's bytes up to `offset` are the file's
		 * (no escapes, no '' quotes, no folded line breaks before it).
		 */
		if (start > doc->src_len || doc->src_len - start < offset ||
		    memcmp(doc->src + start, n->str, offset) || memchr(n->str, '\n', offset))
			return;
		for (size_t i = 0; i < offset; i++)
			if (((unsigned char)n->str[i] & 0xc0) != 0x80)
				c++;
		*col = c;
		return;
	}
	/* block scalar: content starts on the next line at its indentation */
	{
		const char *s = doc->src;
		size_t pos = 0;
		int l = 1, nl = 0, c;
		size_t indent = 0;

		while (pos < doc->src_len && l < n->line + 1) {
			if (s[pos++] == '\n')
				l++;
		}
		while (pos + indent < doc->src_len && s[pos + indent] == ' ')
			indent++;
		for (size_t i = 0; i < offset; i++)
			if (n->str[i] == '\n')
				nl++;
		c = (int)indent + 1;
		for (size_t i = offset; i > 0 && n->str[i - 1] != '\n'; i--)
			if (((unsigned char)n->str[i - 1] & 0xc0) != 0x80)
				c++;
		*line = n->line + 1 + nl;
		*col = c;
		/* trust it only when the file holds the value's text there (not folded) */
		{
			size_t at = src_offset(doc, *line, *col), k = 0;

			while (offset + k < n->len && n->str[offset + k] != '\n' && k < 64)
				k++;
			if (at > doc->src_len || doc->src_len - at < k ||
			    memcmp(s + at, n->str + offset, k)) {
				*line = n->line;
				*col = n->col;
			}
		}
	}
}
