#include "sink/dataset.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/dir.h"
#include "util/error.h"
#include "util/sha256.h"

#define MAX_FILES 8

struct dfile {
	struct dataset *d;
	int fd;
	char *path;
	struct sha256 hash;
	struct dfile_info info;
	int open;
};

struct dataset {
	char *final_dir;
	char *tmp_dir;
	char *parent;      /* the final folder's parent */
	size_t created_at; /* where the first folder dataset_open made ends in parent */
	struct dfile files[MAX_FILES];
	int nfiles;
	int committed;
};

static atomic_uint tmp_counter;

int mkdir_p(const char *path)
{
	return mkdir_p_created(path, NULL);
}

int mkdir_p_created(const char *path, size_t *created_at)
{
	char buf[4096];
	size_t n = strlen(path);

	if (created_at)
		*created_at = SIZE_MAX; /* nothing created */
	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0777) == 0) {
				if (created_at && *created_at == SIZE_MAX)
					*created_at = i; /* the first folder made ends here */
			} else if (errno != EEXIST) {
				return -1;
			}
			buf[i] = c;
		}
	}
	return 0;
}

/*
 * Remove the folders mkdir_p_created made for path (those ending at or
 * after created_at), deepest first, while they are empty: a failed run
 * leaves no empty --out folder behind.
 */
static void remove_created(const char *path, size_t created_at)
{
	char buf[4096];
	size_t n = strlen(path);

	if (created_at > n || n >= sizeof(buf))
		return;
	memcpy(buf, path, n + 1);
	while (n >= created_at) {
		if (rmdir(buf))
			return;
		while (n > 0 && buf[n - 1] != '/')
			n--;
		while (n > 0 && buf[n - 1] == '/')
			n--;
		buf[n] = '\0';
	}
}

int remove_tree(const char *path)
{
	return dir_remove_tree(path);
}

static char *path_join(const char *a, const char *b)
{
	size_t size = strlen(a) + 1 + strlen(b) + 1;
	char *p = malloc(size);

	if (p)
		snprintf(p, size, "%s/%s", a, b);
	return p;
}

/*
 * The pid in "<prefix><pid>.<n>" when name is such a folder name and the
 * process is gone (killed before it could clean up); 0 otherwise. A live
 * process (ours included: another thread may be writing the same dataset)
 * or one we may not signal keeps its folder.
 */
static long dead_owner(const char *name, const char *prefix, size_t plen)
{
	const char *p = name + plen;
	long pid = 0;
	int digits = 0;

	if (strncmp(name, prefix, plen))
		return 0;
	for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		pid = pid * 10 + (*p - '0');
	if (!digits || *p != '.' || !p[1] || pid <= 0 || pid > INT32_MAX)
		return 0;
	for (p++; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	return pid;
}

/* Remove <parent>/.<name>.tmp.<pid>.<n> folders left by dead processes. */
static void remove_stale(const char *parent, const char *name)
{
	char prefix[600];
	int plen = snprintf(prefix, sizeof(prefix), ".%s.tmp.", name);
	struct dir_list names = { 0 };

	if (plen < 0 || (size_t)plen >= sizeof(prefix))
		return;
	if (dir_names(parent[0] ? parent : ".", &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		char sub[4096];

		if (!dead_owner(names.v[i], prefix, (size_t)plen))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", parent, parent[0] ? "/" : "",
				     names.v[i]) < sizeof(sub))
			remove_tree(sub); /* best effort: a failure leaves it for next time */
	}
	dir_list_release(&names);
}

/* The length of ".<name>.tmp." in a temporary folder's name, or 0. */
static size_t tmp_prefix_len(const char *name)
{
	const char *p = name, *last = NULL;

	if (name[0] != '.')
		return 0;
	while ((p = strstr(p + 1, ".tmp.")))
		last = p;
	return last && last > name + 1 ? (size_t)(last - name) + 5 : 0;
}

static void sweep_stale(const char *dir, int depth)
{
	struct dir_list names = { 0 };

	if (depth > DATASET_STALE_DEPTH || dir_names(dir, &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		size_t plen = tmp_prefix_len(name);
		char sub[4096];
		struct stat st;

		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, name) >= sizeof(sub) ||
		    lstat(sub, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (plen && dead_owner(name, name, plen))
			remove_tree(sub);
		else if (name[0] != '.')
			sweep_stale(sub, depth + 1);
	}
	dir_list_release(&names);
}

void dataset_remove_stale(const char *out_dir)
{
	sweep_stale(out_dir, 0);
}

/*
 * A file a dataset of ours may hold: manifest.json, traces.*, metrics.*,
 * logs.*, events.*, and the ground truth (ground_truth.json and its
 * ground_truth.traces.ndjson)
 */
static bool dataset_file_name(const char *n)
{
	static const char *const stems[] = { "traces.", "metrics.", "logs.", "events.",
					     "ground_truth." };

	if (!strcmp(n, "manifest.json"))
		return true;
	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++)
		if (!strncmp(n, stems[i], strlen(stems[i])))
			return true;
	return false;
}

