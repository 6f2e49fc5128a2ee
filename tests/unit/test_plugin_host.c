/*
 * The plugin loader against purpose-built plugins (tests/plugins/), the real
 * built plugins when present, and the SDK examples driven by a fake host.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "plugin_host.h"

#define TDIR VIGIL_TEST_PLUGIN_DIR

static char errbuf[1024];

/* ---- helpers ------------------------------------------------------------------------------- */

static char *tpath(const char *file) {
  static char buf[PATH_MAX];

  snprintf(buf, sizeof(buf), "%s/%s", TDIR, file);
  return buf;
}

static char *make_tmpdir(void) {
  char tmpl[] = "/tmp/vigil-plugin-test-XXXXXX";
  char *dir = mkdtemp(tmpl);

  assert_non_null(dir);
  return strdup(dir);
}

static void remove_tree(const char *dir) {
  char cmd[PATH_MAX + 16];

  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static void link_into(const char *dir, const char *target, const char *name) {
  char path[PATH_MAX];

  snprintf(path, sizeof(path), "%s/%s", dir, name);
  assert_int_equal(symlink(target, path), 0);
}

/* Reads a whole FILE written by the code under test. */
static char *slurp(FILE *f) {
  long n;
  char *s;

  fflush(f);
  n = ftell(f);
  assert_true(n >= 0);
  s = malloc((size_t)n + 1);
  assert_non_null(s);
  rewind(f);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  return s;
}

/* Number of lines of text that contain needle. */
static int count_lines_with(const char *text, const char *needle) {
  const char *line = text, *end;
  char buf[2048];
  int n = 0;
  size_t len;

  while (*line) {
    end = strchr(line, '\n');
    len = end ? (size_t)(end - line) : strlen(line);
    if (len >= sizeof(buf))
      len = sizeof(buf) - 1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    if (strstr(buf, needle))
      n++;
    line += end ? (size_t)(end - line) + 1 : strlen(line);
  }
  return n;
}

/* ---- a fake host, enough to drive an instance ------------------------------------------------ */

typedef struct fake_host_s {
  int emits, eagains, eagain_every, done, stopped, delivered;
  void *tokens[8];
  vigil_delivery_t outcomes[8];
  char *records[64];
  vigil_position_t positions[64];
  char log[1024];
} fake_host_t;

static fake_host_t *fh(vigil_host_t *host) {
  return (fake_host_t *)(void *)host;
}

static void fake_log(vigil_host_t *host, vigil_log_level_t level, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(fh(host)->log, sizeof(fh(host)->log), fmt, ap);
  va_end(ap);
}

/* Full on every eagain_every-th call, so the source has to retry. */
static int fake_emit(vigil_host_t *host, const void *data, size_t len, vigil_format_t format,
                     const vigil_position_t *pos) {
  fake_host_t *h = fh(host);
  char *copy;

  if (h->eagain_every && (h->emits + h->eagains + 1) % h->eagain_every == 0) {
    h->eagains++;
    return VIGIL_EAGAIN;
  }
  assert_int_equal(format, VIGIL_FORMAT_JSON);
  assert_true(h->emits < 64);
  copy = malloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, data, len);
  copy[len] = '\0';
  h->records[h->emits] = copy;
  h->positions[h->emits] = *pos;
  h->emits++;
  return VIGIL_OK;
}

static void fake_source_done(vigil_host_t *host) {
  fh(host)->done++;
}

static void fake_delivered(vigil_host_t *host, void *token, vigil_delivery_t outcome) {
  fake_host_t *h = fh(host);

  assert_true(h->delivered < 8);
  h->tokens[h->delivered] = token;
  h->outcomes[h->delivered] = outcome;
  h->delivered++;
}

static void fake_stopped(void *arg) {
  ((fake_host_t *)arg)->stopped++;
}

static vigil_services_t fake_services(uv_loop_t *loop) {
  vigil_services_t svc = {0};

  svc.size = sizeof(svc);
  svc.loop = loop;
  svc.log = fake_log;
  svc.emit = fake_emit;
  svc.source_done = fake_source_done;
  svc.delivered = fake_delivered;
  return svc;
}

