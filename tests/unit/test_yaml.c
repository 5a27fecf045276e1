/* load/yaml: positions, scalar typing and every hard limit of the YAML layer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load/yaml.h"
#include "util/strbuf.h"
#include "util/timefmt.h"

/* Load `src`, expect failure with code, line, col and message. */
static void expect_fail(const char *src, size_t len, const struct yaml_limits *lim, int code,
			int line, int col, const char *msg)
{
	struct ydoc doc;
	struct otelsim_error err = { 0 };
	int rc = yaml_load_buffer("t.yaml", src, len, lim, &doc, &err);

	ydoc_release(&doc);
	if (rc == 0)
		fail_msg("loaded, expected '%s'", msg);
	assert_int_equal(rc, code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.message, msg);
	assert_string_equal(err.file, "t.yaml");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
}

static struct ynode *load_ok(struct ydoc *doc, const char *src)
{
	struct otelsim_error err = { 0 };
	char buf[1200];

	if (yaml_load_buffer("ok.yaml", src, strlen(src), NULL, doc, &err))
		fail_msg("%s", otelsim_error_format(&err, buf, sizeof(buf)));
	return doc->root;
}

static void test_billion_laughs(void **state)
{
	const char *src = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
			  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			  "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			  "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			  "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
			  "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	int64_t t0 = time_mono_ns();

	(void)state;
	/* a..e stand for 74732 nodes; the 2nd *e (66430 more) passes 200000 */
	expect_fail(src, strlen(src), NULL, OTELSIM_ELIMIT, 6, 12,
		    "document expands to more than 200000 nodes (YAML aliases nested too deeply?)");
	/* at once: no expansion happens */
	assert_true(time_mono_ns() - t0 < 1000000000LL);
}

static void test_aliases_within_budget_share_nodes(void **state)
{
	struct ydoc doc;
	struct ynode *r;

	(void)state;
	r = load_ok(&doc, "base: &b {x: 1, y: [2, 3]}\ncopy: *b\n");
	assert_ptr_equal(ymap_get(r, "base"), ymap_get(r, "copy"));
	assert_int_equal(ymap_get(r, "copy")->n, 2);
	ydoc_release(&doc);
}

static void test_depth_limit(void **state)
{
	char src[200];
	struct ydoc doc;
	struct yaml_limits lim = { 64, 200000, 1 << 20, 16 << 20 };
	struct otelsim_error err = { 0 };

	(void)state;
	/* 64 levels load, the 65th fails at its own bracket */
	memset(src, '[', 64);
	memset(src + 64, ']', 64);
	src[128] = '\n';
	assert_int_equal(yaml_load_buffer("t.yaml", src, 129, &lim, &doc, &err), 0);
	ydoc_release(&doc);
	memset(src, '[', 65);
	memset(src + 65, ']', 65);
	src[130] = '\n';
	expect_fail(src, 131, NULL, OTELSIM_ELIMIT, 1, 65, "nesting deeper than 64 levels");
	lim.max_depth = 3;
	expect_fail("a:\n  b:\n    c: [1]\n", 19, &lim, OTELSIM_ELIMIT, 3, 8,
		    "nesting deeper than 3 levels");
}

static void test_duplicate_keys_both_positions(void **state)
{
	const char *src = "name: x\nroot:\n  type: a\n  kind: server\n  type: b\n";

	(void)state;
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 5, 3,
		    "duplicate key 'type' (first at line 3, column 3)");
}

static void test_tabs(void **state)
{
	const char *src = "root:\n  type: a\n\tkind: server\n";

	(void)state;
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 3, 1,
		    "tab character in indentation (YAML indents with spaces)");
	src = "root:\n   \ttype: a\n";
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 2, 4,
		    "tab character in indentation (YAML indents with spaces)");
	/* a tab before a key that libyaml reads as part of a plain scalar */
	src = "a: x\n \ty: z\n";
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 2, 2,
		    "tab character in indentation (YAML indents with spaces)");
	/* after blank lines with tabs (the second parse) */
	src = "a: 1\n\t\nb:\n  c: |\n    x\n  \t\n\td: 2\n";
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 7, 1,
		    "tab character in indentation (YAML indents with spaces)");
	/* other errors on blank-line files keep libyaml's message */
	src = "a: 1\n\t\nb: [\n";
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 4, 1,
		    "invalid YAML: did not find expected node content while parsing a flow node");
}

