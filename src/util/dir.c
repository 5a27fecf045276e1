/* Reading folders, by the rules of util/dir.h. */
#include "util/dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/strbuf.h"

int dir_list_add(struct dir_list *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;
		char **v = realloc(l->v, nc * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = nc;
	}
	if (!(copy = strdup(s)))
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

void dir_list_release(struct dir_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_names(const char *path, struct dir_list *out)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int saved;

	if (!d)
		return -1;
	for (;;) {
		errno = 0;
		if (!(e = readdir(d)))
			break;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (dir_list_add(out, e->d_name)) {
			errno = ENOMEM;
			break;
		}
	}
	saved = errno;
	closedir(d);
	if (saved) {
		dir_list_release(out); /* nothing half read is kept */
		errno = saved;
		return -1;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmp_str);
	return 0;
}

/* The folders being walked, outermost first: a link back to one is a loop. */
struct walk {
	const struct dir_walk *w;
	struct dir_list *out, *skipped;
	struct otelsim_error *err;
	dev_t dev[DIR_WALK_DEPTH + 1];
	ino_t ino[DIR_WALK_DEPTH + 1];
};

static bool on_stack(const struct walk *k, int depth, const struct stat *st)
{
	for (int i = 0; i < depth; i++)
		if (k->dev[i] == st->st_dev && k->ino[i] == st->st_ino)
			return true;
	return false;
}

static int walk_dir(struct walk *k, const char *dir, const struct stat *dst, int depth)
{
	struct dir_list names = { 0 };
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	if (depth > DIR_WALK_DEPTH)
		return error_at(k->err, OTELSIM_ELIMIT, dir, 0, 0,
				"folders nested deeper than %d levels", DIR_WALK_DEPTH);
	k->dev[depth] = dst->st_dev;
	k->ino[depth] = dst->st_ino;
	if (dir_names(dir, &names)) {
		int e = errno;

		dir_list_release(&names); /* the names read before it failed */
		return error_at(k->err,
				e == ENOMEM                 ? OTELSIM_ENOMEM
				: e == ENOENT || e == ENOTDIR ? OTELSIM_EINPUT
							      : OTELSIM_EIO,
				dir, 0, 0, "cannot read %s: %s", k->w->what, strerror(e));
	}
	for (size_t i = 0; i < names.n && !rc; i++) {
		const char *name = names.v[i];
		struct stat st;
		bool is_dir, is_special;

		if (name[0] == '.')
			continue;
		strbuf_reset(&path);
		/* "dir/" + name without doubling the slash of a path given as "dir/" */
		if (strbuf_addf(&path, "%s%s%s", dir,
				dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name)) {
			rc = error_set(k->err, OTELSIM_ENOMEM, "out of memory");
			break;
		}
		is_dir = stat(path.buf, &st) == 0 && S_ISDIR(st.st_mode);
		is_special = !is_dir && stat(path.buf, &st) == 0 && !S_ISREG(st.st_mode);
		if (!k->w->want(k->w->ctx, name, is_dir))
			continue;
		if (is_dir && !on_stack(k, depth + 1, &st))
			rc = walk_dir(k, path.buf, &st, depth + 1);
		else if (is_special && k->skipped && dir_list_add(k->skipped, path.buf))
			rc = error_set(k->err, OTELSIM_ENOMEM, "out of memory");
		else if (!is_dir && !is_special && dir_list_add(k->out, path.buf))
			rc = error_set(k->err, OTELSIM_ENOMEM, "out of memory");
	}
	dir_list_release(&names);
	strbuf_release(&path);
	return rc;
}

bool dir_is_special(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int dir_walk(const char *root, const struct dir_walk *w, struct dir_list *out,
	     struct dir_list *skipped, struct otelsim_error *err)
{
	struct walk k;
	struct stat st;

	memset(&k, 0, sizeof(k));
	k.w = w;
	k.out = out;
	k.skipped = skipped;
	k.err = err;
	if (stat(root, &st) != 0)
		return error_at(err,
				errno == ENOENT || errno == ENOTDIR ? OTELSIM_EINPUT : OTELSIM_EIO,
				root, 0, 0, "cannot read %s: %s", w->what, strerror(errno));
	return walk_dir(&k, root, &st, 0);
}

int dir_remove_tree(const char *path)
{
	struct dir_list names = { 0 };
	int rc = 0;

	if (dir_names(path, &names)) {
		int e = errno;

		dir_list_release(&names); /* the names read before it failed */
		if (e != ENOTDIR && e != ENOENT)
			return -1; /* a folder it cannot list (out of memory): left */
		return unlink(path) && errno != ENOENT ? -1 : 0;
	}
	for (size_t i = 0; i < names.n; i++) {
		struct strbuf sub = STRBUF_INIT;
		struct stat st;

		if (strbuf_addf(&sub, "%s/%s", path, names.v[i]))
			rc = -1;
		else if (!lstat(sub.buf, &st) && S_ISDIR(st.st_mode))
			rc |= dir_remove_tree(sub.buf);
		else if (unlink(sub.buf))
			rc = -1;
		strbuf_release(&sub);
	}
	dir_list_release(&names);
	if (rmdir(path))
		rc = -1;
	return rc;
}