static void fake_free(fake_host_t *h) {
  int i;

  for (i = 0; i < h->emits; i++)
    free(h->records[i]);
}

/* ---- accepted plugins ---------------------------------------------------------------------- */

static void test_open_good_source(void **state) {
  vigil_plugin_lib_t *lib = NULL;
  vigil_services_t svc = fake_services(NULL);
  fake_host_t host = {0};
  const char *msg = NULL;
  void *inst = NULL;

  assert_int_equal(vigil_plugin_open(tpath("source_testgood.so"), &lib, errbuf, sizeof(errbuf)),
                   VIGIL_OK);
  assert_non_null(lib);
  assert_string_equal(lib->path, tpath("source_testgood.so"));
  assert_string_equal(lib->desc.name, "testgood");
  assert_string_equal(lib->desc.version, "1.2.3");
  assert_string_equal(lib->desc.description, "Test source that emits nothing");
  assert_int_equal(lib->desc.kind, VIGIL_PLUGIN_SOURCE);
  assert_int_equal(lib->desc.abi_major, VIGIL_ABI_MAJOR);
  assert_int_equal(lib->desc.abi_minor, VIGIL_ABI_MINOR);
  assert_null(lib->desc.deliver);

  /* The copied function pointers are the plugin's own, and work. */
  assert_int_equal(lib->desc.create(&svc, (vigil_host_t *)(void *)&host, "{}", &inst, &msg),
                   VIGIL_OK);
  assert_int_equal(lib->desc.start(inst), VIGIL_OK);
  assert_string_equal(lib->desc.last_error(inst), "stub is running");
  assert_int_equal(lib->desc.stop(inst, fake_stopped, &host), VIGIL_OK);
  assert_int_equal(host.stopped, 1);
  assert_string_equal(lib->desc.last_error(inst), "stub is stopped");
  lib->desc.destroy(inst);
  vigil_plugin_close(lib);
}

static void test_open_good_sink(void **state) {
  vigil_plugin_lib_t *lib = NULL;
  vigil_services_t svc = fake_services(NULL);
  fake_host_t host = {0};
  vigil_alert_t alert = {0};
  const char *msg = NULL;
  void *inst = NULL;
  int token;

  assert_int_equal(vigil_plugin_open(tpath("sink_testgood.so"), &lib, errbuf, sizeof(errbuf)),
                   VIGIL_OK);
  assert_string_equal(lib->desc.name, "testgood");
  assert_int_equal(lib->desc.kind, VIGIL_PLUGIN_SINK);
  assert_non_null(lib->desc.deliver);

  assert_int_equal(lib->desc.create(&svc, (vigil_host_t *)(void *)&host, "{}", &inst, &msg),
                   VIGIL_OK);
  alert.size = sizeof(alert);
  alert.token = &token;
  assert_int_equal(lib->desc.deliver(inst, &alert), VIGIL_OK);
  assert_int_equal(host.delivered, 1);
  assert_ptr_equal(host.tokens[0], &token);
  assert_int_equal(host.outcomes[0], VIGIL_DELIVERY_DONE);
  lib->desc.destroy(inst);
  vigil_plugin_close(lib);
}

/* Declared as the 1.0 prefix: read up to its size, zero beyond it. */
static void test_open_prefix_descriptor(void **state) {
  vigil_plugin_lib_t *lib = NULL;
  const unsigned char *bytes;
  size_t i;

  assert_int_equal(vigil_plugin_open(tpath("source_testprefix.so"), &lib, errbuf, sizeof(errbuf)),
                   VIGIL_OK);
  assert_int_equal(lib->desc.size, VIGIL_PLUGIN_SIZE_1_0);
  assert_string_equal(lib->desc.name, "testprefix");
  assert_string_equal(lib->desc.version, "1.0.0");
  assert_int_equal(lib->desc.kind, VIGIL_PLUGIN_SOURCE | VIGIL_PLUGIN_SINK);
  assert_null(lib->desc.config_schema);
  assert_non_null(lib->desc.deliver);

  /* The plugin's memory after its descriptor is 0xa5 filler. While the host
   * struct is the 1.0 layout this loop covers no bytes; from ABI 1.1 on it
   * checks that appended fields read as zero, not as the filler. */
  bytes = (const unsigned char *)&lib->desc;
  for (i = VIGIL_PLUGIN_SIZE_1_0; i < sizeof(lib->desc); i++)
    assert_int_equal(bytes[i], 0);
  vigil_plugin_close(lib);
}