/* The value of key `k` in the mapping `m`, which must be a scalar. */
static const char *str_of(const struct ynode *m, const char *k)
{
	const struct ynode *v = ymap_get(m, k);

	if (!v || v->type != YN_SCALAR)
		fail_msg("no scalar '%s'", k);
	return v->str;
}

/* Tabs YAML allows: block scalar content, blank and comment lines, after the indentation. */
static void test_tabs_yaml_allows(void **state)
{
	struct ydoc doc;
	struct ynode *r;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	/* block scalar content keeps its tabs (the old pre-scan refused these) */
	r = load_ok(&doc, "a: |\n  x\n  \ty\n    \tz\nb: >\n  one\n  \ttwo\n");
	assert_string_equal(str_of(r, "a"), "x\n\ty\n  \tz\n");
	assert_string_equal(str_of(r, "b"), "one\n\ttwo\n");
	ydoc_release(&doc);
	/* after the indentation, in flow collections and quoted strings */
	r = load_ok(&doc, "a:\t1\nb:\n  c:\t2\nd: [1,\t2]\ne: \"x\n\ty\"\nf: foo\n \tbar\n");
	assert_string_equal(str_of(r, "a"), "1");
	assert_string_equal(str_of(ymap_get(r, "b"), "c"), "2");
	assert_int_equal(ymap_get(r, "d")->n, 2);
	assert_string_equal(str_of(r, "e"), "x y");
	assert_string_equal(str_of(r, "f"), "foo bar");
	ydoc_release(&doc);
	/* blank lines and comment lines with tabs (libyaml 0.2.5 refuses some) */
	r = load_ok(&doc, "a: 1\n\t\nb: 'q'\n  \t\nc:\n  d: 2\n \t# note\n  e: 3\n\t \t\n");
	assert_string_equal(str_of(r, "a"), "1");
	assert_string_equal(str_of(r, "b"), "q");
	assert_string_equal(str_of(ymap_get(r, "c"), "d"), "2");
	assert_string_equal(str_of(ymap_get(r, "c"), "e"), "3");
	ydoc_release(&doc);
	/* with such blank lines about, whitespace inside a block scalar stays as it is */
	r = load_ok(&doc, "a: 1\n\t\nb: |\n  x\n  \t\n  \t# not a comment\n  y\nc: 2\n");
	assert_string_equal(str_of(r, "b"), "x\n\t\n\t# not a comment\ny\n");
	assert_string_equal(str_of(r, "c"), "2");
	ydoc_release(&doc);
	/* a tab-only line ends a block scalar like a blank line */
	r = load_ok(&doc, "a: |\n  x\n\t\nb: 1\n");
	assert_string_equal(str_of(r, "a"), "x\n");
	assert_string_equal(str_of(r, "b"), "1");
	ydoc_release(&doc);
	/*
	 * Tab-only lines inside 40 block scalars: every one is put back, refused
	 * by libyaml, evened out again; the passes stop at their limit and the
	 * file still loads, each line blank.
	 */
	for (int i = 0; i < 40; i++)
		strbuf_addf(&sb, "k%d: |\n  x\n\t\n  y\n", i);
	r = load_ok(&doc, sb.buf);
	assert_int_equal(r->n, 40);
	assert_string_equal(str_of(r, "k0"), "x\n\ny\n");
	assert_string_equal(str_of(r, "k39"), "x\n\ny\n");
	ydoc_release(&doc);
	strbuf_release(&sb);
}

static void test_bad_utf8_position(void **state)
{
	const char *src = "name: caf\xc3\xa9\ndescription: bad \xff byte\n";
	const char *over = "a: \xc0\xaf\n"; /* overlong '/' */

	(void)state;
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 2, 18,
		    "invalid UTF-8 byte 0xff (files must be UTF-8)");
	expect_fail(over, strlen(over), NULL, OTELSIM_EINPUT, 1, 4,
		    "invalid UTF-8 byte 0xc0 (files must be UTF-8)");
}