/*
 * A folder already at the dataset's place is replaced only when it is one
 * of ours (empty, or a manifest.json with data files beside it, nothing
 * else): a --dataset or scenario name that happens to match a user's folder
 * (or a category folder of other datasets) must not delete it. 0, or an
 * error naming what is there.
 */
static int check_replaceable(const char *dir, struct otelsim_error *err)
{
	struct dir_list names = { 0 };
	bool manifest = false, data = false;
	char other[256] = "";

	if (dir_names(dir, &names))
		return 0; /* not there (or not a folder: the rename says so) */
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		char sub[4096];
		struct stat st;

		snprintf(sub, sizeof(sub), "%s/%s", dir, name);
		if (lstat(sub, &st) || !S_ISREG(st.st_mode) || !dataset_file_name(name)) {
			/* the first by name, so the message is the same on every file system */
			if (!other[0] || strncmp(name, other, 200) < 0)
				snprintf(other, sizeof(other), "%.200s%s", name,
					 !lstat(sub, &st) && S_ISDIR(st.st_mode) ? "/" : "");
			continue;
		}
		if (!strcmp(name, "manifest.json"))
			manifest = true;
		else
			data = true;
	}
	dir_list_release(&names);
	if (other[0] || (data && !manifest))
		return error_set(err, OTELSIM_EINPUT,
				 "'%s' exists and is not an otelsim dataset (it holds '%s'): "
				 "otelsim replaces only its own datasets; choose another --out "
				 "or --dataset, or remove it",
				 dir, other[0] ? other : "data files without a manifest.json");
	return 0;
}