/* ---- refused plugins ----------------------------------------------------------------------- */

/* Checks a refusal: the status, no plugin, one line starting with the path,
 * containing the reason. */
static void expect_refused(const char *path, int status, const char *reason) {
  vigil_plugin_lib_t *lib = (vigil_plugin_lib_t *)(void *)&errbuf; /* must be reset */
  char prefix[PATH_MAX + 2];

  errbuf[0] = '\0';
  assert_int_equal(vigil_plugin_open(path, &lib, errbuf, sizeof(errbuf)), status);
  assert_null(lib);
  snprintf(prefix, sizeof(prefix), "%s: ", path);
  if (strncmp(errbuf, prefix, strlen(prefix)) != 0 || strstr(errbuf, reason) == NULL)
    fail_msg("for %s expected \"%s\" in: %s", path, reason, errbuf);
  assert_null(strchr(errbuf, '\n'));
}

static void test_refuse_newer_minor(void **state) {
  char reason[128];

  snprintf(reason, sizeof(reason),
           "plugin built for ABI %d.%d, this vigil supports ABI %d.%d (newer minor)",
           VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR + 1, VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR);
  expect_refused(tpath("source_testminor.so"), VIGIL_EINVAL, reason);
}

static void test_refuse_other_major(void **state) {
  char reason[128];

  snprintf(reason, sizeof(reason),
           "plugin built for ABI %d.0, this vigil supports ABI %d.%d (major differs)",
           VIGIL_ABI_MAJOR + 1, VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR);
  expect_refused(tpath("source_testmajor.so"), VIGIL_EINVAL, reason);
}

static void test_refuse_small_descriptor(void **state) {
  char reason[128];

  snprintf(reason, sizeof(reason), "descriptor too small (12 bytes, at least %zu)",
           (size_t)VIGIL_PLUGIN_SIZE_1_0);
  expect_refused(tpath("source_testsmall.so"), VIGIL_EINVAL, reason);
}

static void test_refuse_missing_functions(void **state) {
  expect_refused(tpath("source_testnostop.so"), VIGIL_EINVAL, "missing required function 'stop'");
  expect_refused(tpath("sink_testnodeliver.so"), VIGIL_EINVAL,
                 "missing required function 'deliver'");
}

static void test_refuse_no_entry(void **state) {
  expect_refused(tpath("source_testnoentry.so"), VIGIL_EINVAL,
                 "not a vigil plugin (no vigil_plugin_entry symbol)");
}

static void test_refuse_unloadable(void **state) {
  char *reason;

  expect_refused(tpath("source_testnotelf.so"), VIGIL_EIO, "cannot load: ");
  /* dlopen's own explanation follows, not an empty string. */
  reason = strstr(errbuf, "cannot load: ") + strlen("cannot load: ");
  assert_true(strlen(reason) > 0);
  expect_refused("/nonexistent/source_x.so", VIGIL_EIO, "cannot load: ");
}

/* ---- finding by name ----------------------------------------------------------------------- */

static void test_find_by_name(void **state) {
  vigil_plugin_dirs_t dirs = {{"/nonexistent-vigil-a", TDIR}, 2};
  vigil_plugin_lib_t *lib = NULL;

  assert_int_equal(
      vigil_plugin_find(&dirs, "testgood", VIGIL_PLUGIN_SOURCE, &lib, errbuf, sizeof(errbuf)),
      VIGIL_OK);
  assert_string_equal(lib->path, tpath("source_testgood.so"));
  assert_int_equal(lib->desc.kind, VIGIL_PLUGIN_SOURCE);
  vigil_plugin_close(lib);

  assert_int_equal(
      vigil_plugin_find(&dirs, "testgood", VIGIL_PLUGIN_SINK, &lib, errbuf, sizeof(errbuf)),
      VIGIL_OK);
  assert_string_equal(lib->path, tpath("sink_testgood.so"));
  vigil_plugin_close(lib);
}

