/*
 * load/: the key tables, config/config.yaml, the native dialect and
 * load_model. Bad files under tests/data/load/bad/ (scenarios) and
 * tests/data/load/badconfig/ (configs) carry their expected error on their
 * first line:
 *   # expect: LINE:COL: message           (OTELSIM_EINPUT)
 *   # expect(limit): LINE:COL: message    (OTELSIM_ELIMIT)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/gen.h"
#include "engine/template.h"
#include "load/template.h"
#include "load/load.h"
#include "load/schema.h"
#include "model/agent.h"
#include "model/model.h"
#include "util/strbuf.h"
#include "util/redact.h"
#include "util/text.h"

#define DATA "tests/data/load/"
#define BASE DATA "base.yaml"

static void fmt_err(const struct otelsim_error *e, char *buf, size_t n)
{
	otelsim_error_format(e, buf, n);
}

static void opts_default(struct load_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->config_path = "config/config.yaml";
	o->bundled_semconv = "conventions";
	o->bundled_dir = "scenarios";
}

static void load_expect_ok(const struct load_opts *o, struct model *m)
{
	struct otelsim_error err = { 0 };
	char buf[2048];

	if (load_model(o, m, &err)) {
		fmt_err(&err, buf, sizeof(buf));
		fail_msg("load failed: %s", buf);
	}
}

/* ---- bad files ---------------------------------------------------------------- */

struct expect {
	int code, line, col;
	char message[1024];
};

static void read_expect(const char *path, struct expect *e)
{
	FILE *f = fopen(path, "rb");
	char line[2048];
	const char *p;
	char *end;

	if (!f)
		fail_msg("cannot open %s", path);
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		fail_msg("%s: empty", path);
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "# expect: ", 10)) {
		e->code = OTELSIM_EINPUT;
		p = line + 10;
	} else if (!strncmp(line, "# expect(limit): ", 17)) {
		e->code = OTELSIM_ELIMIT;
		p = line + 17;
	} else {
		fail_msg("%s: first line is not '# expect: LINE:COL: message'", path);
		return;
	}
	e->line = (int)strtol(p, &end, 10);
	if (*end != ':')
		fail_msg("%s: bad expect line", path);
	e->col = (int)strtol(end + 1, &end, 10);
	if (end[0] != ':' || end[1] != ' ')
		fail_msg("%s: bad expect line", path);
	snprintf(e->message, sizeof(e->message), "%s", end + 2);
}

static size_t list_yaml(const char *dir, char names[][256], size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) && n < max) {
		size_t l = strlen(de->d_name);

		if (l > 5 && !strcmp(de->d_name + l - 5, ".yaml"))
			snprintf(names[n++], 256, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

static void check_error(const char *path, const struct expect *want, int rc,
			const struct otelsim_error *err)
{
	char buf[2048];

	fmt_err(err, buf, sizeof(buf));
	if (rc == 0)
		fail_msg("%s: loaded, expected %d:%d: %s", path, want->line, want->col,
			 want->message);
	if (rc != want->code || err->code != want->code || strcmp(err->message, want->message) ||
	    err->line != want->line || err->column != want->col || strcmp(err->file, path))
		fail_msg("%s:\n  got  [%s] %s\n  want [%s] %s:%d:%d: %s", path,
			 otelsim_code_name(rc), buf, otelsim_code_name(want->code), path,
			 want->line, want->col, want->message);
}

static void test_bad_scenarios(void **state)
{
	static char names[256][256];
	size_t n = list_yaml(DATA "bad", names, 256);

	(void)state;
	assert_true(n >= 40);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		const char *files[2];
		struct expect want;
		struct load_opts o;
		struct model m;
		struct otelsim_error err = { 0 };
		int rc;

		snprintf(path, sizeof(path), DATA "bad/%s", names[i]);
		read_expect(path, &want);
		opts_default(&o);
		files[0] = BASE;
		files[1] = path;
		o.files = files;
		o.nfiles = 2;
		rc = load_model(&o, &m, &err);
		model_release(&m);
		check_error(path, &want, rc, &err);
	}
}

/* trace-generator files, each alone beside the folder's _base.yaml */
static void test_bad_tracegen(void **state)
{
	static char names[128][256];
	size_t n = list_yaml(DATA "badtg", names, 128);

	(void)state;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		const char *files[1];
		struct expect want;
		struct load_opts o;
		struct model m;
		struct otelsim_error err = { 0 };
		int rc;

		if (names[i][0] == '_')
			continue;
		snprintf(path, sizeof(path), DATA "badtg/%.255s", names[i]);
		read_expect(path, &want);
		opts_default(&o);
		files[0] = path;
		o.files = files;
		o.nfiles = 1;
		rc = load_model(&o, &m, &err);
		model_release(&m);
		check_error(path, &want, rc, &err);
	}
}

/* _base.yaml: found in a folder above, errors at its own positions, checked on its own */
static void test_tracegen_base(void **state)
{
	static const char *const ok[] = { DATA "tgtree/sub/deeper/ok.yaml" };
	static const char *const bad[] = { DATA "tgtree/sub/bad.yaml" };
	static const char *const dup[] = { DATA "tgbase/a.yaml" };
	static const char *const alone[] = { DATA "tgtree/_base.yaml" };
	struct load_opts o;
	struct model m;
	struct otelsim_error err = { 0 };

	(void)state;
	opts_default(&o);
	o.scenarios_dir = DATA "tgtree"; /* a file below it sees the bases up to it */
	o.files = ok;
	o.nfiles = 1;
	load_expect_ok(&o, &m);
	assert_int_equal(m.nscenarios, 1);
	assert_string_equal(m.scenarios[0]->name, "ok");
	assert_int_equal(m.scenarios[0]->dialect, DIALECT_TRACEGEN);
	model_release(&m);
	/* the scenarios folder walk skips it; named on its own it is checked, no scenario */
	o.files = alone;
	load_expect_ok(&o, &m);
	assert_int_equal(m.nscenarios, 0);
	model_release(&m);
	assert_int_equal(load_file_kind(DATA "tgtree/_base.yaml"), LOAD_KIND_SCENARIO);
	o.files = bad;
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.file, DATA "tgtree/sub/bad.yaml");
	assert_int_equal(err.line, 5);
	assert_int_equal(err.column, 16);
	assert_string_equal(err.message,
			    "unknown service 'database' (add it to the services of " DATA
			    "tgtree/_base.yaml: frontend, backend)");
	o.files = dup;
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.file, DATA "tgbase/_base.yaml");
	assert_int_equal(err.line, 5);
	assert_int_equal(err.column, 5);
	assert_string_equal(err.message, "service 'api' is listed twice");
	/* the folder walk: the scenarios of both folders, not the bases */
	o.files = NULL;
	o.nfiles = 0;
	o.scenarios_dir = DATA "tgtree";
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.file, DATA "tgtree/sub/bad.yaml");
}

static void test_bad_configs(void **state)
{
	static char names[64][256];
	size_t n = list_yaml(DATA "badconfig", names, 64);

	(void)state;
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		struct expect want;
		struct load_opts o;
		struct model m;
		struct otelsim_error err = { 0 };
		int rc;

		snprintf(path, sizeof(path), DATA "badconfig/%s", names[i]);
		read_expect(path, &want);
		opts_default(&o);
		o.config_path = path;
		rc = load_model(&o, &m, &err);
		model_release(&m);
		check_error(path, &want, rc, &err);
	}
}

/* Load `text` as a scenario (or a config) from a temporary file. */
static int load_text(const char *text, bool config, struct model *m, struct otelsim_error *err,
		     char *path, size_t pathlen)
{
	struct load_opts o;
	const char *files[1];
	FILE *f;
	int fd;

	snprintf(path, pathlen, "/tmp/otelsim-test-load-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	opts_default(&o);
	if (config) {
		o.config_path = path;
	} else {
		files[0] = path;
		o.files = files;
		o.nfiles = 1;
	}
	return load_model(&o, m, err);
}

static void test_string_length_limit(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct model m;
	struct otelsim_error err = { 0 };
	char path[64];
	int rc;

	(void)state;
	strbuf_addstr(&sb, "name: t\nroot:\n  type: x\n  attributes:\n    long: ");
	for (int i = 0; i < 65537; i++)
		strbuf_addch(&sb, 'a');
	strbuf_addstr(&sb, "\n");
	rc = load_text(sb.buf, false, &m, &err, path, sizeof(path));
	model_release(&m);
	unlink(path);
	assert_int_equal(rc, OTELSIM_ELIMIT);
	assert_string_equal(err.message, "string longer than 65536 bytes");
	assert_int_equal(err.line, 5);
	assert_int_equal(err.column, 11);
	/* 65536 is fine */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "name: t\nroot:\n  type: x\n  attributes:\n    long: ");
	for (int i = 0; i < 65536; i++)
		strbuf_addch(&sb, 'a');
	strbuf_addstr(&sb, "\n");
	rc = load_text(sb.buf, false, &m, &err, path, sizeof(path));
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(m.scenarios[0]->root->attrs[0].gen.constant.u.s.len, 65536);
	model_release(&m);
	strbuf_release(&sb);
}

/* ---- the typo test: every key of every table ------------------------------------ */

/*
 * A minimal valid document reaching each table; "@" marks the line where a
 * misspelt key is inserted (at that indentation).
 */
struct table_doc {
	const char *table;
	bool config;
	const char *doc;
};

/*
 * The union tables (every parameter of every distribution) are walked only
 * when `distribution` is missing: their document is an error by itself.
 */
static bool is_union_table(const char *name)
{
	return !strcmp(name, "latency") || !strcmp(name, "count") ||
	       !strcmp(name, "attribute.distribution");
}