static void test_long_scalar_and_file(void **state)
{
	struct yaml_limits lim = { 64, 200000, 10, 16 << 20 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	expect_fail("a: 0123456789a\n", 15, &lim, OTELSIM_ELIMIT, 1, 4,
		    "string longer than 10 bytes");
	lim.max_scalar = 1 << 20;
	lim.max_file = 8;
	expect_fail("a: 123456\n", 10, &lim, OTELSIM_ELIMIT, 0, 0, "file larger than 8 bytes");
	/* the default scalar limit: 1 MiB */
	strbuf_addstr(&sb, "x: ");
	for (int i = 0; i < (1 << 20) + 1; i++)
		strbuf_addch(&sb, 'a');
	strbuf_addch(&sb, '\n');
	expect_fail(sb.buf, sb.len, NULL, OTELSIM_ELIMIT, 1, 4, "string longer than 1048576 bytes");
	strbuf_release(&sb);
}

static void test_multi_document(void **state)
{
	const char *src = "a: 1\n---\nb: 2\n";
	struct ydoc doc;

	(void)state;
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 2, 1,
		    "more than one YAML document in the file (remove the second '---')");
	/* one explicit document is fine */
	load_ok(&doc, "---\na: 1\n");
	assert_int_equal(doc.ndocs, 1);
	assert_ptr_equal(doc.docs[0], doc.root);
	ydoc_release(&doc);
}

static void test_several_documents(void **state)
{
	static const struct yaml_limits three = { 64, 1000, 1 << 20, 1 << 20, 3 };
	const char *src = "a: &x 1\n---\n- 2\n---\nb: *x\n";
	const char *four = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
	const char *trail = "a: 1\n---\n";
	struct otelsim_error err = { 0 };
	struct ydoc doc;

	(void)state;
	/* each document's root and start, in order; anchors do not cross documents */
	expect_fail(src, strlen(src), &three, OTELSIM_EINPUT, 5, 4,
		    "unknown YAML alias '*x' (no anchor of that name before it)");
	src = "a: 1\n--- # second\n- 2\n---\nb: 3\n";
	assert_int_equal(yaml_load_buffer("m.yaml", src, strlen(src), &three, &doc, &err), 0);
	assert_int_equal(doc.ndocs, 3);
	assert_ptr_equal(doc.root, doc.docs[0]);
	assert_int_equal(doc.docs[0]->type, YN_MAP);
	assert_int_equal(doc.docs[1]->type, YN_SEQ);
	assert_string_equal(ymap_get(doc.docs[2], "b")->str, "3");
	assert_int_equal(doc.starts[0].line, 1);
	assert_int_equal(doc.starts[1].line, 2);
	assert_int_equal(doc.starts[1].col, 1);
	assert_int_equal(doc.starts[2].line, 4);
	ydoc_release(&doc);
	/* past the limit, at the document that passes it */
	expect_fail(four, strlen(four), &three, OTELSIM_ELIMIT, 6, 1,
		    "more than 3 YAML documents in the file");
	/* a trailing '---' is an empty document (a null scalar) */
	assert_int_equal(yaml_load_buffer("m.yaml", trail, strlen(trail), &three, &doc, &err), 0);
	assert_int_equal(doc.ndocs, 2);
	assert_true(ynode_is_null(doc.docs[1]));
	ydoc_release(&doc);
}

static void test_unknown_alias(void **state)
{
	const char *src = "a: &x 1\nb: *y\n";

	(void)state;
	expect_fail(src, strlen(src), NULL, OTELSIM_EINPUT, 2, 4,
		    "unknown YAML alias '*y' (no anchor of that name before it)");
}

static void test_syntax_error(void **state)
{
	const char *src = "a: [1, 2\nb: 3\n";
	struct ydoc doc;
	struct otelsim_error err = { 0 };

	(void)state;
	assert_int_equal(yaml_load_buffer("t.yaml", src, strlen(src), NULL, &doc, &err),
			 OTELSIM_EINPUT);
	assert_non_null(strstr(err.message, "invalid YAML: "));
	assert_true(err.line >= 1);
	ydoc_release(&doc);
}