static void test_find_not_found(void **state) {
  vigil_plugin_dirs_t dirs = {{"/nonexistent-vigil-a", TDIR}, 2};
  vigil_plugin_dirs_t none = {{NULL}, 0};
  vigil_plugin_lib_t *lib = NULL;
  char want[2048];

  assert_int_equal(
      vigil_plugin_find(&dirs, "nope", VIGIL_PLUGIN_SOURCE, &lib, errbuf, sizeof(errbuf)),
      VIGIL_ERR);
  assert_null(lib);
  snprintf(want, sizeof(want),
           "no source plugin \"nope\" (looked for source_nope.so in: /nonexistent-vigil-a, %s)",
           TDIR);
  assert_string_equal(errbuf, want);

  assert_int_equal(
      vigil_plugin_find(&none, "nope", VIGIL_PLUGIN_SINK, &lib, errbuf, sizeof(errbuf)), VIGIL_ERR);
  assert_non_null(strstr(errbuf, "no sink plugin \"nope\" (looked for sink_nope.so in: "));

  /* A name is never a path. */
  assert_int_equal(vigil_plugin_find(&dirs, "../plugins/source_testgood", VIGIL_PLUGIN_SOURCE, &lib,
                                     errbuf, sizeof(errbuf)),
                   VIGIL_EINVAL);
  assert_non_null(strstr(errbuf, "invalid source plugin name"));
}

static void test_find_checks_identity(void **state) {
  vigil_plugin_dirs_t dirs = {{TDIR}, 1};
  vigil_plugin_lib_t *lib = NULL;
  char want[PATH_MAX + 128];

  /* Opened by path the name is not checked; found by name it must match. */
  assert_int_equal(vigil_plugin_open(tpath("source_testmisnamed.so"), &lib, errbuf, sizeof(errbuf)),
                   VIGIL_OK);
  vigil_plugin_close(lib);

  assert_int_equal(
      vigil_plugin_find(&dirs, "testmisnamed", VIGIL_PLUGIN_SOURCE, &lib, errbuf, sizeof(errbuf)),
      VIGIL_EINVAL);
  assert_null(lib);
  snprintf(want, sizeof(want),
           "%s: descriptor says source \"somethingelse\" but the file name says source "
           "\"testmisnamed\"",
           tpath("source_testmisnamed.so"));
  assert_string_equal(errbuf, want);

  assert_int_equal(
      vigil_plugin_find(&dirs, "testwrongkind", VIGIL_PLUGIN_SINK, &lib, errbuf, sizeof(errbuf)),
      VIGIL_EINVAL);
  assert_non_null(strstr(errbuf, "descriptor says source \"testwrongkind\" but the file name "
                                 "says sink \"testwrongkind\""));
}

/* A refused copy in an earlier folder is reported, not skipped for a later one. */
static void test_find_first_folder_decides(void **state) {
  char *tmp = make_tmpdir();
  vigil_plugin_dirs_t dirs = {{tmp, TDIR}, 2};
  vigil_plugin_lib_t *lib = NULL;

  link_into(tmp, tpath("source_testminor.so"), "source_testgood.so");
  assert_int_equal(
      vigil_plugin_find(&dirs, "testgood", VIGIL_PLUGIN_SOURCE, &lib, errbuf, sizeof(errbuf)),
      VIGIL_EINVAL);
  assert_null(lib);
  assert_non_null(strstr(errbuf, tmp));
  assert_non_null(strstr(errbuf, "(newer minor)"));
  remove_tree(tmp);
  free(tmp);
}

/* ---- listing ------------------------------------------------------------------------------- */

static const char *const refused_files[] = {
    "sink_testnodeliver.so", "sink_testwrongkind.so",  "source_testmajor.so",
    "source_testminor.so",   "source_testmisnamed.so", "source_testnoentry.so",
    "source_testnostop.so",  "source_testnotelf.so",   "source_testsmall.so",
};

