/*
 * util/error.h - filling a struct otelsim_error.
 *
 * Every setter returns the (negative) code it recorded, so a failing path
 * reads `return error_set(err, OTELSIM_EINPUT, ...);`. `err` may be NULL.
 * Messages follow the house style: lowercase, no full stop, quote the
 * subject: "unknown key 'latncy' (did you mean 'latency'?)".
 */
#ifndef UTIL_ERROR_H
#define UTIL_ERROR_H

#include "otelsim/error.h"

#if defined(__GNUC__)
#define OS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define OS_PRINTF(f, a)
#endif

/* Without a position. */
int error_set(struct otelsim_error *err, int code, const char *fmt, ...) OS_PRINTF(3, 4);

/* With file and 1-based line/column (0 = unknown). */
int error_at(struct otelsim_error *err, int code, const char *file, int line, int column,
	     const char *fmt, ...) OS_PRINTF(6, 7);

/* Prefix the existing message with "what: " (keeps code and position). */
void error_prefix(struct otelsim_error *err, const char *fmt, ...) OS_PRINTF(2, 3);

/*
 * Whether a failed open() of a path the user named is bad input (exit 2):
 * missing, not a folder, permission denied, a link loop, a name too long.
 * Anything else (no memory, too many open files, an I/O error) is the
 * machine's (OTELSIM_EIO).
 */
int path_errno_is_input(int e);

/* Clear to OTELSIM_OK. */
void error_clear(struct otelsim_error *err);

#endif
