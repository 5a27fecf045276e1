/*
 * Files otlp-replay writes (the --resume state, --summary-json) appear
 * whole or not at all: written to "<path>.tmp" beside them, then renamed
 * over them, so a failure or a kill at any moment leaves either the old
 * file or the new one, never a torn one.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/replay_int.h"
#include "util/error.h"
#include "util/strbuf.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync the folder holding path, so the rename itself is on disk */
static void sync_dir(const char *path)
{
	char *d = strdup(path);
	int dfd = d ? open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (dfd >= 0) {
		(void)fsync(dfd); /* best effort: some file systems refuse it on folders */
		close(dfd);
	}
	free(d);
}

int replay_write_file(const char *path, const void *data, size_t len, bool sync,
		      struct otelsim_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, e = 0;

	if (strbuf_addf(&tmp, "%s.tmp", path))
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		goto cleanup;
	}
	if (write_all(fd, data, len) || (sync && fsync(fd)))
		e = errno;
	if (close(fd) && !e)
		e = errno;
	if (!e && rename(tmp.buf, path))
		e = errno;
	if (e)
		unlink(tmp.buf); /* never a partial file left beside path */
	else if (sync)
		sync_dir(path);
cleanup:
	strbuf_release(&tmp);
	if (e)
		return error_set(err, OTELSIM_EIO, "cannot write '%s': %s", path, strerror(e));
	return 0;
}