static void test_list_test_plugins(void **state) {
  vigil_plugin_dirs_t dirs = {{TDIR}, 1};
  char line[PATH_MAX + 64];
  FILE *out = tmpfile();
  const char *a, *b;
  char *text;
  size_t i;
  int refused;

  assert_non_null(out);
  refused = vigil_plugin_list(&dirs, out);
  text = slurp(out);
  fclose(out);

  assert_int_equal(refused, (int)(sizeof(refused_files) / sizeof(refused_files[0])));
  snprintf(line, sizeof(line), "%s:\n", TDIR);
  assert_true(strncmp(text, line, strlen(line)) == 0);
  for (i = 0; i < sizeof(refused_files) / sizeof(refused_files[0]); i++) {
    snprintf(line, sizeof(line), "  !  %s: ", tpath(refused_files[i]));
    if (count_lines_with(text, line) != 1)
      fail_msg("no refusal line for %s in:\n%s", refused_files[i], text);
  }
  assert_int_equal(count_lines_with(text, "  !  "), refused);

  /* One line per accepted plugin: name, kind, version, ABI, path, description. */
  snprintf(line, sizeof(line), "ABI %d.%d  %s  Test source that emits nothing", VIGIL_ABI_MAJOR,
           VIGIL_ABI_MINOR, tpath("source_testgood.so"));
  assert_int_equal(count_lines_with(text, line), 1);
  assert_int_equal(count_lines_with(text, "  testgood       source      1.2.3"), 1);
  assert_int_equal(count_lines_with(text, "  testgood       sink        0.0.1"), 1);
  assert_int_equal(count_lines_with(text, "  testprefix     source+sink 1.0.0"), 1);
  assert_int_equal(count_lines_with(text, "/tests/plugins/"), 12); /* nothing else listed */

  /* Sorted by file name. */
  a = strstr(text, "sink_testwrongkind.so");
  b = strstr(text, "source_testgood.so");
  assert_true(a != NULL && b != NULL && a < b);
  a = strstr(text, "source_testprefix.so");
  assert_true(a != NULL && b < a);
  free(text);
}

static void test_list_odd_folders(void **state) {
  char *tmp = make_tmpdir();
  char empty[PATH_MAX], line[PATH_MAX + 64];
  vigil_plugin_dirs_t dirs = {{tmp, empty, "/nonexistent-vigil-b"}, 3};
  FILE *out = tmpfile();
  char *text;
  int refused;

  snprintf(empty, sizeof(empty), "%s/empty", tmp);
  assert_int_equal(mkdir(empty, 0700), 0);
  link_into(tmp, tpath("source_testgood.so"), "myplugin.so");
  link_into(tmp, tpath("sink_testgood.so"), "sink_testgood.so");
  link_into(tmp, "/nonexistent", "README.txt");

  refused = vigil_plugin_list(&dirs, out);
  text = slurp(out);
  fclose(out);

  assert_int_equal(refused, 2); /* the odd file name and the missing folder */
  snprintf(line, sizeof(line),
           "  !  %s/myplugin.so: file name is not source_NAME.so or sink_NAME.so", tmp);
  assert_int_equal(count_lines_with(text, line), 1);
  assert_int_equal(count_lines_with(text, "  testgood       sink"), 1);
  assert_int_equal(count_lines_with(text, "README"), 0);
  assert_int_equal(count_lines_with(text, "(no plugins)"), 1);
  assert_int_equal(count_lines_with(text, "  !  /nonexistent-vigil-b: cannot read folder"), 1);
  free(text);
  remove_tree(tmp);
  free(tmp);
}

/* ---- default folders ----------------------------------------------------------------------- */

/* realpath(<dir of this test binary>/plugins), or "" when there is none. */
static void exe_plugin_dir(char *out) {
  char exe[PATH_MAX], dir[PATH_MAX + 16];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

  assert_true(n > 0);
  exe[n] = '\0';
  *strrchr(exe, '/') = '\0';
  snprintf(dir, sizeof(dir), "%s/plugins", exe);
  if (realpath(dir, out) == NULL)
    out[0] = '\0';
}

