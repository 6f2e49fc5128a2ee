/*
 * Helpers for the core unit tests (rules, index, alerts, config): scratch
 * folders (mkdtemp, files written by relative path with parents made as
 * needed, removal of the whole tree).
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

#endif
