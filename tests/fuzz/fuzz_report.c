/*
 * Fuzz target for report/: any bytes as a telemetry file through a whole
 * report (both passes: the wire-level walk of spans and log records, the
 * metrics, the sample's detail, the page). Either the report fails with a
 * message, or the page starts with the report marker and its data is valid
 * JSON whatever the input held (invalid UTF-8, "</script>", huge values).
 * `make test` runs it over tests/fuzz/corpus/report with
 * tests/fuzz/regression_driver.c; `make fuzz FUZZ_TARGETS=report` runs it
 * under libFuzzer.
 */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report/report.h"
#include "util/strbuf.h"

#define CHECK(c)                                                                              \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void check_page(const struct strbuf *page)
{
	const char *start, *end;
	char *json;
	cJSON *d;

	CHECK(page->len > strlen(REPORT_MARKER));
	CHECK(!memcmp(page->buf, REPORT_MARKER, strlen(REPORT_MARKER)));
	start = strstr(page->buf, "id=\"otelsim-data\">");
	CHECK(start);
	start += strlen("id=\"otelsim-data\">");
	end = strstr(start, "</script>");
	CHECK(end);
	json = strndup(start, (size_t)(end - start));
	CHECK(json);
	d = cJSON_Parse(json);
	CHECK(d && cJSON_IsObject(d));
	cJSON_Delete(d);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_options o = { 1 + size % 7, 1 + size % 5, NULL };
	struct otelsim_error err;
	struct strbuf page = STRBUF_INIT;
	struct report *r = NULL;
	char path[64];
	int fd;

	fd = memfd_create("fuzz_report", 0);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK(report_new(&o, &r, &err) == 0);
	memset(&err, 0, sizeof(err));
	if (report_add(r, path, &err) == 0) {
		memset(&err, 0, sizeof(err));
		if (report_write_html(r, &page, &err) == 0)
			check_page(&page);
		else
			CHECK(err.message[0]);
	} else {
		CHECK(err.message[0]);
	}
	report_free(r);
	strbuf_release(&page);
	close(fd);
	return 0;
}