static void test_dirs_defaults(void **state) {
  char *tmp = make_tmpdir();
  char env[4 * PATH_MAX], exe_dir[PATH_MAX], real_tmp[PATH_MAX], real_t[PATH_MAX];
  vigil_plugin_dirs_t dirs = {{NULL}, 0};
  int i, found_exe = 0;

  assert_non_null(realpath(tmp, real_tmp));
  assert_non_null(realpath(TDIR, real_t));
  exe_plugin_dir(exe_dir);

  /* Missing folders dropped, the same folder twice kept once, order kept. */
  snprintf(env, sizeof(env), "%s:/nonexistent-vigil-c:%s/.:%s::%s", tmp, tmp, TDIR, TDIR);
  assert_int_equal(setenv("VIGIL_PLUGIN_PATH", env, 1), 0);
  vigil_plugin_dirs_defaults(&dirs);
  assert_true(dirs.count >= 2);
  assert_string_equal(dirs.dirs[0], real_tmp);
  assert_string_equal(dirs.dirs[1], real_t);
  for (i = 2; i < dirs.count; i++) {
    assert_string_not_equal(dirs.dirs[i], real_t);
    if (strcmp(dirs.dirs[i], exe_dir) == 0)
      found_exe = 1;
  }
  /* <bindir>/plugins of this binary is found (here it is TDIR itself, so
   * listed once, from the environment). */
  if (exe_dir[0] != '\0')
    assert_true(found_exe || strcmp(exe_dir, real_t) == 0);

  /* Entries the caller put first stay first; duplicates of them are dropped. */
  dirs.dirs[0] = TDIR;
  dirs.count = 1;
  assert_int_equal(setenv("VIGIL_PLUGIN_PATH", tmp, 1), 0);
  vigil_plugin_dirs_defaults(&dirs);
  assert_string_equal(dirs.dirs[0], TDIR);
  assert_string_equal(dirs.dirs[1], real_tmp);
  for (i = 2; i < dirs.count; i++)
    assert_string_not_equal(dirs.dirs[i], real_t);

  unsetenv("VIGIL_PLUGIN_PATH");
  remove_tree(tmp);
  free(tmp);
}

static void test_dirs_defaults_limit(void **state) {
  char *tmp = make_tmpdir();
  char env[16 * PATH_MAX] = "", sub[PATH_MAX];
  vigil_plugin_dirs_t dirs = {{NULL}, 0};
  int i;

  for (i = 0; i < VIGIL_PLUGIN_MAX_DIRS + 2; i++) {
    snprintf(sub, sizeof(sub), "%s/d%02d", tmp, i);
    assert_int_equal(mkdir(sub, 0700), 0);
    strcat(env, i ? ":" : "");
    strcat(env, sub);
  }
  assert_int_equal(setenv("VIGIL_PLUGIN_PATH", env, 1), 0);
  vigil_plugin_dirs_defaults(&dirs);
  unsetenv("VIGIL_PLUGIN_PATH");
  assert_int_equal(dirs.count, VIGIL_PLUGIN_MAX_DIRS);
  assert_non_null(strstr(dirs.dirs[VIGIL_PLUGIN_MAX_DIRS - 1], "/d07"));
  remove_tree(tmp);
  free(tmp);
}

/* ---- the real plugins ---------------------------------------------------------------------- */