static const struct table_doc table_docs[] = {
	{ "config", true, "service:\n  name: x\n@\n" },
	{ "config.service", true, "service:\n  name: x\n  @\n" },
	{ "config.resource", true, "resource:\n  schema_url: x\n  @\n" },
	{ "config.scope", true, "scope:\n  name: x\n  @\n" },
	{ "scopes", true, "scopes:\n  db:\n    name: x\n  @\n" },
	{ "instrumentation_scope", true, "scopes:\n  db:\n    name: x\n    @\n" },
	{ "config.defaults", true, "defaults:\n  seed: 1\n  @\n" },
	{ "config.output", true, "output:\n  traces_per_record: 8\n  @\n" },
	{ "config.services.entry", true, "services:\n  svc:\n    version: 1\n    @\n" },
	{ "config.id_formats", true, "id_formats:\n  session_id: \"s_{hex:4}\"\n  @\n" },
	{ "config.tenants.entry", true, "tenants:\n  t:\n    id: x\n    @\n" },
	{ "config.agents.entry", true, "agents:\n  - id: a\n    @\n" },
	{ "config.happy_path_latency", true, "happy_path_latency:\n  default_variance: 0.2\n  @\n" },
	{ "config.tools_recommend", true, "tools_recommend:\n  tools_selected_count: 1\n  @\n" },
	{ "config.mcp_retry", true, "mcp_retry:\n  retry_policy: none\n  @\n" },
	{ "config.mcp_retry_templates.attempt", true,
	  "mcp_retry_templates:\n  t:\n    attempts:\n      - outcome: success\n        @\n" },
	{ "config.realistic_scenarios", true, "realistic_scenarios:\n  divisions: {}\n  @\n" },
	{ "config.control_plane", true, "control_plane:\n  latencies_ms: {}\n  @\n" },
	{ "config.mcp_servers.entry", true, "mcp_servers:\n  s:\n    mcp_server_uuid: u\n    @\n" },
	{ "config.mcp_servers.tool", true,
	  "mcp_servers:\n  s:\n    mcp_server_uuid: u\n    tools:\n      - name: n\n        "
	  "tool_uuid: u\n        @\n" },
	{ "config.conversation_samples.entry", true,
	  "conversation_samples:\n  w:\n    samples:\n      - {user_input: a, llm_response: b}\n  "
	  "  @\n" },
	{ "conversation.exchange", false,
	  "name: t\nconversation:\n  samples:\n    - user_input: a\n      llm_response: b\n      "
	  "@\nroot:\n  type: x\n" },
	{ "scenario.context", false,
	  "name: t\ncontext:\n  tenant: harbor\n  @\nroot:\n  type: x\n" },
	{ "scenario.conversation", false,
	  "name: t\nconversation:\n  samples:\n    - {user_input: a, llm_response: b}\n  "
	  "@\nroot:\n  "
	  "type: x\n" },
	{ "conversation.message", false,
	  "name: t\nconversation:\n  turns:\n    - role: user\n      text: a\n      @\n    - "
	  "{role: "
	  "assistant, text: b}\nroot:\n  type: x\n" },
	{ "scenario", false, "name: t\nroot:\n  type: x\n@\n" },
	{ "scenario.resource", false,
	  "name: t\nresource:\n  replace: true\n  @\nroot:\n  type: x\n" },
	{ "span", false, "name: t\nroot:\n  type: x\n  @\n" },
	{ "tracegen.scenario", false, "scenario_name: t\nroot_span:\n  operation: x\n@\n" },
	{ "tracegen.span", false, "root_span:\n  operation: x\n  @\n" },
	{ "tracegen.error_condition", false,
	  "root_span:\n  operation: x\n  error_conditions:\n    - probability: 1\n      type: E\n"
	  "      @\n" },
	{ "tracegen.base", false, "schema_version: 1\n@\n" },
	{ "dreamweaver", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n@\n" },
	{ "dreamweaver.traces", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n      @\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n" },
	{ "dreamweaver.metric", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n        @\n    logs:\n      - patterns: [p]\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n" },
	{ "dreamweaver.log", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\n        @\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n" },
	{ "dreamweaver.template", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\n    @\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n" },
	{ "dreamweaver.service", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\nservices:\n  - name: a\n    type: t\n    @\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n" },
	{ "dreamweaver.workload", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\n  @\noutput:\n  endpoint: h:1\n" },
	{ "dreamweaver.output", false,
	  "seed: s\ntemplates:\n  t:\n    traces:\n      span_kind: server\n      operations: [o]\n    metrics:\n      - name: m\n        type: counter\n    logs:\n      - patterns: [p]\nservices:\n  - name: a\n    type: t\nworkload:\n  rate: 1/s\n  duration: 1s\noutput:\n  endpoint: h:1\n  @\n" },
	{ "error", false,
	  "name: t\nroot:\n  type: x\n  error:\n    rate: 0.1\n    type: timeout\n    @\n" },
	{ "retry", false, "name: t\nroot:\n  type: x\n  retry:\n    max_attempts: 2\n    @\n" },
	{ "backoff", false,
	  "name: t\nroot:\n  type: x\n  retry:\n    backoff:\n      base_ms: 5\n      @\n" },
	{ "event", false, "name: t\nroot:\n  type: x\n  events:\n    - name: e\n      @\n" },
	{ "link", false, "name: t\nroot:\n  type: x\n  links:\n    - trace: previous\n      @\n" },
	{ "log", false, "name: t\nroot:\n  type: x\n  logs:\n    - body: b\n      @\n" },
	{ "timeline", false, "name: t\nroot:\n  type: x\ntimeline:\n  - at: 1s\n    name: deployment\n    @\n" },
	{ "phase", false,
	  "name: t\nduration: 1m\nrate: 1/s\nroot:\n  type: x\nphases:\n  - kind: latency\n    factor: 2\n"
	  "    @\n" },
	{ "latency", false, "name: t\nroot:\n  type: x\n  latency:\n    sigma: 1\n    @\n" },
	{ "latency.log_normal", false,
	  "name: t\nroot:\n  type: x\n  latency:\n    distribution: log_normal\n    median_ms: 5\n "
	  "   sigma: 1\n    @\n" },
	{ "latency.normal", false,
	  "name: t\nroot:\n  type: x\n  latency:\n    distribution: normal\n    mean_ms: 5\n    "
	  "stddev_ms: 1\n    @\n" },
	{ "latency.uniform", false,
	  "name: t\nroot:\n  type: x\n  latency:\n    distribution: uniform\n    min_ms: 1\n    "
	  "max_ms: 2\n    @\n" },
	{ "latency.exponential", false,
	  "name: t\nroot:\n  type: x\n  latency:\n    distribution: exponential\n    mean_ms: 5\n  "
	  "  @\n" },
	{ "latency.constant", false,
	  "name: t\nroot:\n  type: x\n  latency:\n    distribution: constant\n    ms: 5\n    @\n" },
	{ "latency.percentiles", false,
	  "name: t\nroot:\n  type: x\n  latency:\n    distribution: percentiles\n    p50_ms: 1\n   "
	  " p90_ms: 2\n    p99_ms: 3\n    max_ms: 4\n    @\n" },
	{ "count", false,
	  "name: t\nroot:\n  type: x\n  children:\n    - type: y\n      count:\n        mean: 1\n  "
	  "      @\n" },
	{ "count.poisson", false,
	  "name: t\nroot:\n  type: x\n  children:\n    - type: y\n      count:\n        "
	  "distribution: poisson\n        mean: 1\n        @\n" },
	{ "count.uniform", false,
	  "name: t\nroot:\n  type: x\n  children:\n    - type: y\n      count:\n        "
	  "distribution: uniform\n        min: 1\n        max: 2\n        @\n" },
	{ "count.fixed", false,
	  "name: t\nroot:\n  type: x\n  children:\n    - type: y\n      count:\n        "
	  "distribution: fixed\n        value: 1\n        @\n" },
	{ "attribute.distribution", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      sigma: 1\n      @\n" },
	{ "attribute.distribution.uniform", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      distribution: uniform\n      "
	  "min: 1\n      max: 2\n      @\n" },
	{ "attribute.distribution.normal", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      distribution: normal\n      "
	  "mean: 1\n      stddev: 2\n      @\n" },
	{ "attribute.distribution.log_normal", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      distribution: log_normal\n      "
	  "median: 1\n      sigma: 2\n      @\n" },
	{ "attribute.distribution.exponential", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      distribution: exponential\n     "
	  " mean: 1\n      @\n" },
	{ "attribute.distribution.poisson", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      distribution: poisson\n      "
	  "mean: 1\n      @\n" },
	{ "attribute.choice", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      choice: [p, q]\n      @\n" },
	{ "attribute.choice.item", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      choice:\n        - value: p\n   "
	  "       @\n" },
	{ "attribute.value", false,
	  "name: t\nroot:\n  type: x\n  attributes:\n    a:\n      value: 5\n      @\n" },
	{ "metric_rule", false, "name: t\nroot:\n  type: x\nmetrics:\n  - name: m\n    @\n" },
	{ "metric_series", false,
	  "name: t\nroot:\n  type: x\n  service: s\nseries:\n  - name: m\n    services: {s: 1}\n"
	  "    @\n" },
};

static bool is_yaml_word(const char *s)
{
	static const char *const words[] = { "null", "Null",  "NULL", "true", "false",
					     "True", "False", "TRUE", "FALSE" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

/* A one-letter misspelling of key whose only close (distance 1) name is key. */
static bool make_typo(const struct key_table *t, const char *key, char *out, size_t outlen)
{
	size_t len = strlen(key);

	if (len + 1 > outlen)
		return false;
	for (size_t pos = 0; pos < len; pos++) {
		if (key[pos] < 'a' || key[pos] > 'z')
			continue;
		for (char ch = 'a'; ch <= 'z'; ch++) {
			bool ok = true;

			if (ch == key[pos])
				continue;
			memcpy(out, key, len + 1);
			out[pos] = ch;
			if (is_yaml_word(out))
				continue;
			for (size_t i = 0; i < t->nkeys && ok; i++) {
				if (strcmp(t->keys[i].key, key) &&
				    edit_distance(out, t->keys[i].key, 2) <= 1)
					ok = false;
				if (t->keys[i].alias &&
				    edit_distance(out, t->keys[i].alias, 2) <= 1)
					ok = false;
			}
			if (ok)
				return true;
		}
	}
	return false;
}

static const struct table_doc *doc_for(const char *table)
{
	for (size_t i = 0; i < sizeof(table_docs) / sizeof(table_docs[0]); i++)
		if (!strcmp(table_docs[i].table, table))
			return &table_docs[i];
	return NULL;
}

static void test_typo_in_every_key(void **state)
{
	size_t ntables, tested = 0;
	const struct key_table *const *tables = schema_tables(&ntables);

	(void)state;
	assert_true(ntables >= 30);
	for (size_t ti = 0; ti < ntables; ti++) {
		const struct key_table *t = tables[ti];
		const struct table_doc *td = doc_for(t->name);
		const char *at;
		int line = 1, col;

		if (!td)
			fail_msg("no typo-test document for key table '%s'", t->name);
		at = strchr(td->doc, '@');
		for (const char *p = td->doc; p < at; p++)
			if (*p == '\n')
				line++;
		col = 1;
		for (const char *p = at; p > td->doc && p[-1] != '\n'; p--)
			col++;
		/* the document itself is valid */
		{
			struct strbuf sb = STRBUF_INIT;
			struct model m;
			struct otelsim_error err = { 0 };
			char path[64], buf[2048];
			int rc;

			strbuf_add(&sb, td->doc, (size_t)(at - td->doc));
			strbuf_addstr(&sb, at + 1);
			rc = load_text(sb.buf, td->config, &m, &err, path, sizeof(path));
			unlink(path);
			model_release(&m);
			strbuf_release(&sb);
			fmt_err(&err, buf, sizeof(buf));
			if (is_union_table(t->name)) {
				if (rc != OTELSIM_EINPUT ||
				    strcmp(err.message, "missing required key 'distribution'"))
					fail_msg("table '%s': base document: %s", t->name, buf);
			} else if (rc) {
				fail_msg("table '%s': base document fails: %s", t->name, buf);
			}
		}
		for (size_t ki = 0; ki < t->nkeys; ki++) {
			const char *key = t->keys[ki].key;
			char typo[128], want[256], buf[2048], path[64];
			struct strbuf sb = STRBUF_INIT;
			struct model m;
			struct otelsim_error err = { 0 };
			int rc;

			if (!make_typo(t, key, typo, sizeof(typo)))
				fail_msg("table '%s': no unambiguous typo for '%s'", t->name, key);
			strbuf_add(&sb, td->doc, (size_t)(at - td->doc));
			strbuf_addf(&sb, "%s: 1", typo);
			strbuf_addstr(&sb, at + 1);
			rc = load_text(sb.buf, td->config, &m, &err, path, sizeof(path));
			unlink(path);
			model_release(&m);
			strbuf_release(&sb);
			snprintf(want, sizeof(want), "unknown key '%s' (did you mean '%s'?)", typo,
				 key);
			fmt_err(&err, buf, sizeof(buf));
			if (rc != OTELSIM_EINPUT || strcmp(err.message, want) || err.line != line ||
			    err.column != col)
				fail_msg("table '%s', key '%s': got %s, want %d:%d: %s", t->name,
					 key, buf, line, col, want);
			tested++;
		}
	}
	assert_true(tested >= 150);
}

static void test_tables_document_themselves(void **state)
{
	size_t n;
	const struct key_table *const *t = schema_tables(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i]->desc);
		assert_true(t[i]->nkeys > 0);
		assert_ptr_equal(schema_table(t[i]->name), t[i]);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(t[i]->name, t[j]->name);
		for (size_t k = 0; k < t[i]->nkeys; k++) {
			const struct key_def *d = &t[i]->keys[k];

			if (!d->desc || !*d->desc)
				fail_msg("%s.%s has no description", t[i]->name, d->key);
			assert_true(d->type >= KT_STRING && d->type <= KT_ANY);
			assert_non_null(key_type_name(d->type));
			if (d->type == KT_ENUM)
				assert_non_null(d->members);
			for (size_t l = k + 1; l < t[i]->nkeys; l++)
				assert_string_not_equal(d->key, t[i]->keys[l].key);
		}
	}
	assert_null(schema_table("no.such.table"));
	assert_string_equal(key_type_name(KT_INT), "integer");
}

/* ---- good files ---------------------------------------------------------------- */

static const struct span_spec *child(const struct span_spec *s, uint32_t i)
{
	assert_true(i < s->nchildren);
	return &s->children[i];
}

static const struct attr_spec *attr(const struct span_spec *s, const char *key)
{
	for (uint32_t i = 0; i < s->nattrs; i++)
		if (!strcmp(s->attrs[i].key, key))
			return &s->attrs[i];
	fail_msg("span '%s' has no attribute '%s'", s->name, key);
	return NULL;
}

static const struct keyval *res_attr(const struct service *sv, const char *key)
{
	for (uint32_t i = 0; i < sv->nattrs; i++)
		if (!strcmp(sv->attrs[i].key, key))
			return &sv->attrs[i];
	return NULL;
}

static void assert_str_value(const struct value *v, const char *s)
{
	assert_int_equal(v->type, VAL_STRING);
	assert_int_equal(v->u.s.len, strlen(s));
	assert_memory_equal(v->u.s.ptr, s, v->u.s.len);
}

static uint32_t count_spans(const struct span_spec *s)
{
	uint32_t n = 1;

	for (uint32_t i = 0; i < s->nchildren; i++)
		n += count_spans(&s->children[i]);
	return n;
}

static void test_bundled_load(void **state)
{
	struct load_opts o;
	struct model m;
	static const char *const want[][3] = {
		{ "", "example_scenario", "" },
		{ "agentic", "agent_to_agent_call", "agentic" },
		{ "agentic", "agent_turn_with_rag", "agentic" },
		{ "agentic", "claim_multi_turn", "agentic" },
		{ "agentic", "claim_redacted", "agentic" },
		{ "agentic", "claim_status_phone_ungrounded_response", "agentic" },
		{ "agentic", "claim_status_phone_wrong_division", "agentic" },
		{ "agentic", "new_claim_phone", "agentic" },
		{ "agentic", "new_claim_phone_4xx_invalid_arguments", "agentic" },
		{ "agentic", "new_claim_phone_mcp_tool_retry_then_success", "agentic" },
		{ "agentic", "new_claim_phone_multi_turn", "agentic" },
		{ "agentic", "new_claim_phone_partial_workflow", "agentic" },
		{ "agentic", "successful_agent_turn", "agentic" },
		{ "agentic", "tool_retry", "agentic" },
		{ "agentic/control_plane", "request_allowed_audit_flagged", "agentic" },
		{ "agentic/control_plane", "request_blocked_by_policy", "agentic" },
		{ "agentic/control_plane", "request_blocked_invalid_context_augment_exception", "agentic" },
		{ "agentic/control_plane", "request_blocked_invalid_payload", "agentic" },
		{ "agentic/control_plane", "request_blocked_invalid_payload_multi", "agentic" },
		{ "agentic/control_plane", "request_blocked_policy_fail_closed", "agentic" },
		{ "agentic/control_plane", "request_blocked_rate_limited", "agentic" },
		{ "agentic/control_plane", "request_error_policy_runtime", "agentic" },
		{ "agentic/control_plane", "request_error_policy_unavailable", "agentic" },
		{ "bench", "agent_turn_7span", "bench" },
		{ "commerce", "checkout_flow", "commerce" },
		{ "dreamweaver", "example-config", "dreamweaver" },
		{ "tracegen", "01_api_gateway", "tracegen" },
		{ "tracegen", "02_billing_service", "tracegen" },
		{ "tracegen", "03_search_service", "tracegen" },
		{ "tracegen", "04_async_producer", "tracegen" },
		{ "tracegen", "05_async_consumer", "tracegen" },
		{ "tracegen", "06_grafana_tempo", "tracegen" },
		{ "tracegen", "07_analytics_batch", "tracegen" },
		{ "tracegen", "08_user_profile_update", "tracegen" },
		{ "tracegen", "09_configuration_service", "tracegen" },
		{ "tracegen", "10_search_service_slow", "tracegen" },
		{ "tracegen", "ecommerce_order", "tracegen" },
		{ "tracegen", "service_foo", "tracegen" },
		{ "triage", "normal", "triage" },
		{ "triage/incidents", "cascade", "triage" },
		{ "triage/incidents", "degradation", "triage" },
		{ "triage/incidents", "deployment", "triage" },
		{ "triage/incidents", "outage", "triage" },
		{ "triage/noise", "high_volume", "triage" },
		{ "triage/noise", "intermittent", "triage" },
		{ "triage/noise", "transient", "triage" },
	};

	(void)state;
	opts_default(&o);
	o.scenarios_dir = "scenarios/";
	load_expect_ok(&o, &m);
	assert_int_equal(m.nscenarios, 46);
	for (uint32_t i = 0; i < 46; i++) {
		const struct scenario *sc = m.scenarios[i];

		assert_string_equal(sc->rel_dir, want[i][0]);
		assert_string_equal(sc->name, want[i][1]);
		assert_string_equal(sc->category, want[i][2]);
		assert_int_equal(sc->reference, i == 0);
		assert_int_equal(strlen(sc->sha256), 64);
		assert_int_equal(sc->dialect, !strcmp(sc->category, "tracegen")      ? DIALECT_TRACEGEN
					      : !strcmp(sc->category, "dreamweaver") ? DIALECT_DREAMWEAVER
										     : DIALECT_NATIVE);
		/* the agentic ones and the reference run as agent sessions */
		assert_int_equal(sc->session != NULL, i == 0 || !strcmp(sc->category, "agentic"));
		assert_true(sc->stream != 0);
	}
	/* a display name finds its scenario too */
	assert_ptr_equal(model_find_scenario(&m, "E-commerce Order Processing"),
			 model_find_scenario(&m, "ecommerce_order"));
	assert_string_equal(model_find_scenario(&m, "ecommerce_order")->title,
			    "E-commerce Order Processing");
	assert_null(model_find_scenario(&m, "successful_agent_turn")->title);
	assert_string_equal(model_find_scenario(&m, "successful_agent_turn")->path,
			    "scenarios/agentic/successful_agent_turn.yaml");
	assert_ptr_equal(model_find_scenario(&m, "tool_retry"), m.scenarios[13]);
	/* seed 000's scenarios built from the config: a tree, and a cp.request root */
	assert_string_equal(model_find_scenario(&m, "new_claim_phone")->root->name,
			    "vendor.a2a.orchestrate");
	assert_string_equal(model_find_scenario(&m, "request_blocked_rate_limited")->root->name,
			    "cp.request");
	assert_int_equal(model_find_scenario(&m, "request_blocked_rate_limited")->root->nchildren,
			 1);
	/* config values */
	assert_string_equal(m.config.service_name, "otelsim");
	assert_string_equal(m.config.scope_name, "otelsim");
	assert_string_equal(m.config.scope_version, "0.1.0");
	assert_string_equal(m.config.schema_url, "https://opentelemetry.io/schemas/1.44.0");
	assert_int_equal(m.config.default_count, 100);
	assert_int_equal(m.config.default_interval_ns, 500000000);
	assert_int_equal(m.config.default_start_ns, 1767225600000000000LL);
	assert_int_equal(m.config.traces_per_record, 64);
	assert_int_equal(m.config.default_latency.kind, DIST_LOG_NORMAL);
	assert_true(m.config.default_latency.p1 == 20 && m.config.default_latency.p2 == 0.5);
	assert_true(m.config.gap.p1 == 0.3 && m.config.gap.p2 == 0.6);
	assert_int_equal(m.config.nresource_attrs, 3);
	assert_string_equal(m.config.resource_attrs[1].key, "vendor.module");
	assert_int_equal(m.max_spans_per_trace, 10000);
	model_release(&m);
}

static void test_successful_agent_turn_ir(void **state)
{
	struct load_opts o;
	struct model m;
	const char *files[] = { "scenarios/agentic/successful_agent_turn.yaml" };
	const struct scenario *sc;
	const struct span_spec *root, *planner, *llm, *tool;
	const struct attr_spec *a;
	const struct service *sv;

	(void)state;
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	o.vendor = "acme";
	load_expect_ok(&o, &m);
	assert_int_equal(m.nscenarios, 1);
	sc = m.scenarios[0];
	assert_string_equal(sc->name, "successful_agent_turn");
	assert_string_equal(sc->rel_dir, "");
	assert_int_equal(sc->reference, false);
	assert_true(sc->has_repeat_count && sc->repeat_count == 50);
	assert_true(sc->has_interval && sc->interval_ns == 500000000);
	assert_true(sc->weight == 8.0);
	assert_int_equal(sc->ntags, 4);
	assert_string_equal(sc->tags[3], "baseline");
	assert_true(sc->emit_logs); /* its span logs and exception records */
	assert_int_equal(sc->exceptions, EXCEPTIONS_LOG); /* the config's default */
	assert_true(sc->emit_metrics);
	assert_int_equal(sc->nmetric_rules, 5); /* its metrics: rules */
	assert_string_equal(sc->metric_rules[1].name, "gen_ai.client.token.usage");
	assert_int_equal(sc->metric_rules[1].value, MV_ATTR);
	assert_string_equal(sc->metric_rules[1].value_key, "gen_ai.usage.input_tokens");
	assert_int_equal(sc->metric_rules[1].nfixed, 1);
	assert_int_equal(sc->nvars, 0);
	/* an agent session: the config's tenant, agent, server and create_claim samples */
	assert_non_null(sc->session);
	assert_string_equal(sc->session->tenant_id, "3f6c2a8e-91d4-4b07-a5e3-6d2f0b9c7e14");
	assert_string_equal(sc->session->agent->id, "harbor-claims-assistant-01");
	assert_string_equal(sc->session->server->key, "claims");
	assert_string_equal(sc->session->workflow, "create_claim");
	assert_int_equal(sc->session->nturns, 0);
	assert_int_equal(sc->session->nsamples, 3);
	assert_int_equal(sc->session->redaction, 0);
	assert_int_equal(sc->session->samples[2].input_redacted.type, VAL_NONE);
	assert_true(sc->session->has_mcp);
	assert_int_equal(sc->max_spans, 7);
	root = sc->root;
	assert_int_equal(count_spans(root), 7);
	assert_int_equal(root->nlogs, 3); /* turn started, finished, failed */
	/* names after the vendor rewrite; kinds */
	assert_string_equal(root->name, "acme.a2a.orchestrate");
	assert_int_equal(root->kind, 2);
	planner = child(root, 0);
	llm = child(planner, 0);
	tool = child(root, 1);
	assert_string_equal(planner->name, "acme.planner");
	assert_int_equal(planner->kind, 1);
	assert_string_equal(llm->name, "acme.llm.call");
	assert_int_equal(llm->kind, 3);
	assert_string_equal(tool->name, "acme.mcp.tool.execute");
	assert_string_equal(child(tool, 0)->name, "acme.mcp.tool.execute.attempt");
	assert_string_equal(child(root, 2)->name, "acme.llm.call");
	assert_string_equal(child(root, 3)->name, "acme.response.compose");
	assert_int_equal(root->nchildren, 4);
	/* latency */
	assert_int_equal(root->latency.kind, DIST_LOG_NORMAL);
	assert_true(root->latency.p1 == 1500 && root->latency.p2 == 0.4);
	assert_int_equal(planner->count.kind, COUNT_FIXED);
	assert_int_equal(planner->count.n, 1);
	assert_true(planner->probability == 1.0);
	/* attributes: keys rewritten, kinds and types */
	assert_int_equal(root->nattrs, 1);
	assert_int_equal(root->role, SPAN_ROLE_NONE);
	assert_int_equal(llm->role, SPAN_ROLE_LLM);
	assert_int_equal(tool->role, SPAN_ROLE_MCP_TOOL);
	assert_int_equal(planner->role, SPAN_ROLE_NONE);
	a = attr(root, "acme.turn.status.code");
	assert_int_equal(a->gen.kind, GEN_CONST);
	assert_str_value(&a->gen.constant, "SUCCESS");
	assert_int_equal(a->pos.line, 32);
	assert_int_equal(a->pos.col, 5);
	assert_string_equal(a->pos.file, files[0]);
	a = attr(planner, "acme.planner.steps");
	assert_int_equal(a->gen.kind, GEN_DIST);
	assert_int_equal(a->gen.type, VAL_INT);
	assert_int_equal(a->gen.dist.kind, DIST_UNIFORM);
	assert_true(a->gen.dist.p1 == 2 && a->gen.dist.p2 == 5);
	a = attr(llm, "gen_ai.usage.input_tokens");
	assert_int_equal(a->gen.kind, GEN_DIST);
	assert_int_equal(a->gen.type, VAL_INT);
	a = attr(tool, "acme.retry.count");
	assert_int_equal(a->gen.kind, GEN_CONST);
	assert_int_equal(a->gen.constant.type, VAL_INT);
	assert_int_equal(a->gen.constant.u.i, 0);
	a = attr(llm, "gen_ai.operation.name");
	assert_str_value(&a->gen.constant, "chat");
	/* one service: a resource with the config's attributes */
	assert_int_equal(root->service, 0);
	assert_int_equal(planner->service, -1);
	assert_int_equal(m.nservices, 1);
	sv = &m.services[0];
	assert_string_equal(sv->name, "otelsim-agent");
	assert_int_equal(sv->nattrs, 7);
	assert_string_equal(sv->attrs[0].key, "service.name");
	assert_str_value(&sv->attrs[0].value, "otelsim-agent");
	assert_string_equal(sv->attrs[1].key, "deployment.environment.name");
	assert_string_equal(sv->attrs[2].key, "acme.module");
	assert_string_equal(sv->attrs[3].key, "acme.otel.source");
	/* what an SDK always sends: the config's default language (python) */
	assert_string_equal(sv->attrs[4].key, "telemetry.sdk.name");
	assert_str_value(&sv->attrs[4].value, "opentelemetry");
	assert_string_equal(sv->attrs[5].key, "telemetry.sdk.language");
	assert_str_value(&sv->attrs[5].value, "python");
	assert_string_equal(sv->attrs[6].key, "telemetry.sdk.version");
	assert_str_value(&sv->attrs[6].value, "1.38.0");
	model_release(&m);
}

static void test_bench_scenario_resource(void **state)
{
	struct load_opts o;
	struct model m;
	const char *files[] = { "scenarios/bench/agent_turn_7span.yaml" };
	static const char *const keys[] = {
		"service.name",  "service.version",  "deployment.environment.name",
		"vendor.module", "vendor.component", "telemetry.sdk.language"
	};
	static const char *const vals[] = { "otelsim-agent", "1.4.2",        "staging",
					    "data-plane",    "orchestrator", "nodejs" };
	static const int counts[] = { 7, 3, 6, 4, 2, 6, 2 };
	const struct scenario *sc;
	const struct span_spec *order[7];

	(void)state;
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	load_expect_ok(&o, &m);
	sc = m.scenarios[0];
	assert_int_equal(m.nservices, 1);
	assert_int_equal(m.services[0].nattrs, 6);
	for (int i = 0; i < 6; i++) {
		assert_string_equal(m.services[0].attrs[i].key, keys[i]);
		assert_str_value(&m.services[0].attrs[i].value, vals[i]);
	}
	assert_true(sc->weight == 0);
	assert_true(sc->interval_ns == 500000000 && sc->interval_jitter_ns == 0);
	assert_int_equal(sc->repeat_count, 20);
	order[0] = sc->root;
	order[1] = child(sc->root, 0);
	order[2] = child(order[1], 0);
	order[3] = child(sc->root, 1);
	order[4] = child(order[3], 0);
	order[5] = child(sc->root, 2);
	order[6] = child(sc->root, 3);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(order[i]->nattrs, counts[i]);
		assert_int_equal(order[i]->nerrors, 0);
		assert_false(order[i]->retry.enabled);
	}
	assert_string_equal(order[4]->name, "vendor.mcp.tool.execute.attempt");
	assert_int_equal(order[2]->latency.kind, DIST_LOG_NORMAL);
	assert_true(order[2]->latency.has_max && order[2]->latency.max == 180);
	/* the anchored llm attributes are shared, the same 6 on both calls */
	assert_ptr_not_equal(order[2]->attrs, order[5]->attrs);
	assert_string_equal(order[5]->attrs[5].key, "gen_ai.usage.output_tokens");
	model_release(&m);
}

static void test_checkout_flow(void **state)
{
	struct load_opts o;
	struct model m;
	const char *files[] = { "scenarios/commerce/checkout_flow.yaml" };
	const struct scenario *sc;
	const struct span_spec *checkout, *place, *inv, *pay_srv, *send;
	const struct keyval *kv;

	(void)state;
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	load_expect_ok(&o, &m);
	sc = m.scenarios[0];
	assert_int_equal(m.nservices, 3);
	assert_string_equal(m.services[sc->root->service].name, "frontend");
	checkout = child(child(sc->root, 0), 0);
	assert_string_equal(checkout->name, "POST /checkout");
	assert_string_equal(m.services[checkout->service].name, "checkout");
	kv = res_attr(&m.services[checkout->service], "service.namespace");
	assert_non_null(kv);
	assert_str_value(&kv->value, "shop");
	kv = res_attr(&m.services[checkout->service], "service.version");
	assert_str_value(&kv->value, "1.9.3");
	place = child(checkout, 0);
	assert_true(place->parallel);
	assert_int_equal(place->nchildren, 4);
	inv = child(place, 1);
	assert_int_equal(inv->count.kind, COUNT_POISSON);
	assert_true(inv->count.mean == 2.5);
	assert_int_equal(inv->count.max, 12);
	assert_int_equal(inv->latency.kind, DIST_PERCENTILES);
	assert_true(inv->latency.pct[3] == 40);
	assert_int_equal(inv->kind, 3);
	pay_srv = child(child(place, 2), 0);
	assert_string_equal(m.services[pay_srv->service].name, "payment");
	assert_true(pay_srv->nerrors == 1 && pay_srv->errors[0].propagate == ERR_MARK_ANCESTORS);
	assert_true(pay_srv->errors[0].rate == 0.02);
	assert_string_equal(pay_srv->errors[0].type, "unavailable");
	assert_non_null(pay_srv->errors[0].message_tmpl);
	assert_int_equal(attr(pay_srv, "app.payment.method")->gen.kind, GEN_CHOICE);
	assert_int_equal(attr(pay_srv, "app.payment.method")->gen.nchoices, 3);
	assert_true(attr(pay_srv, "app.payment.method")->gen.cum_weights[2] == 0.82 + 0.15 + 0.03);
	assert_int_equal(attr(pay_srv, "app.payment.amount")->gen.decimals, 2);
	assert_int_equal(attr(pay_srv, "app.payment.amount")->gen.type, VAL_DOUBLE);
	assert_int_equal(pay_srv->nevents, 1);
	assert_true(pay_srv->events[0].is_frac && pay_srv->events[0].offset_frac == 0.9);
	send = child(checkout, 1);
	assert_int_equal(send->kind, 4);
	assert_int_equal(attr(send, "server.port")->gen.constant.type, VAL_INT);
	/* http.response.status_code: an int constant; a lone template of an int attr is typed int */
	assert_int_equal(attr(sc->root, "http.response.status_code")->gen.constant.u.i, 200);
	assert_int_equal(attr(place, "app.order.items")->gen.type, VAL_INT);
	assert_true(sc->interval_jitter_ns == 50000000);
	assert_int_equal(sc->max_spans, 21);
	model_release(&m);
}

static void test_example_scenario_every_form(void **state)
{
	struct load_opts o;
	struct model m;
	const char *files[] = { "scenarios/example_scenario.yaml" };
	const struct scenario *sc;
	const struct span_spec *r, *llm, *tool, *compose;
	const struct value *v;

	(void)state;
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	o.vendor = "acme";
	load_expect_ok(&o, &m);
	sc = m.scenarios[0];
	r = sc->root;
	/* reference only when the bundled folder is given and it is the file */
	assert_true(sc->reference);
	assert_true(sc->has_seed && sc->seed == 42);
	/* the root's own scope; the LLM call's from the scenario's scopes: */
	assert_string_equal(m.scopes[r->scope].name, "example.orchestrator");
	assert_string_equal(m.scopes[r->scope].version, "1.0.0");
	assert_non_null(sc->scope_kinds);
	assert_string_equal(sc->scope_kinds[SCOPE_GEN_AI].version, "2.2b0");
	assert_int_equal(sc->nvars, 4);
	assert_int_equal(sc->vars[1].gen.kind, GEN_CHOICE);
	assert_int_equal(sc->vars[3].gen.type, VAL_INT);
	assert_int_equal(attr(r, "example.lone_var")->gen.type, VAL_INT);
	assert_int_equal(attr(r, "example.lone_int")->gen.type, VAL_INT);
	assert_int_equal(attr(r, "example.template")->gen.type, VAL_STRING);
	v = &attr(r, "example.bytes")->gen.constant;
	assert_int_equal(v->type, VAL_BYTES);
	assert_int_equal(v->u.s.len, 5);
	assert_memory_equal(v->u.s.ptr, "hello", 5);
	v = &attr(r, "example.kvlist")->gen.constant;
	assert_int_equal(v->type, VAL_KVLIST);
	assert_int_equal(v->u.kv.n, 3);
	assert_int_equal(v->u.kv.items[1].value.type, VAL_ARRAY);
	v = &attr(r, "example.array")->gen.constant;
	assert_int_equal(v->type, VAL_ARRAY);
	assert_int_equal(v->u.arr.n, 2);
	assert_str_value(&attr(r, "example.forced_string")->gen.constant, "8080");
	assert_true(attr(r, "example.double")->gen.constant.u.d == 0.25);
	assert_int_equal(attr(r, "example.bool")->gen.constant.type, VAL_BOOL);
	assert_int_equal(attr(r, "example.uniform")->gen.type, VAL_INT);
	assert_int_equal(attr(r, "example.normal")->gen.type, VAL_DOUBLE);
	assert_int_equal(attr(r, "example.normal")->gen.decimals, 1);
	assert_true(attr(r, "example.normal")->gen.dist.has_min);
	assert_int_equal(attr(r, "example.log_normal")->gen.type, VAL_INT);
	assert_int_equal(attr(r, "example.poisson")->gen.dist.kind, DIST_POISSON);
	assert_int_equal(attr(r, "example.weighted_list")->gen.choices[1].u.i, 503);
	assert_true(attr(r, "example.weighted_list")->gen.cum_weights[1] == 100);
	assert_int_equal(r->nevents, 2);
	assert_string_equal(r->events[0].name, "acme.turn.received");
	assert_true(r->events[1].probability == 0.5);
	assert_true(r->nerrors == 1 && r->errors[0].rate == 0.01);
	llm = child(r, 1);
	assert_int_equal(llm->count.kind, COUNT_POISSON);
	assert_int_equal(llm->count.max, 4);
	assert_int_equal(llm->latency.kind, DIST_PERCENTILES);
	tool = child(r, 2);
	assert_true(tool->retry.enabled && tool->retry.force_initial_failure);
	assert_int_equal(tool->retry.max_attempts, 3);
	assert_int_equal(tool->retry.nsuccess_rate, 3);
	assert_true(tool->retry.success_rate[1] == 0.75);
	assert_true(tool->retry.backoff_base_ms == 100 && tool->retry.backoff_multiplier == 2);
	assert_string_equal(tool->retry.error_type, "timeout");
	assert_int_equal(tool->latency.kind, DIST_NORMAL);
	assert_true(tool->latency.has_min && tool->latency.min == 5);
	compose = child(r, 3);
	assert_int_equal(compose->nlinks, 3);
	assert_int_equal(compose->links[0].kind, LINK_SPAN);
	assert_string_equal(compose->links[0].span_name, "acme.planner");
	assert_int_equal(compose->links[1].kind, LINK_PREVIOUS_TRACE);
	assert_int_equal(compose->links[1].nattrs, 1);
	assert_int_equal(compose->links[2].kind, LINK_CONST);
	assert_int_equal(compose->links[2].trace_id[0], 0x4b);
	assert_int_equal(compose->links[2].span_id[7], 0xb7);
	assert_true(child(r, 0)->probability == 0.9);
	assert_int_equal(child(r, 0)->latency.kind, DIST_CONSTANT);
	/* two services, each with the scenario's resource attributes */
	assert_int_equal(m.nservices, 2);
	assert_string_equal(m.services[child(r, 4)->service].name, "example-queue");
	assert_non_null(res_attr(&m.services[0], "acme.component"));
	assert_non_null(res_attr(&m.services[0], "acme.module"));
	model_release(&m);
}

static void test_vendor_default_keeps_names(void **state)
{
	struct load_opts o;
	struct model m;
	const char *files[] = { "scenarios/agentic/tool_retry.yaml" };
	const struct span_spec *tool;

	(void)state;
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	load_expect_ok(&o, &m);
	assert_string_equal(m.vendor, "vendor");
	assert_string_equal(m.scenarios[0]->root->name, "vendor.a2a.orchestrate");
	tool = child(m.scenarios[0]->root, 1);
	assert_string_equal(tool->attrs[0].key, "vendor.mcp.tool.name");
	assert_string_equal(attr(tool, "mcp.method.name")->key, "mcp.method.name");
	assert_true(tool->retry.enabled);
	assert_int_equal(m.scenarios[0]->max_spans, 9);
	model_release(&m);
}

static void test_max_spans_option_and_bad_vendor(void **state)
{
	struct load_opts o;
	struct model m;
	struct otelsim_error err = { 0 };
	const char *files[] = { "scenarios/agentic/tool_retry.yaml" };

	(void)state;
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	o.max_spans_per_trace = 8;
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_ELIMIT);
	model_release(&m);
	assert_string_equal(err.message,
			    "worst case of 9 spans per trace is above --max-spans-per-trace (8)");
	assert_int_equal(err.line, 25); /* the root span: its subtree passes the limit */
	assert_int_equal(err.column, 3);
	o.max_spans_per_trace = 9;
	load_expect_ok(&o, &m);
	model_release(&m);
	o.vendor = "ac me";
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_EUSAGE);
	model_release(&m);
	assert_string_equal(err.message,
			    "vendor prefix 'ac me' must be names of letters, digits, '_' or '-' "
			    "joined by single dots (like acme or com.acme), at most 64 characters");
}

/* One rule for --vendor (cli/opts.c checks it early) and the loader. */
static void test_vendor_rule(void **state)
{
	static const char *const good[] = {
		"acme",
		"acme_corp",
		"Acme-2",
		"com.acme",
		"com.acme.shop",
		"x",
		"a234567890123456789012345678901234567890123456789012345678901234", /* 64 */
	};
	static const char *const bad[] = {
		"",
		"a..b",
		".acme",
		"acme.",
		".",
		"ac me",
		"acme/x",
		"acme*",
		"caf\xc3\xa9",
		"a2345678901234567890123456789012345678901234567890123456789012345", /* 65 */
	};
	struct load_opts o;
	struct model m;
	struct otelsim_error err = { 0 };
	const char *files[] = { "scenarios/agentic/tool_retry.yaml" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (load_check_vendor(good[i], &err))
			fail_msg("'%s' refused: %s", good[i], err.message);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (load_check_vendor(bad[i], &err) != OTELSIM_EUSAGE)
			fail_msg("'%s' accepted", bad[i]);
	assert_string_equal(
		err.message,
		"vendor prefix 'a2345678901234567890123456789012345678901234567890123456789012345' "
		"must be names of letters, digits, '_' or '-' joined by single dots (like "
		"acme or com.acme), at most 64 characters");
	assert_int_equal(load_check_vendor(NULL, NULL), OTELSIM_EUSAGE);
	/* a dotted prefix loads and renames (it used to pass the parser, then fail here) */
	opts_default(&o);
	o.files = files;
	o.nfiles = 1;
	o.vendor = "com.acme";
	load_expect_ok(&o, &m);
	assert_string_equal(m.scenarios[0]->root->name, "com.acme.a2a.orchestrate");
	assert_string_equal(child(m.scenarios[0]->root, 1)->attrs[0].key, "com.acme.mcp.tool.name");
	model_release(&m);
	o.vendor = "a..b";
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_EUSAGE);
	model_release(&m);
}

static void test_without_conventions_or_config(void **state)
{
	struct load_opts o;
	struct model m;
	struct otelsim_error err = { 0 };
	const char *files[] = { DATA "bad/error_type_vendor.yaml" };

	(void)state;
	/* no registry: any error type; no config: the built-in defaults */
	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 1;
	assert_int_equal(load_model(&o, &m, &err), 0);
	assert_null(m.semconv);
	assert_string_equal(m.scenarios[0]->root->errors[0].type, "timout");
	assert_int_equal(m.scenarios[0]->root->kind, 0);
	assert_string_equal(m.config.service_name, "otelsim");
	assert_int_equal(m.config.nresource_attrs, 0);
	assert_int_equal(m.config.default_count, 100);
	assert_string_equal(m.services[0].name, "otelsim");
	assert_int_equal(m.services[0].nattrs, 4); /* service.name, telemetry.sdk.* */
	assert_false(m.scenarios[0]->reference);
	model_release(&m);
	/* --service-name names the root's default service */
	o.service_name = "cli-svc";
	assert_int_equal(load_model(&o, &m, &err), 0);
	assert_string_equal(m.services[0].name, "cli-svc");
	model_release(&m);
}

static void test_kind_from_conventions_and_forms(void **state)
{
	struct model m;
	struct otelsim_error err = { 0 };
	char path[64], buf[2048];
	int rc;

	(void)state;
	rc = load_text(
		"name: k\nvars:\n  v: {choice: [a]}\nroot:\n  type: vendor.llm.call\n  children:\n"
		"    - {type: y, kind: SPAN_KIND_CONSUMER}\n    - {type: z, kind: Producer}\n"
		"    - {type: vendor.planner, latency: 7.5, count: {distribution: fixed, value: "
		"3}}\n"
		"    - {type: w, count: {distribution: poisson, mean: 2}}\n"
		"    - {type: \"vendor.step.{{vars.v}}\"}\n",
		false, &m, &err, path, sizeof(path));
	unlink(path);
	fmt_err(&err, buf, sizeof(buf));
	if (rc)
		fail_msg("%s", buf);
	assert_int_equal(m.scenarios[0]->root->kind, 3); /* CLIENT, from the conventions */
	assert_int_equal(child(m.scenarios[0]->root, 0)->kind, 5);
	assert_int_equal(child(m.scenarios[0]->root, 1)->kind, 4);
	assert_int_equal(child(m.scenarios[0]->root, 2)->kind, 1);
	assert_int_equal(child(m.scenarios[0]->root, 2)->latency.kind, DIST_CONSTANT);
	assert_true(child(m.scenarios[0]->root, 2)->latency.p1 == 7.5);
	assert_int_equal(child(m.scenarios[0]->root, 2)->count.n, 3);
	/* poisson without max: ceil(mean * 4 + 10) */
	assert_int_equal(child(m.scenarios[0]->root, 3)->count.max, 18);
	assert_int_equal(m.scenarios[0]->max_spans, 1 + 1 + 1 + 3 + 18 + 1);
	assert_null(child(m.scenarios[0]->root, 3)->name_tmpl);
	assert_non_null(child(m.scenarios[0]->root, 4)->name_tmpl);
	model_release(&m);
	/* a templated span type is emitted with the vendor prefix too */
	{
		struct load_opts o;
		const char *files[1];
		struct value out;
		struct value vars[1];
		struct rng r;
		struct tmpl_ctx ctx;
		FILE *f;
		int fd;

		snprintf(path, sizeof(path), "/tmp/otelsim-test-load-XXXXXX");
		fd = mkstemp(path);
		f = fdopen(fd, "wb");
		fputs("name: k\nvars:\n  v: {choice: [a]}\nroot:\n  type: "
		      "\"vendor.step.{{vars.v}}\"\n",
		      f);
		fclose(f);
		opts_default(&o);
		files[0] = path;
		o.files = files;
		o.nfiles = 1;
		o.vendor = "acme";
		load_expect_ok(&o, &m);
		unlink(path);
		assert_string_equal(m.scenarios[0]->root->name, "acme.step.{{vars.v}}");
		vars[0].type = VAL_STRING;
		vars[0].u.s.ptr = "a";
		vars[0].u.s.len = 1;
		memset(&ctx, 0, sizeof(ctx));
		rng_seed(&r, 1, 2, 3);
		ctx.rng = &r;
		ctx.arena = &m.arena;
		ctx.vars = vars;
		assert_int_equal(tmpl_eval(m.scenarios[0]->root->name_tmpl, &ctx, &out), 0);
		assert_int_equal(out.u.s.len, 11);
		assert_memory_equal(out.u.s.ptr, "acme.step.a", 11);
		model_release(&m);
	}
}

static void test_directory_walk(void **state)
{
	struct load_opts o;
	struct model m;
	struct otelsim_error err = { 0 };
	static const char *const want[][3] = {
		{ "", "top", "" },
		{ "alpha", "b", "alpha" },
		{ "alpha/deep", "a_c", "alpha" },
		{ "beta", "z", "beta" },
	};

	(void)state;
	memset(&o, 0, sizeof(o));
	o.scenarios_dir = DATA "tree";
	load_expect_ok(&o, &m);
	assert_int_equal(m.nscenarios, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(m.scenarios[i]->rel_dir, want[i][0]);
		assert_string_equal(m.scenarios[i]->name, want[i][1]);
		assert_string_equal(m.scenarios[i]->category, want[i][2]);
	}
	assert_string_equal(m.scenarios[2]->path, DATA "tree/alpha/deep/c.yaml");
	/* one resource shared by all four */
	assert_int_equal(m.nservices, 1);
	model_release(&m);
	o.scenarios_dir = DATA "no-such-dir";
	assert_int_equal(load_model(&o, &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.file, DATA "no-such-dir");
	assert_string_equal(err.message,
			    "cannot read the scenarios folder: No such file or directory");
}

static void test_template_positions_in_block_scalars(void **state)
{
	struct model m;
	struct otelsim_error err = { 0 };
	char path[64];
	int rc;

	(void)state;
	rc = load_text("name: t\nroot:\n  type: x\n  attributes:\n    note: |\n      first line\n"
		       "      then {{random.nope}}\n",
		       false, &m, &err, path, sizeof(path));
	unlink(path);
	model_release(&m);
	assert_int_equal(rc, OTELSIM_EINPUT);
	assert_int_equal(err.line, 7);
	assert_int_equal(err.column, 14);
	assert_non_null(strstr(err.message, "'random.nope'"));
	assert_non_null(strstr(err.message, "at position 19 of the string"));
}

static void test_parent_refs_follow_the_vendor(void **state)
{
	static const char *const vendors[] = { "vendor", "acme", "longer_vendor" };
	const char *text = "name: t\nroot:\n  type: x\n  attributes:\n"
			   "    vendor.session.id: p\n  children:\n    - type: y\n"
			   "      attributes:\n"
			   "        vendor.s: \"{{parent.attributes.vendor.session.id}}\"\n"
			   "        bad: \"{{parent.attributes.vendor.x}} {{random.nope}}\"\n";

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct load_opts o;
		struct model m;
		struct otelsim_error err = { 0 };
		const char *files[1];
		char path[64], key[64];
		struct keyval parent;
		struct value out;
		struct rng r;
		struct tmpl_ctx ctx;
		FILE *f;
		int fd;

		snprintf(path, sizeof(path), "/tmp/otelsim-test-load-XXXXXX");
		fd = mkstemp(path);
		assert_true(fd >= 0);
		f = fdopen(fd, "wb");
		fputs(text, f);
		fclose(f);
		opts_default(&o);
		files[0] = path;
		o.files = files;
		o.nfiles = 1;
		o.vendor = vendors[i];
		/* the error offset is the file's, whatever the prefix's length */
		assert_int_equal(load_model(&o, &m, &err), OTELSIM_EINPUT);
		model_release(&m);
		assert_int_equal(err.line, 10);
		assert_int_equal(err.column, 48);
		assert_non_null(strstr(err.message, "at position 34 of the string"));
		/* without the bad attribute, the reference reads <vendor>.session.id */
		f = fopen(path, "wb");
		fwrite(text, 1, strstr(text, "        bad:") - text, f);
		fclose(f);
		load_expect_ok(&o, &m);
		unlink(path);
		snprintf(key, sizeof(key), "%s.session.id", vendors[i]);
		parent.key = key;
		parent.key_len = (uint32_t)strlen(key);
		parent.value.type = VAL_STRING;
		parent.value.u.s.ptr = "S1";
		parent.value.u.s.len = 2;
		memset(&ctx, 0, sizeof(ctx));
		rng_seed(&r, 1, 2, 3);
		ctx.rng = &r;
		ctx.arena = &m.arena;
		ctx.parent_attrs = &parent;
		ctx.nparent_attrs = 1;
		assert_int_equal(
			tmpl_eval(m.scenarios[0]->root->children[0].attrs[0].gen.tmpl, &ctx, &out),
			0);
		assert_int_equal(out.type, VAL_STRING);
		assert_int_equal(out.u.s.len, 2);
		assert_memory_equal(out.u.s.ptr, "S1", 2);
		model_release(&m);
	}
}

/* Load `text` with the given vendor prefix from a temporary file. */
static int load_text_vendor(const char *text, const char *vendor, struct model *m,
			    struct otelsim_error *err)
{
	struct load_opts o;
	const char *files[1];
	char path[64];
	FILE *f;
	int fd, rc;

	snprintf(path, sizeof(path), "/tmp/otelsim-test-load-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	opts_default(&o);
	files[0] = path;
	o.files = files;
	o.nfiles = 1;
	o.vendor = vendor;
	rc = load_model(&o, m, err);
	unlink(path);
	return rc;
}

/*
 * 95,000 attribute keys (190,000 YAML nodes, under the 200,000 limit): the
 * duplicate checks of the YAML layer and of the vendor rewrite are
 * O(n log n); they were quadratic (45 s for a file like this).
 */
static void test_many_attribute_keys(void **state)
{
	enum { NKEYS = 95000 };
	struct strbuf sb = STRBUF_INIT;
	struct model m;
	struct otelsim_error err = { 0 };
	char buf[2048];
	size_t head;

	(void)state;
	strbuf_addstr(&sb, "name: t\nroot:\n  type: x\n  attributes:\n");
	head = sb.len;
	for (int i = 0; i < NKEYS; i++)
		strbuf_addf(&sb, "    vendor.k%06d: v\n", i);
	if (load_text_vendor(sb.buf, "acme", &m, &err)) {
		fmt_err(&err, buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	assert_int_equal(m.scenarios[0]->root->nattrs, NKEYS);
	assert_string_equal(m.scenarios[0]->root->attrs[NKEYS - 1].key, "acme.k094999");
	model_release(&m);
	/* the same key again at the end: both positions */
	strbuf_addstr(&sb, "    vendor.k000007: w\n");
	assert_int_equal(load_text_vendor(sb.buf, "acme", &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.message,
			    "duplicate key 'vendor.k000007' (first at line 12, column 5)");
	assert_int_equal(err.line, 5 + NKEYS);
	assert_int_equal(err.column, 5);
	/* a key that only collides after the vendor rewrite */
	sb.len = head;
	for (int i = 0; i < NKEYS - 1; i++)
		strbuf_addf(&sb, "    vendor.k%06d: v\n", i);
	strbuf_addstr(&sb, "    acme.k000003: w\n");
	assert_int_equal(load_text_vendor(sb.buf, "acme", &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.message,
			    "attribute 'acme.k000003' is given twice (first at line 8, column 5)");
	assert_int_equal(err.line, 4 + NKEYS);
	assert_int_equal(err.column, 5);
	strbuf_release(&sb);
}

/* Resource attributes: a repeat after the rewrite, and 'service.name', in file order. */
static void test_resource_attribute_repeats(void **state)
{
	struct model m;
	struct otelsim_error err = { 0 };

	(void)state;
	assert_int_equal(load_text_vendor("name: t\nresource:\n  attributes:\n    vendor.a: 1\n"
					  "    acme.a: 2\n    service.name: x\nroot:\n  type: x\n",
					  "acme", &m, &err),
			 OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.message, "attribute 'acme.a' is given twice");
	assert_int_equal(err.line, 5);
	assert_int_equal(err.column, 5);
	assert_int_equal(load_text_vendor("name: t\nresource:\n  attributes:\n    vendor.a: 1\n"
					  "    service.name: x\n    acme.a: 2\nroot:\n  type: x\n",
					  "acme", &m, &err),
			 OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.message, "'service.name' comes from the spans' 'service' (and the "
					 "config's service name), not from resource attributes");
	assert_int_equal(err.line, 5);
}

/*
 * !!binary values: the standard alphabet only, whitespace anywhere,
 * padding optional but exact when given; a bad character is reported by
 * its 1-based position in the scalar (whitespace counted).
 */
static void test_binary_values(void **state)
{
	static const struct {
		const char *b64;
		const char *bytes; /* NULL: an error */
		size_t len;
		const char *msg;
	} cases[] = {
		{ "aGVsbG8=", "hello", 5, NULL },
		{ "aGVsbG8", "hello", 5, NULL },
		{ "aGk=", "hi", 2, NULL },
		{ "aGk", "hi", 2, NULL },
		{ "YQ==", "a", 1, NULL },
		{ "YQ", "a", 1, NULL },
		{ "QUJD", "ABC", 3, NULL },
		{ "", "", 0, NULL },
		{ "aG Vs\\tbG8\\n=", "hello", 5, NULL },
		{ "aGk= ", "hi", 2, NULL },
		{ "+/8=", "\xfb\xff", 2, NULL },
		{ "YR", "a", 1, NULL }, /* leftover bits are not checked */
		{ "a#b=", NULL, 0, "invalid base64 in a bytes value (character 2)" },
		{ "aG-k", NULL, 0, "invalid base64 in a bytes value (character 3)" },
		{ "aG_k", NULL, 0, "invalid base64 in a bytes value (character 3)" },
		{ "aGk=x", NULL, 0, "invalid base64 in a bytes value (character 5)" },
		{ "aG=k", NULL, 0, "invalid base64 in a bytes value (character 4)" },
		{ "a b#", NULL, 0, "invalid base64 in a bytes value (character 4)" },
		{ "a", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "a===", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "aGk==", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "YQ=", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "QUJD=", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "=", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "QUJD====", NULL, 0, "invalid base64 in a bytes value (bad length)" },
		{ "a#", NULL, 0, "invalid base64 in a bytes value (character 2)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct otelsim_error err = { 0 };
		struct model m;
		char text[256], path[64];
		int rc;

		snprintf(text, sizeof(text),
			 "name: t\nroot:\n  type: x\n  attributes:\n    x: !!binary \"%s\"\n",
			 cases[i].b64);
		rc = load_text(text, false, &m, &err, path, sizeof(path));
		unlink(path);
		if (cases[i].bytes) {
			const struct value *v;

			if (rc)
				fail_msg("case %zu: %s", i, err.message);
			v = &m.scenarios[0]->root->attrs[0].gen.constant;
			assert_int_equal(v->type, VAL_BYTES);
			assert_int_equal(v->u.s.len, cases[i].len);
			assert_memory_equal(v->u.s.ptr, cases[i].bytes, cases[i].len);
		} else {
			assert_int_equal(rc, OTELSIM_EINPUT);
			if (strcmp(err.message, cases[i].msg) || err.line != 5 || err.column != 8)
				fail_msg("case %zu: got %d:%d %s", i, err.line, err.column,
					 err.message);
		}
		model_release(&m);
	}
}

/*
 * Every {{parent.attributes.vendor.x}} follows the vendor prefix, however
 * many there are (only the first 32 did), and template errors after them
 * point into the file.
 */
/*
 * A lone random.choice or {{vars.x}} takes the conventions' int type
 * (options converted when loading, vars when rendering), closed enums take
 * template choices of members, event names expand templates.
 */
static void test_lone_templates_take_convention_types(void **state)
{
	static const char text[] =
		"name: t\nvars:\n  s: \"123\"\n  c: {choice: [\"7\", \"8\"]}\n"
		"  n: {choice: [\"5\", \"6\"], type: int}\nroot:\n  type: x\n  attributes:\n"
		"    http.response.status_code: \"{{random.choice(200, 404)}}\"\n"
		"    gen_ai.usage.input_tokens: \"{{vars.s}}\"\n"
		"    gen_ai.usage.output_tokens: \"{{vars.c}}\"\n"
		"    vendor.turn.status.code: \"{{random.choice(SUCCESS, FAILURE)}}\"\n"
		"    plain: \"{{random.choice(200, 404)}}\"\n"
		"  events:\n    - name: \"ev.{{vars.s}}\"\n  children:\n    - type: y\n"
		"      attributes:\n"
		"        z: \"{{parent.attributes.http.response.status_code}}\"\n";
	struct model m;
	struct otelsim_error err = { 0 };
	char buf[2048];
	const struct span_spec *root;
	struct value vars[3], v;
	struct rng r;
	struct tmpl_ctx ctx;
	bool seen200 = false, seen404 = false;

	(void)state;
	if (load_text_vendor(text, "vendor", &m, &err)) {
		fmt_err(&err, buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	root = m.scenarios[0]->root;
	assert_int_equal(root->nattrs, 5);
	assert_int_equal(root->attrs[0].gen.type, VAL_INT);
	assert_int_equal(root->attrs[1].gen.type, VAL_INT);
	assert_int_equal(root->attrs[2].gen.type, VAL_INT);
	assert_int_equal(root->attrs[3].gen.type, VAL_STRING);
	assert_int_equal(root->attrs[4].gen.type, VAL_STRING);
	memset(&ctx, 0, sizeof(ctx));
	ctx.rng = &r;
	ctx.arena = &m.arena;
	ctx.vars = vars;
	for (uint64_t i = 0; i < 64; i++) {
		rng_seed(&r, 1, 2, i);
		for (int k = 0; k < 3; k++)
			assert_int_equal(gen_eval(&m.scenarios[0]->vars[k].gen, &ctx, &vars[k]), 0);
		assert_int_equal(gen_eval(&root->attrs[0].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		assert_true(v.u.i == 200 || v.u.i == 404);
		seen200 |= v.u.i == 200;
		seen404 |= v.u.i == 404;
		assert_int_equal(gen_eval(&root->attrs[1].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		assert_int_equal(v.u.i, 123);
		assert_int_equal(gen_eval(&root->attrs[2].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		assert_true(v.u.i == 7 || v.u.i == 8);
		assert_int_equal(gen_eval(&root->attrs[4].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_STRING);
		assert_int_equal(v.u.s.len, 3);
	}
	assert_true(seen200 && seen404);
	/* the event's name is a template */
	assert_non_null(root->events[0].name_tmpl);
	assert_int_equal(tmpl_eval(root->events[0].name_tmpl, &ctx, &v), 0);
	assert_int_equal(v.type, VAL_STRING);
	assert_int_equal(v.u.s.len, 6);
	assert_memory_equal(v.u.s.ptr, "ev.123", 6);
	model_release(&m);
}

static void test_many_parent_refs(void **state)
{
	enum { NREFS = 40 };
	struct strbuf sb = STRBUF_INIT;
	struct model m;
	struct otelsim_error err = { 0 };
	struct keyval parent;
	struct value out;
	struct rng r;
	struct tmpl_ctx ctx;
	char buf[2048];
	size_t col;
	static const char head[] = "name: t\nroot:\n  type: x\n  attributes:\n    vendor.k: p\n"
				   "  children:\n    - type: y\n      attributes:\n";

	(void)state;
	strbuf_addstr(&sb, head);
	strbuf_addstr(&sb, "        s: \"");
	for (int i = 0; i < NREFS; i++)
		strbuf_addstr(&sb, "{{parent.attributes.vendor.k}}.");
	strbuf_addstr(&sb, "\"\n");
	if (load_text_vendor(sb.buf, "com.acme", &m, &err)) {
		fmt_err(&err, buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	parent.key = "com.acme.k";
	parent.key_len = 10;
	parent.value.type = VAL_STRING;
	parent.value.u.s.ptr = "P";
	parent.value.u.s.len = 1;
	memset(&ctx, 0, sizeof(ctx));
	rng_seed(&r, 1, 2, 3);
	ctx.rng = &r;
	ctx.arena = &m.arena;
	ctx.parent_attrs = &parent;
	ctx.nparent_attrs = 1;
	assert_int_equal(tmpl_eval(m.scenarios[0]->root->children[0].attrs[0].gen.tmpl, &ctx, &out),
			 0);
	assert_int_equal(out.type, VAL_STRING);
	assert_int_equal(out.u.s.len, 2 * NREFS);
	for (int i = 0; i < NREFS; i++)
		assert_memory_equal(out.u.s.ptr + 2 * i, "P.", 2);
	model_release(&m);
	/* a bad function after all of them: the file's column */
	sb.len -= 2;
	sb.buf[sb.len] = '\0';
	/* the error points at the function's name, 2 past the braces */
	col = sb.len - strlen(head) + 1 + 2;
	strbuf_addstr(&sb, "{{random.nope}}\"\n");
	assert_int_equal(load_text_vendor(sb.buf, "com.acme", &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_int_equal(err.line, 9);
	assert_int_equal(err.column, (int)col);
	snprintf(buf, sizeof(buf), "at position %d of the string", NREFS * 31 + 3);
	assert_non_null(strstr(err.message, buf));
	strbuf_release(&sb);
}

/* Scenario files with tabs where YAML allows them (tests/data/load/good/). */

/* ---- tmpl2: exact int uniforms, vendor rewrites in templates, typed copies ---- */

static void load_ok_vendor(const char *text, const char *vendor, struct model *m)
{
	struct otelsim_error err = { 0 };
	char buf[2048];

	if (load_text_vendor(text, vendor, m, &err)) {
		fmt_err(&err, buf, sizeof(buf));
		fail_msg("load failed: %s", buf);
	}
}

/* the first error's line:col: message of a load that must fail */
static void load_expect_error(const char *text, const char *vendor, int line, int col,
			      const char *message)
{
	struct model m;
	struct otelsim_error err = { 0 };

	assert_int_not_equal(load_text_vendor(text, vendor, &m, &err), 0);
	model_release(&m);
	if (err.line != line || err.column != col || strcmp(err.message, message) != 0)
		fail_msg("got %d:%d: %s\nwant %d:%d: %s", err.line, err.column, err.message, line,
			 col, message);
}

static void test_int_uniform_is_exact(void **state)
{
	static const char text[] =
		"name: t\nroot:\n  type: x\n  attributes:\n"
		"    a: {distribution: uniform, min: 9007199254740993, max: 9007199254740993, "
		"type: int}\n"
		"    b: {distribution: uniform, min: 0, max: 100000000000000000, type: int}\n"
		"    c: {distribution: uniform, min: -9223372036854775808, "
		"max: 9223372036854775807, type: int}\n";
	struct model m;
	const struct span_spec *root;
	struct value v;
	struct rng r;
	struct tmpl_ctx ctx;
	int odd = 0, low4 = 0, neg = 0;

	(void)state;
	load_ok_vendor(text, "vendor", &m);
	root = m.scenarios[0]->root;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rng = &r;
	ctx.arena = &m.arena;
	rng_seed(&r, 1, 2, 3);
	assert_int_equal(gen_eval(&root->attrs[0].gen, &ctx, &v), 0);
	assert_int_equal(v.type, VAL_INT);
	assert_true(v.u.i == INT64_C(9007199254740993));
	for (int i = 0; i < 256; i++) {
		assert_int_equal(gen_eval(&root->attrs[1].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		assert_true(v.u.i >= 0 && v.u.i <= INT64_C(100000000000000000));
		odd += (int)(v.u.i & 1);
		low4 += (v.u.i & 15) != 0;
		assert_int_equal(gen_eval(&root->attrs[2].gen, &ctx, &v), 0);
		neg += v.u.i < 0;
	}
	/* every integer equally likely: the low bits are fair coins (through a
	 * double, values above 2^53 were multiples of 16) */
	assert_true(odd > 96 && odd < 160);
	assert_true(low4 > 200);
	assert_true(neg > 96 && neg < 160);
	model_release(&m);
}

static void assert_tmpl_text(const struct tmpl *t, struct tmpl_ctx *ctx, const char *want)
{
	struct value v;

	assert_non_null(t);
	assert_int_equal(tmpl_eval(t, ctx, &v), 0);
	assert_int_equal(v.type, VAL_STRING);
	if (v.u.s.len != strlen(want) || memcmp(v.u.s.ptr, want, v.u.s.len) != 0)
		fail_msg("got '%.*s', want '%s'", (int)v.u.s.len, v.u.s.ptr, want);
}

/* --vendor reaches templated span types and event names, and their parent refs */
static void test_vendor_in_templated_names(void **state)
{
	static const char text[] =
		"name: t\nroot:\n  type: \"vendor.t{{random.int(1,1)}}\"\n"
		"  attributes:\n    vendor.x: p\n"
		"  events:\n    - name: \"vendor.e{{random.int(2,2)}}\"\n"
		"    - name: \"vendor.f.{{parent.attributes.vendor.x}}\"\n"
		"  children:\n    - type: \"vendor.c.{{parent.attributes.vendor.x}}\"\n";
	static const char *const vendors[] = { "acme", "vendor", "com.longer" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct model m;
		const struct span_spec *root;
		struct keyval parent;
		struct rng r;
		struct tmpl_ctx ctx;
		char key[64], want[64];

		load_ok_vendor(text, vendors[i], &m);
		root = m.scenarios[0]->root;
		snprintf(key, sizeof(key), "%s.x", vendors[i]);
		assert_string_equal(root->attrs[0].key, key);
		parent.key = key;
		parent.key_len = (uint32_t)strlen(key);
		parent.value.type = VAL_STRING;
		parent.value.u.s.ptr = "p";
		parent.value.u.s.len = 1;
		memset(&ctx, 0, sizeof(ctx));
		rng_seed(&r, 1, 2, 3);
		ctx.rng = &r;
		ctx.arena = &m.arena;
		ctx.parent_attrs = &parent;
		ctx.nparent_attrs = 1;
		snprintf(want, sizeof(want), "%s.t1", vendors[i]);
		assert_tmpl_text(root->name_tmpl, &ctx, want);
		snprintf(want, sizeof(want), "%s.e2", vendors[i]);
		assert_tmpl_text(root->events[0].name_tmpl, &ctx, want);
		snprintf(want, sizeof(want), "%s.f.p", vendors[i]);
		assert_tmpl_text(root->events[1].name_tmpl, &ctx, want);
		snprintf(want, sizeof(want), "%s.c.p", vendors[i]);
		assert_tmpl_text(root->children[0].name_tmpl, &ctx, want);
		model_release(&m);
	}
	/* a template in an attribute key is refused at the key */
	load_expect_error("name: t\nroot:\n  type: x\n  attributes:\n"
			  "    \"vendor.{{random.choice(a,b)}}\": 1\n",
			  "acme", 5, 5,
			  "attribute keys are fixed names: templates are not allowed in a key");
}

/* a lone template on a string[] attribute: a one-item array of its value */
static void test_lone_template_on_array_attribute(void **state)
{
	static const char text[] =
		"name: t\nroot:\n  type: x\n  attributes:\n"
		"    gen_ai.response.finish_reasons: \"{{random.choice(stop,length)}}\"\n"
		"    gen_ai.request.model: m\n"
		"  children:\n    - type: y\n      attributes:\n"
		"        gen_ai.response.finish_reasons: "
		"\"{{parent.attributes.gen_ai.response.finish_reasons}}\"\n";
	struct model m;
	const struct span_spec *root;
	struct value v, items[2];
	struct keyval parent;
	struct rng r;
	struct tmpl_ctx ctx;
	bool stop = false, length = false;

	(void)state;
	load_ok_vendor(text, "vendor", &m);
	root = m.scenarios[0]->root;
	memset(&ctx, 0, sizeof(ctx));
	ctx.rng = &r;
	ctx.arena = &m.arena;
	rng_seed(&r, 1, 2, 3);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(gen_eval(&root->attrs[0].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_ARRAY);
		assert_int_equal(v.u.arr.n, 1);
		assert_int_equal(v.u.arr.items[0].type, VAL_STRING);
		stop |= v.u.arr.items[0].u.s.len == 4 &&
			!memcmp(v.u.arr.items[0].u.s.ptr, "stop", 4);
		length |= v.u.arr.items[0].u.s.len == 6 &&
			  !memcmp(v.u.arr.items[0].u.s.ptr, "length", 6);
	}
	assert_true(stop && length);
	/* a copy of the parent's array stays that array */
	items[0].type = items[1].type = VAL_STRING;
	items[0].u.s.ptr = "a";
	items[1].u.s.ptr = "b";
	items[0].u.s.len = items[1].u.s.len = 1;
	parent.key = "gen_ai.response.finish_reasons";
	parent.key_len = (uint32_t)strlen(parent.key);
	parent.value.type = VAL_ARRAY;
	parent.value.u.arr.items = items;
	parent.value.u.arr.n = 2;
	ctx.parent_attrs = &parent;
	ctx.nparent_attrs = 1;
	assert_int_equal(gen_eval(&root->children[0].attrs[0].gen, &ctx, &v), 0);
	assert_int_equal(v.type, VAL_ARRAY);
	assert_int_equal(v.u.arr.n, 2);
	model_release(&m);
	/* text around a template still makes a string item */
	load_ok_vendor("name: t\nroot:\n  type: x\n  attributes:\n"
		       "    gen_ai.response.finish_reasons: \"r-{{random.int(1,2)}}\"\n",
		       "vendor", &m);
	assert_int_equal(gen_eval(&m.scenarios[0]->root->attrs[0].gen, &ctx, &v), 0);
	assert_int_equal(v.type, VAL_ARRAY);
	assert_int_equal(v.u.arr.n, 1);
	assert_int_equal(v.u.arr.items[0].type, VAL_STRING);
	assert_int_equal(v.u.arr.items[0].u.s.len, 3);
	model_release(&m);
}

/* a lone {{parent.attributes.x}}: checked against the conventions' type and closed enum */
static void test_parent_copies_are_typed(void **state)
{
	static const char ok[] = "name: t\nroot:\n  type: x\n  attributes:\n"
				 "    vendor.turn.status.code: SUCCESS\n    p: \"8080\"\n"
				 "    q: {choice: [SUCCESS, FAILURE]}\n"
				 "  children:\n    - type: y\n      attributes:\n"
				 "        vendor.turn.status.code: "
				 "\"{{parent.attributes.vendor.turn.status.code}}\"\n"
				 "        server.port: \"{{parent.attributes.p}}\"\n"
				 "      children:\n        - type: z\n          attributes:\n"
				 "            vendor.turn.status.code: "
				 "\"{{parent.attributes.vendor.turn.status.code}}\"\n";
	struct model m;
	struct keyval parent;
	struct value v;
	struct rng r;
	struct tmpl_ctx ctx;

	(void)state;
	/* (b) a copy of the same closed enum, under any vendor; (a) "8080" converts */
	for (int i = 0; i < 2; i++) {
		load_ok_vendor(ok, i ? "acme" : "vendor", &m);
		assert_int_equal(m.scenarios[0]->root->children[0].attrs[1].gen.type, VAL_INT);
		parent.key = "p";
		parent.key_len = 1;
		parent.value.type = VAL_STRING;
		parent.value.u.s.ptr = "8080";
		parent.value.u.s.len = 4;
		memset(&ctx, 0, sizeof(ctx));
		rng_seed(&r, 1, 2, 3);
		ctx.rng = &r;
		ctx.arena = &m.arena;
		ctx.parent_attrs = &parent;
		ctx.nparent_attrs = 1;
		assert_int_equal(
			gen_eval(&m.scenarios[0]->root->children[0].attrs[1].gen, &ctx, &v), 0);
		assert_int_equal(v.type, VAL_INT);
		assert_int_equal(v.u.i, 8080);
		model_release(&m);
	}
	/* a choice of members is a valid copy too; one that is not, is refused */
	load_ok_vendor("name: t\nroot:\n  type: x\n  attributes:\n"
		       "    q: {choice: [SUCCESS, FAILURE]}\n"
		       "  children:\n    - type: y\n      attributes:\n"
		       "        vendor.turn.status.code: \"{{parent.attributes.q}}\"\n",
		       "vendor", &m);
	model_release(&m);
	load_expect_error("name: t\nroot:\n  type: x\n  attributes:\n"
			  "    q: {choice: [SUCCESS, DONE]}\n"
			  "  children:\n    - type: y\n      attributes:\n"
			  "        vendor.turn.status.code: \"{{parent.attributes.q}}\"\n",
			  "vendor", 9, 34,
			  "'vendor.turn.status.code' must be one of: SUCCESS, PARTIAL, FAILURE, "
			  "BLOCKED (the parent span's 'q' (line 5) can be 'DONE')");
	/* values known only when rendering: refused, naming both */
	load_expect_error("name: t\nroot:\n  type: x\n  attributes:\n"
			  "    u: \"{{random.uuid}}\"\n"
			  "  children:\n    - type: y\n      attributes:\n"
			  "        server.port: \"{{parent.attributes.u}}\"\n",
			  "vendor", 9, 22,
			  "'server.port' must be an int (its type in the conventions), but this "
			  "copies the parent span's 'u' (line 5), which is a string");
	load_expect_error(
		"name: t\nroot:\n  type: x\n  attributes:\n"
		"    u: \"{{random.uuid}}\"\n"
		"  children:\n    - type: y\n      attributes:\n"
		"        vendor.turn.status.code: \"{{parent.attributes.u}}\"\n",
		"vendor", 9, 34,
		"'vendor.turn.status.code' must be one of: SUCCESS, PARTIAL, FAILURE, "
		"BLOCKED, but this copies the parent span's 'u' (line 5), whose values are "
		"known only when rendering");
	/* an int the engine adds: retry.attempt fits an int attribute */
	load_ok_vendor("name: t\nroot:\n  type: x\n  retry: {max_attempts: 2}\n"
		       "  children:\n    - type: y\n      attributes:\n"
		       "        server.port: \"{{parent.attributes.retry.attempt}}\"\n",
		       "vendor", &m);
	model_release(&m);
}

static void test_good_files(void **state)
{
	static char names[64][256];
	size_t n = list_yaml(DATA "good", names, 64);

	(void)state;
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		const char *files[1];
		struct load_opts o;
		struct model m;

		snprintf(path, sizeof(path), DATA "good/%s", names[i]);
		opts_default(&o);
		files[0] = path;
		o.files = files;
		o.nfiles = 1;
		load_expect_ok(&o, &m);
		if (!strcmp(names[i], "tabs.yaml")) {
			const struct span_spec *root = m.scenarios[0]->root;

			assert_string_equal(
				m.scenarios[0]->description,
				"a literal block keeps its tabs:\n\tcolumn one\tcolumn two\n");
			assert_int_equal(m.scenarios[0]->ntags, 2);
			assert_string_equal(root->name, "x");
			assert_string_equal(attr(root, "note")->gen.constant.u.s.ptr,
					    "quoted text continued after a tab");
			assert_string_equal(attr(root, "folded")->gen.constant.u.s.ptr,
					    "one\n\ttwo\n");
		}
		model_release(&m);
	}
}

/* The walk `validate` shares: sorted per folder, '_' and '.' names skipped. */
static void test_list_files(void **state)
{
	struct load_files f = { 0 };
	struct otelsim_error err = { 0 };

	(void)state;
	assert_int_equal(load_list_files(DATA "tree", &f, &err), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.paths[0], DATA "tree/alpha/b.yml");
	assert_string_equal(f.paths[1], DATA "tree/alpha/deep/c.yaml");
	assert_string_equal(f.paths[2], DATA "tree/beta/a.yaml");
	assert_string_equal(f.paths[3], DATA "tree/top.yaml");
	/* appends */
	assert_int_equal(load_files_add(&f, "x.yaml"), 0);
	assert_int_equal(load_list_files(DATA "tree/beta", &f, &err), 0);
	assert_int_equal(f.n, 6);
	assert_string_equal(f.paths[4], "x.yaml");
	assert_string_equal(f.paths[5], DATA "tree/beta/a.yaml");
	load_files_release(&f);
	assert_int_equal(f.n, 0);
	assert_int_equal(load_list_files(DATA "nope", &f, &err), OTELSIM_EINPUT);
	assert_int_equal(load_list_files(DATA "tree/top.yaml", &f, &err), OTELSIM_EINPUT);
	assert_string_equal(err.message, "cannot read the scenarios folder: Not a directory");
	load_files_release(&f);
}

/* ---- agent sessions: config sections and what a scenario needs of them ---- */

static char *temp_file(const char *text)
{
	char *path = strdup("/tmp/otelsim-test-agent-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* config text + scenario text: load_model's code (err filled) */
static int load_pair(const char *config, const char *scenario, const struct load_opts *base,
		     struct model *m, struct otelsim_error *err)
{
	char *cp = temp_file(config), *sp = temp_file(scenario);
	const char *files[1] = { sp };
	struct load_opts o;
	int rc;

	if (base)
		o = *base;
	else
		opts_default(&o);
	o.config_path = cp;
	o.files = files;
	o.nfiles = 1;
	rc = load_model(&o, m, err);
	unlink(cp);
	unlink(sp);
	free(cp);
	free(sp);
	return rc;
}

static void test_agent_sessions_need_their_config(void **state)
{
	static const char scen[] = "name: s\ncontext: {tenant: t}\nroot:\n  type: a\n";
	static const char ids[] = "id_formats:\n  session_id: \"s_{tenant_id}_{hex:4}\"\n  "
				  "request_id: \"r_{uuid}\"\n  enduser_pseudo_id: \"u_{hex:3}\"\n";
	struct model m;
	struct otelsim_error err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct load_opts o;
	const char *env_ids[] = { "x", "y" };
	double w[] = { 1, -1 };

	(void)state;
	/* a format the sessions need, missing: at the context */
	assert_int_equal(load_pair("tenants: {t: tid}\n", scen, NULL, &m, &err), OTELSIM_EINPUT);
	model_release(&m);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 10);
	assert_string_equal(err.message,
			    "the config has no id_formats.session_id (every id of a session comes "
			    "from the config's id_formats, with no fallback)");
	/* {tenant_id} without a tenant */
	strbuf_addstr(&sb, ids);
	assert_int_equal(load_pair(sb.buf,
				   "name: s\nconversation: {samples: [{user_input: a, "
				   "llm_response: b}]}\nroot:\n  type: a\n",
				   NULL, &m, &err),
			 OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.message, "id_formats.session_id uses {tenant_id}, but these "
					 "sessions have no tenant (set context.tenant, or "
					 "TENANT_UUID)");
	/* ... which the environment's tenants give */
	opts_default(&o);
	o.tenant_ids = env_ids;
	o.ntenants = 1;
	assert_int_equal(load_pair(sb.buf,
				   "name: s\nconversation: {samples: [{user_input: a, "
				   "llm_response: b}]}\nroot:\n  type: a\n",
				   &o, &m, &err),
			 0);
	assert_int_equal(m.agent->env_tenants.n, 1);
	model_release(&m);
	/* an MCP tool span needs mcp_tool_call_id */
	strbuf_addstr(&sb, "tenants: {t: tid}\n");
	assert_int_equal(load_pair(sb.buf, scen, NULL, &m, &err), 0);
	assert_non_null(m.scenarios[0]->session);
	assert_string_equal(m.scenarios[0]->session->tenant_id, "tid");
	model_release(&m);
	assert_int_equal(
		load_pair(sb.buf,
			  "name: s\ncontext: {tenant: t}\nroot:\n  type: a\n  children:\n    "
			  "- type: vendor.mcp.tool.execute\n",
			  NULL, &m, &err),
		OTELSIM_EINPUT);
	model_release(&m);
	assert_string_equal(err.message,
			    "the config has no id_formats.mcp_tool_call_id (every id of a session "
			    "comes from the config's id_formats, with no fallback)");
	/* the library checks the tenants it is given */
	o.ntenants = 2;
	o.tenant_weights = w;
	assert_int_equal(load_pair(sb.buf, scen, &o, &m, &err), OTELSIM_EUSAGE);
	model_release(&m);
	assert_string_equal(err.message, "tenant weight 2 must be a number from 0 to 10^12");
	strbuf_release(&sb);
}

static void test_seed000_config_sections(void **state)
{
	struct load_opts o;
	struct model m;
	const char *files[] = { "tests/data/seeds/seed000/new_claim_phone_multi_turn.yaml" };
	const struct agent_config *ac;
	const struct session_spec *ss;

	(void)state;
	opts_default(&o);
	o.config_path = "tests/data/seeds/seed000_config.yaml";
	o.files = files;
	o.nfiles = 1;
	o.vendor = "gentoro";
	load_expect_ok(&o, &m);
	ac = &m.agent->config;
	assert_string_equal(ac->ids[ID_SESSION].text, "sess_toro_{hex:12}");
	assert_false(ac->ids[ID_SESSION].uses_tenant);
	assert_int_equal(ac->ntenants, 1);
	assert_string_equal(ac->tenants[0].display_name, "Toro");
	assert_int_equal(ac->nagents, 1);
	assert_int_equal(ac->nservers, 1);
	assert_int_equal(ac->servers[0].ntools, 2);
	assert_string_equal(ac->servers[0].tools[1].uuid, "3d9c1f0e-7b2a-4c55-9e61-aa0f4b8c2d18");
	assert_int_equal(ac->nsample_sets, 1);
	assert_string_equal(ac->sample_sets[0].samples[1].reply_redacted,
			    "Done: claim <CLAIM_ID>. We will call <PHONE>.");
	/* resource: service.name is the default service; module... take the prefix */
	assert_string_equal(m.config.service_name, "toro-agent");
	assert_int_equal(m.config.nresource_attrs, 5);
	assert_string_equal(m.config.resource_attrs[2].key, "gentoro.module");
	assert_string_equal(m.config.resource_attrs[4].key, "gentoro.otel.source");
	/* the workflow sections are read, without warnings */
	assert_int_equal(m.nwarnings, 0);
	assert_int_equal(ac->platform.nlatency, 4);
	assert_true(ac->platform.latency[1].mean_ms == 220.0);
	assert_string_equal(ac->platform.retry_policy, "exponential");
	assert_int_equal(ac->platform.nretry_templates, 1);
	assert_int_equal(ac->platform.retry_templates[0].nattempts, 2);
	assert_string_equal(ac->platform.retry_templates[0].attempts[0].error_type, "timeout");
	assert_int_equal(ac->platform.nworkflows, 1);
	assert_int_equal(ac->platform.workflows[0].nsteps, 5);
	assert_int_equal(ac->platform.error_templates[0].ncodes, 3);
	assert_int_equal(ac->platform.nflows, 1);
	ss = m.scenarios[0]->session;
	assert_non_null(ss);
	assert_int_equal(ss->nturns, 2);
	assert_int_equal(ss->nsamples, 0);
	assert_int_equal(ss->redaction, REDACT_BASIC);
	assert_int_equal(ss->turns[1].input.type, VAL_STRING);
	assert_memory_equal(
		ss->turns[1].input.u.s.ptr,
		"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"The screen "
		"cracked after a drop.\"}]}]",
		ss->turns[1].input.u.s.len);
	model_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_scenarios),
		cmocka_unit_test(test_bad_tracegen),
		cmocka_unit_test(test_tracegen_base),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_string_length_limit),
		cmocka_unit_test(test_typo_in_every_key),
		cmocka_unit_test(test_tables_document_themselves),
		cmocka_unit_test(test_bundled_load),
		cmocka_unit_test(test_successful_agent_turn_ir),
		cmocka_unit_test(test_bench_scenario_resource),
		cmocka_unit_test(test_checkout_flow),
		cmocka_unit_test(test_example_scenario_every_form),
		cmocka_unit_test(test_agent_sessions_need_their_config),
		cmocka_unit_test(test_seed000_config_sections),
		cmocka_unit_test(test_vendor_default_keeps_names),
		cmocka_unit_test(test_max_spans_option_and_bad_vendor),
		cmocka_unit_test(test_vendor_rule),
		cmocka_unit_test(test_without_conventions_or_config),
		cmocka_unit_test(test_kind_from_conventions_and_forms),
		cmocka_unit_test(test_directory_walk),
		cmocka_unit_test(test_template_positions_in_block_scalars),
		cmocka_unit_test(test_parent_refs_follow_the_vendor),
		cmocka_unit_test(test_many_attribute_keys),
		cmocka_unit_test(test_resource_attribute_repeats),
		cmocka_unit_test(test_binary_values),
		cmocka_unit_test(test_many_parent_refs),
		cmocka_unit_test(test_lone_templates_take_convention_types),
		cmocka_unit_test(test_int_uniform_is_exact),
		cmocka_unit_test(test_vendor_in_templated_names),
		cmocka_unit_test(test_lone_template_on_array_attribute),
		cmocka_unit_test(test_parent_copies_are_typed),
		cmocka_unit_test(test_good_files),
		cmocka_unit_test(test_list_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
