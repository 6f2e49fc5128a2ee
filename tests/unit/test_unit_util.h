/*
 * Helpers for the core unit tests (rules, index, alerts, config): scratch
 * folders (mkdtemp, files written by relative path with parents made as
 * needed, removal of the whole tree) and reading a file whole.
 *
 * Everything is static and marked unused so each test takes what it needs.
 */
#ifndef TEST_UNIT_UTIL_H
#define TEST_UNIT_UTIL_H

#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define TD_UNUSED __attribute__((unused))

typedef struct tmpdir_s {
  char path[256];
} tmpdir_t;

static TD_UNUSED void td_make(tmpdir_t *td) {
  snprintf(td->path, sizeof(td->path), "/tmp/vigil-unit-XXXXXX");
  assert_non_null(mkdtemp(td->path));
}

/* Full path of rel inside td (a static buffer per call site is enough). */
static TD_UNUSED const char *td_path(const tmpdir_t *td, const char *rel, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s/%s", td->path, rel);

  assert_true(n > 0 && (size_t)n < cap);
  return out;
}

/* Writes text to <td>/<rel>, creating the folders on the way. */
static TD_UNUSED void td_write(const tmpdir_t *td, const char *rel, const char *text) {
  char path[PATH_MAX];
  char *slash;
  FILE *f;

  td_path(td, rel, path, sizeof(path));
  for (slash = path + strlen(td->path) + 1; (slash = strchr(slash, '/')); slash++) {
    *slash = '\0';
    mkdir(path, 0700);
    *slash = '/';
  }
  f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

static int td_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(p);
}

static TD_UNUSED void td_remove(tmpdir_t *td) {
  nftw(td->path, td_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* A whole file in a new buffer (one byte more, a NUL), its size in *len;
 * NULL when it cannot be read. */
static TD_UNUSED char *td_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *b = NULL;
  long n;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (b = malloc((size_t)n + 1))) {
    if (fread(b, 1, (size_t)n, f) == (size_t)n) {
      b[n] = '\0';
      *len = (size_t)n;
    } else {
      free(b);
      b = NULL;
    }
  }
  fclose(f);
  return b;
}

#endif
