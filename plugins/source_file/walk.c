/*
 * Reading the `file` source's paths: files as given, folders recursively in
 * strcmp order, hidden entries skipped. A path that cannot be read is
 * logged and counted; the others are still read. Files found in folders
 * that are not JSON (a LICENSE, a README) are skipped and counted; a file
 * named in `paths` is always passed on, so the host reports what is wrong.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_source.h"

/* The folders above the one being read, to notice symlink loops. */
typedef struct frame_s {
  dev_t dev;
  ino_t ino;
  const struct frame_s *up;
} frame_t;

static int visit(file_source_t *fs, const char *path, const frame_t *up, int named);

static void path_error(file_source_t *fs, const char *path, const char *what, int err) {
  fs->missing++;
  fs->em.stats.errors++;
  fs->src.svc->log(fs->src.host, VIGIL_LOG_ERROR, "%s: %s: %s", path, what, strerror(err));
}

static int read_file(file_source_t *fs, const char *path, int named) {
  vp_input_t in;
  int fd, rc;

  /* O_NONBLOCK: a named FIFO must not hang open(); reads poll first anyway. */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    path_error(fs, path, "cannot open", errno);
    return VP_READ_DONE;
  }
  if (file_source_is_zip(fd)) {
    fs->files++;
    return file_source_read_zip(fs, fd, path);
  }
  if (vp_input_init(&in, fd, vp_source_wake_fd(&fs->src)) != 0) {
    path_error(fs, path, "cannot read", ENOMEM);
    close(fd);
    return VP_READ_DONE;
  }
  fs->files++;
  fs->em.skip_non_json = !named;
  rc = vp_read_stream(&fs->em, &in, path);
  vp_input_fini(&in);
  close(fd);
  return rc;
}

static int visible(const struct dirent *d) {
  return d->d_name[0] != '.';
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int read_dir(file_source_t *fs, const char *path, const struct stat *st, const frame_t *up) {
  struct dirent **names = NULL;
  frame_t here = {st->st_dev, st->st_ino, up};
  const frame_t *f;
  char *child;
  size_t len = strlen(path);
  int i, n, rc = VP_READ_DONE;

  for (f = up; f != NULL; f = f->up) {
    if (f->dev == st->st_dev && f->ino == st->st_ino) {
      fs->src.svc->log(fs->src.host, VIGIL_LOG_WARN, "%s: folder loop, not read again", path);
      return VP_READ_DONE;
    }
  }
  n = scandir(path, &names, visible, by_name);
  if (n < 0) {
    path_error(fs, path, "cannot list folder", errno);
    return VP_READ_DONE;
  }
  for (i = 0; i < n; i++) {
    if (rc == VP_READ_DONE && !atomic_load(&fs->src.stop)) {
      child = malloc(len + strlen(names[i]->d_name) + 2);
      if (child == NULL) {
        path_error(fs, path, "cannot read folder entry", ENOMEM);
      } else {
        sprintf(child, "%s%s%s", path, len > 0 && path[len - 1] == '/' ? "" : "/",
                names[i]->d_name);
        rc = visit(fs, child, &here, 0);
        free(child);
      }
    }
    free(names[i]);
  }
  free(names);
  return atomic_load(&fs->src.stop) ? VP_READ_STOP : rc;
}

/* `named`: the path was listed in the configuration, so it is read even if
 * it is not a regular file (a FIFO, /dev/stdin); inside folders only regular
 * files are. */
static int visit(file_source_t *fs, const char *path, const frame_t *up, int named) {
  struct stat st;

  if (stat(path, &st) != 0) {
    path_error(fs, path, "cannot read", errno);
    return VP_READ_DONE;
  }
  if (S_ISDIR(st.st_mode))
    return read_dir(fs, path, &st, up);
  if (S_ISREG(st.st_mode) || named)
    return read_file(fs, path, named);
  fs->src.svc->log(fs->src.host, VIGIL_LOG_DEBUG, "%s: not a regular file, skipped", path);
  return VP_READ_DONE;
}

int file_source_read_all(vp_source_t *src, void *ctx) {
  file_source_t *fs = ctx;
  const vp_read_stats_t *s = &fs->em.stats;
  size_t i;
  int rc = VP_READ_DONE;

  for (i = 0; i < fs->paths.n && rc == VP_READ_DONE; i++)
    rc = visit(fs, fs->paths.v[i], NULL, 1);

  src->svc->log(src->host, VIGIL_LOG_INFO,
                "%s%" PRIu64 " files (%" PRIu64 " zip members), %" PRIu64 " bytes, %" PRIu64
                " lines, %" PRIu64 " records; %" PRIu64 " errors, %" PRIu64
                " paths unreadable; skipped %" PRIu64 " files that are not JSON",
                rc == VP_READ_DONE ? "done: " : "stopped: ", fs->files, fs->members, s->bytes,
                s->lines, s->records, s->errors, fs->missing, s->skipped);
  return rc;
}
