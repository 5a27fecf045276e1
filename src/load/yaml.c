#include "load/yaml.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/error.h"
#include "util/text.h"

static const struct yaml_limits default_limits = { 64, 200000, 1 << 20, 16 << 20 };

struct anchor {
	char *name;
	struct ynode *node;
	size_t weight;  /* nodes it stands for, aliases expanded */
};

struct frame {
	struct ynode *node;
	void **items;  /* ynode* (seq) or alternating key/value (map) */
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
	size_t expanded;  /* nodes so far with aliases expanded */
	int docs;
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
	/* tabs in indentation (YAML indents with spaces only) */
	line = 1;
	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && s[j] == ' ')
			j++;
		if (j < len && s[j] == '\t') {
			/* a tab before any content on the line is indentation */
			return fail(b, OTELSIM_EINPUT, line, (int)(j - i) + 1, "tab character in indentation (YAML indents with spaces)");
		}
		while (j < len && s[j] != '\n')
			j++;
		i = j + 1;
		line++;
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
		snprintf(msg, sizeof(msg),
			 "document expands to more than %zu nodes (YAML aliases nested too deeply?)",
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
		b->doc->root = n;
		return 0;
	}
	return push_child(b, n);
}

static int check_duplicates(struct builder *b, struct ynode *map)
{
	char msg[600];

	/* quadratic, but maps in scenario files are small; large ones sorted? no:
	 * registry maps stay under a few hundred keys */
	for (size_t i = 1; i < map->n; i++) {
		struct ynode *k = map->pairs[i].key;

		if (k->type != YN_SCALAR)
			continue;
		for (size_t j = 0; j < i; j++) {
			struct ynode *p = map->pairs[j].key;

			if (p->type == YN_SCALAR && p->len == k->len && !memcmp(p->str, k->str, k->len)) {
				snprintf(msg, sizeof(msg), "duplicate key '%.200s' (first at line %d, column %d)",
					 k->str, p->line, p->col);
				return fail(b, OTELSIM_EINPUT, k->line, k->col, msg);
			}
		}
	}
	return 0;
}

static int open_collection(struct builder *b, int type, const yaml_event_t *ev)
{
	const yaml_char_t *tag = type == YN_MAP ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor =
		type == YN_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
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

	if (!b->depth)  /* libyaml balances its events; never trust that blindly */
		return error_set(b->err, OTELSIM_EINTERNAL, "YAML: end of a collection never opened");
	f = b->stack[--b->depth];
	n = f.node;

	if (n->type == YN_SEQ) {
		n->items = ARENA_NEWN(&b->doc->arena, struct ynode *, f.n ? f.n : 1);
		if (!n->items) {
			rc = error_set(b->err, OTELSIM_ENOMEM, "out of memory reading YAML");
			goto out;
		}
		if (f.n)  /* an empty list has no items buffer (memcpy from NULL is UB) */
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

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *n = new_node(b, YN_SCALAR, &ev->start_mark, (const char *)ev->data.scalar.tag);
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
			if (count_node(b, b->anchors[i].weight, &ev->start_mark))
				return b->err ? b->err->code : OTELSIM_ELIMIT;
			return attach(b, b->anchors[i].node);
		}
	}
	return error_at(b->err, OTELSIM_EINPUT, b->doc->file, (int)ev->start_mark.line + 1,
			(int)ev->start_mark.column + 1,
			"unknown YAML alias '*%s' (no anchor of that name before it)", name);
}

static int parser_error(struct builder *b, const yaml_parser_t *p)
{
	const yaml_mark_t *m = p->problem ? &p->problem_mark : &p->mark;
	char msg[512];

	if (p->context)
		snprintf(msg, sizeof(msg), "invalid YAML: %s %s", p->problem ? p->problem : "error",
			 p->context);
	else
		snprintf(msg, sizeof(msg), "invalid YAML: %s", p->problem ? p->problem : "error");
	if (p->error == YAML_READER_ERROR) {
		int line, col;

		offset_to_pos(b->doc->src, p->problem_offset < b->doc->src_len ? p->problem_offset
										 : b->doc->src_len,
			      &line, &col);
		return fail(b, OTELSIM_EINPUT, line, col, msg);
	}
	return fail(b, OTELSIM_EINPUT, (int)m->line + 1, (int)m->column + 1, msg);
}

int yaml_load_buffer(const char *name, const char *buf, size_t len,
		     const struct yaml_limits *limits, struct ydoc *doc, struct otelsim_error *err)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0, done = 0;
	char *copy;

	memset(doc, 0, sizeof(*doc));
	arena_init(&doc->arena, 64 * 1024);
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.lim = limits ? limits : &default_limits;
	b.err = err;
	doc->file = arena_strdup(&doc->arena, name);
	copy = arena_strndup(&doc->arena, buf, len);
	if (!doc->file || !copy)
		return error_set(err, OTELSIM_ENOMEM, "out of memory reading YAML");
	doc->src = copy;
	doc->src_len = len;
	if (len > b.lim->max_file)
		return error_at(err, OTELSIM_ELIMIT, doc->file, 0, 0, "file larger than %zu bytes",
				b.lim->max_file);
	rc = precheck(&b);
	if (rc)
		return rc;
	if (!yaml_parser_initialize(&parser))
		return error_set(err, OTELSIM_ENOMEM, "out of memory reading YAML");
	yaml_parser_set_input_string(&parser, (const unsigned char *)copy, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_error(&b, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++b.docs > 1)
				rc = fail(&b, OTELSIM_EINPUT, (int)ev.start_mark.line + 1,
					  (int)ev.start_mark.column + 1, "more than one YAML document in the file (remove the second '---')");
			break;
		case YAML_MAPPING_START_EVENT:
			rc = open_collection(&b, YN_MAP, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = open_collection(&b, YN_SEQ, &ev);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = close_collection(&b);
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(&b, &ev);
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
	while (b.depth) {
		b.depth--;
		free(b.stack[b.depth].items);
		free(b.stack[b.depth].anchor);
	}
	free(b.stack);
	for (size_t i = 0; i < b.nanchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
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
	if (!f)
		return error_at(err, OTELSIM_EINPUT, path, 0, 0, "cannot read: %s", strerror(errno));
	for (;;) {
		if (cap - len < 65536) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			if (cap > lim->max_file + 65536 + 1) {
				free(buf);
				fclose(f);
				return error_at(err, OTELSIM_ELIMIT, path, 0, 0, "file larger than %zu bytes",
						lim->max_file);
			}
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return error_set(err, OTELSIM_ENOMEM, "out of memory reading '%s'", path);
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return error_at(err, OTELSIM_EIO, path, 0, 0, "read error");
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

static locale_t c_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
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
	*out = strtod_l(s, &end, c_locale());
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