int dataset_open(const char *final_dir, struct dataset **out, struct otelsim_error *err)
{
	struct dataset *d = calloc(1, sizeof(*d));
	const char *slash;
	char parent[4096], name[512];
	size_t plen;

	*out = NULL;
	if (!d)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	if (check_replaceable(final_dir, err)) {
		free(d);
		return OTELSIM_EINPUT;
	}
	d->final_dir = strdup(final_dir);
	slash = strrchr(final_dir, '/');
	plen = slash ? (size_t)(slash - final_dir) : 0;
	if (plen >= sizeof(parent) || !d->final_dir) {
		dataset_free(d);
		return error_set(err, OTELSIM_EIO, "output path too long: '%s'", final_dir);
	}
	memcpy(parent, final_dir, plen);
	parent[plen] = '\0';
	snprintf(name, sizeof(name), "%s", slash ? slash + 1 : final_dir);
	if (plen && mkdir_p_created(parent, &d->created_at)) {
		int e = errno;

		dataset_free(d);
		return error_set(err, OTELSIM_EIO, "cannot create folder '%s': %s", parent,
				 strerror(e));
	}
	if (plen && !(d->parent = strdup(parent))) {
		dataset_free(d);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	remove_stale(parent, name);
	d->tmp_dir = malloc(plen + strlen(name) + 64);
	if (!d->tmp_dir) {
		dataset_free(d);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
again:
	snprintf(d->tmp_dir, plen + strlen(name) + 64, "%s%s.%s.tmp.%ld.%u", parent,
		 plen ? "/" : "", name, (long)getpid(), atomic_fetch_add(&tmp_counter, 1));
	if (mkdir(d->tmp_dir, 0777)) {
		int e = errno;

		if (e == EEXIST)
			goto again;
		free(d->tmp_dir);
		d->tmp_dir = NULL;
		dataset_free(d);
		return error_set(err, OTELSIM_EIO, "cannot create a folder in '%s': %s",
				 plen ? parent : ".", strerror(e));
	}
	*out = d;
	return 0;
}

int dataset_file(struct dataset *d, const char *name, struct dfile **out, struct otelsim_error *err)
{
	struct dfile *f;

	if (d->nfiles == MAX_FILES)
		return error_set(err, OTELSIM_EINTERNAL, "too many files in one dataset");
	f = &d->files[d->nfiles];
	memset(f, 0, sizeof(*f));
	f->d = d;
	f->path = path_join(d->tmp_dir, name);
	f->info.name = strdup(name);
	if (!f->path || !f->info.name || sha256_init(&f->hash)) {
		free(f->path);
		free((char *)f->info.name);
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	}
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (f->fd < 0) {
		/* the message quotes f->path: write it before freeing the path */
		int rc = error_set(err, OTELSIM_EIO, "cannot create '%s': %s", f->path,
				   strerror(errno));

		sha256_release(&f->hash);
		free(f->path);
		free((char *)f->info.name);
		return rc;
	}
	f->open = 1;
	d->nfiles++;
	*out = f;
	return 0;
}

/*
 * Blocks arrive whole (tens to hundreds of KiB): they go straight to
 * write(2), without a stdio buffer's extra copy.
 */
int dfile_write(struct dfile *f, const void *data, size_t len, struct otelsim_error *err)
{
	const char *p = data;
	size_t left = len;

	while (left) {
		ssize_t n = write(f->fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return error_set(err, OTELSIM_EIO, "cannot write '%s/%s': %s",
					 f->d->final_dir, f->info.name,
					 n < 0 ? strerror(errno) : "no space written");
		p += n;
		left -= (size_t)n;
	}
	sha256_update(&f->hash, data, len);
	f->info.size += len;
	return 0;
}

int dfile_close(struct dfile *f, struct dfile_info *info, struct otelsim_error *err)
{
	int rc = 0;

	if (f->open) {
		/* on disk before the rename makes it visible (a crash then
		 * leaves the old dataset or the whole new one) */
		if (fsync(f->fd) && errno != EINVAL && errno != ENOTSUP)
			rc = error_set(err, OTELSIM_EIO, "cannot write '%s/%s': %s",
				       f->d->final_dir, f->info.name, strerror(errno));
		if (close(f->fd) && !rc)
			rc = error_set(err, OTELSIM_EIO, "cannot write '%s/%s': %s",
				       f->d->final_dir, f->info.name, strerror(errno));
		f->fd = -1;
		f->open = 0;
		sha256_final_hex(&f->hash, f->info.sha256);
	}
	if (info)
		*info = f->info;
	return rc;
}

/* fsync a folder, so the names created or renamed in it last. */
static int fsync_dir(const char *path, struct otelsim_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return error_set(err, OTELSIM_EIO, "cannot open folder '%s': %s", path,
				 strerror(errno));
	if (fsync(fd) && errno != EINVAL && errno != ENOTSUP)
		rc = error_set(err, OTELSIM_EIO, "cannot sync folder '%s': %s", path,
			       strerror(errno));
	close(fd);
	return rc;
}

/* fsync the folder holding path ("." when path has no slash). */
static int fsync_parent(const char *path, struct otelsim_error *err)
{
	const char *slash = strrchr(path, '/');
	char parent[4096];
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (!slash)
		return fsync_dir(".", err);
	if (n == 0)
		return fsync_dir("/", err);
	if (n >= sizeof(parent))
		return error_set(err, OTELSIM_EIO, "output path too long: '%s'", path);
	memcpy(parent, path, n);
	parent[n] = '\0';
	return fsync_dir(parent, err);
}

int dataset_commit(struct dataset *d, const void *manifest, size_t len, struct otelsim_error *err)
{
	char *mpath = NULL;
	FILE *fp;
	int rc = 0;

	for (int i = 0; i < d->nfiles; i++) {
		rc = dfile_close(&d->files[i], NULL, err);
		if (rc)
			return rc;
	}
	mpath = path_join(d->tmp_dir, "manifest.json");
	if (!mpath)
		return error_set(err, OTELSIM_ENOMEM, "out of memory");
	fp = fopen(mpath, "wb");
	if (!fp || fwrite(manifest, 1, len, fp) != len || fflush(fp) || fsync(fileno(fp))) {
		rc = error_set(err, OTELSIM_EIO, "cannot write '%s': %s", mpath, strerror(errno));
		if (fp)
			fclose(fp);
		free(mpath);
		return rc;
	}
	if (fclose(fp)) {
		rc = error_set(err, OTELSIM_EIO, "cannot write '%s': %s", mpath, strerror(errno));
		free(mpath);
		return rc;
	}
	free(mpath);
	/* the files' names in the folder, then the folder's name in its parent */
	rc = fsync_dir(d->tmp_dir, err);
	if (rc)
		return rc;
	if (rename(d->tmp_dir, d->final_dir) == 0) {
		d->committed = 1;
		return fsync_parent(d->final_dir, err);
	}
	if (errno == EEXIST || errno == ENOTEMPTY) {
		/* swap atomically with the previous dataset, then remove it */
		if (renameat2(AT_FDCWD, d->tmp_dir, AT_FDCWD, d->final_dir, RENAME_EXCHANGE) == 0) {
			d->committed = 1;
			rc = fsync_parent(d->final_dir, err);
			remove_tree(d->tmp_dir);
			return rc;
		}
	}
	return error_set(err, OTELSIM_EIO, "cannot move the dataset into '%s': %s", d->final_dir,
			 strerror(errno));
}

void dataset_free(struct dataset *d)
{
	if (!d)
		return;
	for (int i = 0; i < d->nfiles; i++) {
		struct dfile *f = &d->files[i];

		if (f->open) {
			close(f->fd);
			sha256_release(&f->hash);
		}
		free(f->path);
		free((char *)f->info.name);
	}
	if (d->tmp_dir && !d->committed)
		remove_tree(d->tmp_dir);
	if (d->parent && !d->committed)
		remove_created(d->parent, d->created_at);
	free(d->parent);
	free(d->tmp_dir);
	free(d->final_dir);
	free(d);
}