static void test_real_plugins(void **state) {
  static const struct {
    const char *name;
    unsigned kind;
  } real[] = {{"file", VIGIL_PLUGIN_SOURCE},
              {"stdin", VIGIL_PLUGIN_SOURCE},
              {"stdout", VIGIL_PLUGIN_SINK},
              {"file", VIGIL_PLUGIN_SINK}};
  vigil_plugin_dirs_t dirs = {{VIGIL_BUILD_PLUGIN_DIR}, 1};
  vigil_plugin_lib_t *lib;
  char path[PATH_MAX];
  size_t i;
  int checked = 0;

  for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
    snprintf(path, sizeof(path), "%s/%s_%s.so", VIGIL_BUILD_PLUGIN_DIR,
             vigil_plugin_kind_name(real[i].kind), real[i].name);
    if (access(path, F_OK) != 0) {
      print_message("skipping %s: not built yet\n", path);
      continue;
    }
    lib = NULL;
    if (vigil_plugin_find(&dirs, real[i].name, real[i].kind, &lib, errbuf, sizeof(errbuf)) !=
        VIGIL_OK)
      fail_msg("real plugin refused: %s", errbuf);
    assert_string_equal(lib->path, path);
    assert_true(lib->desc.description != NULL && lib->desc.description[0] != '\0');
    vigil_plugin_close(lib);
    checked++;
  }
  if (checked == 0)
    skip();
}

/* ---- the SDK examples through the loader ---------------------------------------------------- */

#define SDK_DIR TDIR "/sdk"

static void run_hello(const char *config, fake_host_t *host, vigil_plugin_lib_t **libp,
                      uv_loop_t *loop, void **inst) {
  vigil_services_t svc = fake_services(loop);
  const char *msg = NULL;
  vigil_plugin_dirs_t dirs = {{SDK_DIR}, 1};
  static vigil_services_t keep; /* the instance keeps a pointer to it */

  keep = svc;
  assert_int_equal(
      vigil_plugin_find(&dirs, "hello", VIGIL_PLUGIN_SOURCE, libp, errbuf, sizeof(errbuf)),
      VIGIL_OK);
  assert_int_equal((*libp)->desc.create(&keep, (vigil_host_t *)(void *)host, config, inst, &msg),
                   VIGIL_OK);
  assert_int_equal((*libp)->desc.start(*inst), VIGIL_OK);
  while (host->done == 0)
    uv_run(loop, UV_RUN_ONCE);
  assert_int_equal((*libp)->desc.stop(*inst, fake_stopped, host), VIGIL_OK);
  uv_run(loop, UV_RUN_DEFAULT); /* until the timer is closed */
  assert_int_equal(host->stopped, 1);
  assert_null((*libp)->desc.last_error(*inst));
  (*libp)->desc.destroy(*inst);
}

static void test_example_source_hello(void **state) {
  fake_host_t host = {0};
  vigil_plugin_lib_t *lib = NULL;
  uv_loop_t loop;
  void *inst = NULL;
  cJSON *rec;
  char want[64];
  int i;

  assert_int_equal(uv_loop_init(&loop), 0);
  host.eagain_every = 3; /* the pipeline is full on every third try */
  run_hello("{\"count\": 7}", &host, &lib, &loop, &inst);

  assert_int_equal(host.done, 1);
  assert_int_equal(host.emits, 7);
  assert_true(host.eagains >= 3);
  for (i = 0; i < host.emits; i++) {
    /* In order, none lost or repeated across the retries. */
    rec = cJSON_Parse(host.records[i]);
    assert_non_null(rec);
    snprintf(want, sizeof(want), "00000000-0000-4000-8000-%012d", i);
    assert_string_equal(cJSON_GetObjectItem(rec, "eventID")->valuestring, want);
    assert_string_equal(cJSON_GetObjectItem(rec, "eventSource")->valuestring, "sts.amazonaws.com");
    assert_non_null(cJSON_GetObjectItem(rec, "eventTime"));
    cJSON_Delete(rec);
    assert_string_equal(host.positions[i].stream, "hello");
    assert_int_equal(host.positions[i].line, (uint64_t)i + 1);
    if (i > 0)
      assert_int_equal(host.positions[i].offset,
                       host.positions[i - 1].offset + strlen(host.records[i - 1]) + 1);
  }
  fake_free(&host);
  vigil_plugin_close(lib);
  assert_int_equal(uv_loop_close(&loop), 0);
}

