#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The one list of error names (X-macro): code, name, exit status. */
#define OTELSIM_CODES(X)               \
	X(OTELSIM_OK, "ok", 0)         \
	X(OTELSIM_EINPUT, "input", 2)  \
	X(OTELSIM_EUSAGE, "usage", 2)  \
	X(OTELSIM_ELIMIT, "limit", 2)  \
	X(OTELSIM_EIO, "io", 1)        \
	X(OTELSIM_ENOMEM, "memory", 1) \
	X(OTELSIM_ENET, "network", 1)  \
	X(OTELSIM_EINTERNAL, "internal", 1)

const char *otelsim_code_name(int code)
{
	switch (code) {
#define X(c, n, s) \
	case c:    \
		return n;
		OTELSIM_CODES(X)
#undef X
	}
	return "unknown";
}

int otelsim_exit_status(int code)
{
	switch (code) {
#define X(c, n, s) \
	case c:    \
		return s;
		OTELSIM_CODES(X)
#undef X
	}
	return 1;
}

char *otelsim_error_format(const struct otelsim_error *err, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	if (err->file[0] && err->line > 0)
		snprintf(buf, size, "%s:%d:%d: %s", err->file, err->line,
			 err->column > 0 ? err->column : 1, err->message);
	else if (err->file[0])
		snprintf(buf, size, "%s: %s", err->file, err->message);
	else
		snprintf(buf, size, "%s", err->message);
	return buf;
}

static void vset(struct otelsim_error *err, int code, const char *file, int line, int column,
		 const char *fmt, va_list ap)
{
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = column;
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

int error_set(struct otelsim_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vset(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

int error_at(struct otelsim_error *err, int code, const char *file, int line, int column,
	     const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vset(err, code, file, line, column, fmt, ap);
	va_end(ap);
	return code;
}

void error_prefix(struct otelsim_error *err, const char *fmt, ...)
{
	char old[sizeof(err->message)];
	size_t n;
	va_list ap;

	if (!err)
		return;
	memcpy(old, err->message, sizeof(old));
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): clang-tidy bug llvm#40656 */
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	n = strlen(err->message);
	if (n + 3 < sizeof(err->message)) {
		memcpy(err->message + n, ": ", 2);
		n += 2;
		memcpy(err->message + n, old, strnlen(old, sizeof(err->message) - n - 1));
		err->message[n + strnlen(old, sizeof(err->message) - n - 1)] = '\0';
	}
}

void error_clear(struct otelsim_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int path_errno_is_input(int e)
{
	return e == ENOENT || e == ENOTDIR || e == EACCES || e == EPERM || e == ELOOP ||
	       e == ENAMETOOLONG || e == EISDIR;
}