static void test_scalar_typing(void **state)
{
	struct ydoc doc;
	struct ynode *r;
	int64_t i = 0;
	double d = 0;
	bool b = false;

	(void)state;
	r = load_ok(&doc, "q: \"5\"\ns: '5'\np: 5\nf: 5.5\nt: true\nn: null\ne:\nh: 0x1f\n"
			  "big: 9223372036854775808\nneg: -9223372036854775808\nu: 1_000\n"
			  "w: 5 apples\nbt: !!binary aGk=\nblk: |\n  x\n");
	assert_int_equal(ynode_int(ymap_get(r, "q"), &i), -1);
	assert_true(ynode_is_string(ymap_get(r, "q")));
	assert_int_equal(ymap_get(r, "q")->quote, '"');
	assert_int_equal(ymap_get(r, "s")->quote, '\'');
	assert_true(ynode_is_string(ymap_get(r, "s")));
	assert_int_equal(ynode_int(ymap_get(r, "p"), &i), 0);
	assert_int_equal(i, 5);
	assert_false(ynode_is_string(ymap_get(r, "p")));
	assert_int_equal(ynode_int(ymap_get(r, "f"), &i), -1);
	assert_int_equal(ynode_double(ymap_get(r, "f"), &d), 0);
	assert_true(d == 5.5);
	assert_int_equal(ynode_bool(ymap_get(r, "t"), &b), 0);
	assert_true(b);
	assert_true(ynode_is_null(ymap_get(r, "n")));
	assert_true(ynode_is_null(ymap_get(r, "e")));
	assert_int_equal(ynode_int(ymap_get(r, "h"), &i), 0);
	assert_int_equal(i, 31);
	assert_int_equal(ynode_int(ymap_get(r, "big"), &i), -2);
	assert_int_equal(ynode_int(ymap_get(r, "neg"), &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(ynode_int(ymap_get(r, "u"), &i), -1);
	assert_true(ynode_is_string(ymap_get(r, "w")));
	assert_string_equal(ymap_get(r, "bt")->tag, "tag:yaml.org,2002:binary");
	assert_int_equal(ymap_get(r, "blk")->style, YS_BLOCK);
	assert_string_equal(ynode_kind(ymap_get(r, "q")), "a string");
	assert_string_equal(ynode_kind(ymap_get(r, "p")), "an integer");
	assert_string_equal(ynode_kind(ymap_get(r, "f")), "a number");
	assert_string_equal(ynode_kind(ymap_get(r, "t")), "a boolean");
	assert_string_equal(ynode_kind(ymap_get(r, "n")), "nothing (null)");
	assert_string_equal(ynode_kind(r), "a mapping");
	ydoc_release(&doc);
}

static void test_positions(void **state)
{
	struct ydoc doc;
	struct ynode *r, *v;
	int line, col;

	(void)state;
	r = load_ok(&doc, "name: x\nroot:\n  type: \"ab{{c}}\"\n  d: |\n    one\n    t{{wo\n"
			  "  é: plain {{x}}\n");
	v = ymap_get(r, "root");
	assert_int_equal(v->line, 3);
	assert_int_equal(v->col, 3);
	assert_int_equal(r->pairs[1].key->line, 2);
	assert_int_equal(r->pairs[1].key->col, 1);
	/* quoted: offset 2 is the first '{', one column after the quote */
	ynode_offset_pos(&doc, ymap_get(v, "type"), 2, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 12);
	/* block: second content line */
	ynode_offset_pos(&doc, ymap_get(v, "d"), 5, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(col, 6);
	/* escapes before the offset: the scalar's own position */
	ydoc_release(&doc);
	r = load_ok(&doc, "a: \"x\\ty{{z\"\nb: 'it''s {{z'\nc: one\n  two {{z\nd: 'ok {{z'\n");
	ynode_offset_pos(&doc, ymap_get(r, "a"), 4, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 4);
	ynode_offset_pos(&doc, ymap_get(r, "b"), 5, &line, &col);
	assert_int_equal(col, 4);
	ynode_offset_pos(&doc, ymap_get(r, "c"), 8, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 4);
	/* the part before an escape is still exact */
	ynode_offset_pos(&doc, ymap_get(r, "b"), 2, &line, &col);
	assert_int_equal(col, 7);
	ynode_offset_pos(&doc, ymap_get(r, "d"), 3, &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 8);
	ydoc_release(&doc);
	r = load_ok(&doc, "name: x\nroot:\n  type: \"ab{{c}}\"\n  d: |\n    one\n    t{{wo\n"
			  "  é: plain {{x}}\n");
	v = ymap_get(r, "root");
	/* a folded block: line breaks became spaces, so the block's own position */
	{
		struct ydoc d2;
		struct ynode *f = load_ok(&d2, "f: >\n  one\n  two {{x\n");

		ynode_offset_pos(&d2, ymap_get(f, "f"), 8, &line, &col);
		assert_int_equal(line, 1);
		assert_int_equal(col, 4);
		ydoc_release(&d2);
	}
	/* columns count characters, not bytes */
	ynode_offset_pos(&doc, ymap_get(v, "é"), 6, &line, &col);
	assert_int_equal(line, 7);
	assert_int_equal(col, 12);
	ydoc_release(&doc);
}

static void test_file_errors(void **state)
{
	struct ydoc doc;
	struct otelsim_error err = { 0 };
	char dir[] = "/tmp/otelsim-test-yaml-XXXXXX", loop[64];

	(void)state;
	assert_int_equal(yaml_load_file("tests/data/load/no-such-file.yaml", NULL, &doc, &err),
			 OTELSIM_EINPUT);
	assert_string_equal(err.file, "tests/data/load/no-such-file.yaml");
	assert_string_equal(err.message, "cannot read: No such file or directory");
	ydoc_release(&doc);
	/* a path the user can fix (a link loop, permission denied) is bad input (exit 2) */
	assert_non_null(mkdtemp(dir));
	snprintf(loop, sizeof(loop), "%s/loop.yaml", dir);
	assert_int_equal(symlink("loop.yaml", loop), 0);
	assert_int_equal(yaml_load_file(loop, NULL, &doc, &err), OTELSIM_EINPUT);
	assert_string_equal(err.message, "cannot read: Too many levels of symbolic links");
	ydoc_release(&doc);
	unlink(loop);
	rmdir(dir);
}

/* 100,000 keys in one mapping: the duplicate check is O(n log n). */
static void test_many_keys(void **state)
{
	struct yaml_limits lim = { 64, 300000, 1 << 20, 16 << 20 };
	struct strbuf sb = STRBUF_INIT;
	struct ydoc doc;
	struct otelsim_error err = { 0 };
	char buf[1200];

	(void)state;
	strbuf_addstr(&sb, "top:\n");
	for (int i = 0; i < 100000; i++)
		strbuf_addf(&sb, "  k%06d: %d\n", 99999 - i, i);
	if (yaml_load_buffer("ok.yaml", sb.buf, sb.len, &lim, &doc, &err))
		fail_msg("%s", otelsim_error_format(&err, buf, sizeof(buf)));
	assert_int_equal(ymap_get(doc.root, "top")->n, 100000);
	ydoc_release(&doc);
	/* two repeats: the one met first in the file, with both positions */
	strbuf_addstr(&sb, "  k000500: x\n  k099000: y\n  k000500: z\n");
	expect_fail(sb.buf, sb.len, &lim, OTELSIM_EINPUT, 100002, 3,
		    "duplicate key 'k000500' (first at line 99501, column 3)");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_aliases_within_budget_share_nodes),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_duplicate_keys_both_positions),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_tabs_yaml_allows),
		cmocka_unit_test(test_bad_utf8_position),
		cmocka_unit_test(test_long_scalar_and_file),
		cmocka_unit_test(test_multi_document),
		cmocka_unit_test(test_several_documents),
		cmocka_unit_test(test_unknown_alias),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_scalar_typing),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