static void test_example_source_hello_config(void **state) {
  fake_host_t host = {0};
  vigil_plugin_lib_t *lib = NULL;
  vigil_plugin_dirs_t dirs = {{SDK_DIR}, 1};
  vigil_services_t svc = fake_services(NULL);
  const char *msg = NULL;
  uv_loop_t loop;
  void *inst = NULL;

  assert_int_equal(uv_loop_init(&loop), 0);
  run_hello("{\"count\": 0}", &host, &lib, &loop, &inst);
  assert_int_equal(host.emits, 0);
  assert_int_equal(host.done, 1);
  vigil_plugin_close(lib);
  assert_int_equal(uv_loop_close(&loop), 0);

  assert_int_equal(
      vigil_plugin_find(&dirs, "hello", VIGIL_PLUGIN_SOURCE, &lib, errbuf, sizeof(errbuf)),
      VIGIL_OK);
  assert_int_equal(
      lib->desc.create(&svc, (vigil_host_t *)(void *)&host, "{\"count\": -1}", &inst, &msg),
      VIGIL_EINVAL);
  assert_non_null(msg);
  assert_non_null(strstr(msg, "count"));
  assert_non_null(lib->desc.config_schema);
  vigil_plugin_close(lib);
}

static void test_example_sink_count(void **state) {
  static const vigil_severity_t sev[] = {VIGIL_SEV_HIGH, VIGIL_SEV_LOW, VIGIL_SEV_HIGH,
                                         VIGIL_SEV_CRITICAL};
  vigil_plugin_dirs_t dirs = {{SDK_DIR}, 1};
  vigil_services_t svc = fake_services(NULL);
  vigil_plugin_lib_t *lib = NULL;
  vigil_alert_t alert = {0};
  fake_host_t host = {0};
  const char *msg = NULL;
  void *inst = NULL;
  int tokens[4];
  int i;

  assert_int_equal(
      vigil_plugin_find(&dirs, "count", VIGIL_PLUGIN_SINK, &lib, errbuf, sizeof(errbuf)), VIGIL_OK);
  assert_int_equal(lib->desc.create(&svc, (vigil_host_t *)(void *)&host, "{}", &inst, &msg),
                   VIGIL_OK);
  assert_int_equal(lib->desc.start(inst), VIGIL_OK);
  for (i = 0; i < 4; i++) {
    alert.size = sizeof(alert);
    alert.json = "{}";
    alert.json_len = 2;
    alert.severity = sev[i];
    alert.token = &tokens[i];
    assert_int_equal(lib->desc.deliver(inst, &alert), VIGIL_OK);
    assert_int_equal(host.delivered, i + 1);
    assert_ptr_equal(host.tokens[i], &tokens[i]);
    assert_int_equal(host.outcomes[i], VIGIL_DELIVERY_DONE);
  }
  assert_int_equal(lib->desc.stop(inst, fake_stopped, &host), VIGIL_OK);
  assert_int_equal(host.stopped, 1);
  assert_string_equal(host.log, "4 alerts: critical=1 high=2 medium=0 low=1 info=0 other=0");
  lib->desc.destroy(inst);
  vigil_plugin_close(lib);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_open_good_source),
      cmocka_unit_test(test_open_good_sink),
      cmocka_unit_test(test_open_prefix_descriptor),
      cmocka_unit_test(test_refuse_newer_minor),
      cmocka_unit_test(test_refuse_other_major),
      cmocka_unit_test(test_refuse_small_descriptor),
      cmocka_unit_test(test_refuse_missing_functions),
      cmocka_unit_test(test_refuse_no_entry),
      cmocka_unit_test(test_refuse_unloadable),
      cmocka_unit_test(test_find_by_name),
      cmocka_unit_test(test_find_not_found),
      cmocka_unit_test(test_find_checks_identity),
      cmocka_unit_test(test_find_first_folder_decides),
      cmocka_unit_test(test_list_test_plugins),
      cmocka_unit_test(test_list_odd_folders),
      cmocka_unit_test(test_dirs_defaults),
      cmocka_unit_test(test_dirs_defaults_limit),
      cmocka_unit_test(test_real_plugins),
      cmocka_unit_test(test_example_source_hello),
      cmocka_unit_test(test_example_source_hello_config),
      cmocka_unit_test(test_example_sink_count),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
