/*
 * What the file source's tests share: a scratch folder per test, the
 * plugin opened on the fake host, runs over paths, and made-up records.
 */
#ifndef SOURCE_FILE_FIXTURE_H
#define SOURCE_FILE_FIXTURE_H

#include "test_plugin_fakehost.h"

static FH_UNUSED char *dir;

static FH_UNUSED int setup(void **state) {
  dir = fh_tmpdir();
  return 0;
}

static FH_UNUSED int teardown(void **state) {
  fh_rmtree(dir);
  dir = NULL;
  return 0;
}

static FH_UNUSED fakehost_t *open_file_source(void) {
  return fh_open("source_file.so", "file", VIGIL_PLUGIN_SOURCE);
}

/* Runs the source over the given paths (a JSON array body) plus extra options. */
static FH_UNUSED void run_paths(fakehost_t *h, const char *paths_json, const char *extra) {
  char config[32768];
  int n = snprintf(config, sizeof(config), "{\"paths\":[%s]%s%s}", paths_json, extra ? "," : "",
                   extra ? extra : "");

  assert_true(n > 0 && (size_t)n < sizeof(config));
  fh_run_source(h, config);
}

static FH_UNUSED void run_one(fakehost_t *h, const char *path, const char *extra) {
  char quoted[PATH_MAX + 2];

  snprintf(quoted, sizeof(quoted), "\"%s\"", path);
  run_paths(h, quoted, extra);
}

static FH_UNUSED const char pretty_records[] = "{\n"
                                               "  \"Records\": [\n"
                                               "    {\"eventName\": \"DetachRolePolicy\"},\n"
                                               "    {\"eventName\": \"StopLogging\"}\n"
                                               "  ]\n"
                                               "}\n";

static FH_UNUSED char *make_lines(size_t n, size_t *len, uint64_t *offsets) {
  char *text = malloc(n * 64 + 1);
  size_t i, at = 0;

  assert_non_null(text);
  for (i = 0; i < n; i++) {
    if (offsets != NULL)
      offsets[i] = at;
    at += (size_t)sprintf(text + at, "{\"eventName\":\"E%zu\",\"pad\":\"%0*zu\"}\n", i,
                          (int)(i % 23), i);
  }
  *len = at;
  return text;
}

static FH_UNUSED void assert_lines(fakehost_t *h, const char *stream, const char *text,
                                   const uint64_t *off, size_t from, size_t count) {
  size_t i, n;

  for (i = 0; i < count; i++) {
    n = (size_t)(strchr(text + off[from + i], '\n') - (text + off[from + i]));
    fh_assert_rec(h, i, stream, text + off[from + i], n, from + i + 1, off[from + i]);
  }
}

#endif
