/*
 * otelsim/error.h - how every otelsim function reports failure.
 *
 * Functions return 0 on success or a negative `enum otelsim_code`, and fill
 * the caller's `struct otelsim_error` when one is given (it may be NULL).
 * The library never prints and never exits: programs turn an error into a
 * message (`otelsim_error_format`) and an exit status (`otelsim_exit_status`):
 * 0 ok, 1 runtime failure, 2 bad usage or invalid input.
 *
 * Positions are 1-based; line 0 means "no position" (the message then names
 * only the file, or nothing when file is empty).
 */
#ifndef OTELSIM_ERROR_H
#define OTELSIM_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum otelsim_code {
	OTELSIM_OK = 0,
	OTELSIM_EINPUT = -1,   /* the user's file, flag or value is wrong: exit 2 */
	OTELSIM_EUSAGE = -2,   /* bad command line: exit 2 */
	OTELSIM_ELIMIT = -3,   /* input exceeds a hard limit: exit 2 */
	OTELSIM_EIO = -4,      /* read/write/rename failed: exit 1 */
	OTELSIM_ENOMEM = -5,   /* out of memory: exit 1 */
	OTELSIM_ENET = -6,     /* network or endpoint failure: exit 1 */
	OTELSIM_EINTERNAL = -7 /* a bug: exit 1 */
};

struct otelsim_error {
	int code;         /* enum otelsim_code */
	char file[512];   /* may be "" */
	int line, column; /* 1-based; 0 when unknown */
	char message[1024];
};

/* Name of a code ("input", "io", ...); never NULL. */
const char *otelsim_code_name(int code);

/* 0 for OTELSIM_OK, 2 for input/usage/limit errors, 1 for the rest. */
int otelsim_exit_status(int code);

/*
 * "file:line:col: message" (or "file: message", or "message") into buf,
 * always NUL-terminated. Returns buf.
 */
char *otelsim_error_format(const struct otelsim_error *err, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
