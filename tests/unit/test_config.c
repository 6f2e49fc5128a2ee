/*
 * The JSON configuration file (config.c): a full valid file read into
 * every field; errors for unknown keys, wrong types, sources without a
 * type, log level and format names, missing or broken files; every error
 * names the file.
 */
#include "test_unit_util.h"

#include "config.h"

static tmpdir_t td;

static int setup(void **state) {
  td_make(&td);
  return 0;
}

static int teardown(void **state) {
  td_remove(&td);
  return 0;
}

/* Writes text to conf.json and loads it into a zeroed *conf. */
static int load(const char *text, vigil_conf_t *conf, char *err, size_t cap, char *path,
                size_t pcap) {
  td_write(&td, "conf.json", text);
  td_path(&td, "conf.json", path, pcap);
  memset(conf, 0, sizeof(*conf));
  err[0] = '\0';
  return vigil_conf_load(path, conf, err, cap);
}

#define MIN_IO "\"sources\":[{\"type\":\"stdin\"}],\"sinks\":[{\"type\":\"stdout\"}]"

/* Loading text fails; the error starts with the file's path and holds want. */
static void rejects(const char *text, const char *want) {
  vigil_conf_t conf;
  char err[512];
  char path[512];

  assert_int_not_equal(load(text, &conf, err, sizeof(err), path, sizeof(path)), 0);
  if (strncmp(err, path, strlen(path)) != 0 || !strstr(err, want))
    fail_msg("config %s\n  error '%s'\n  wants '%s: ... %s'", text, err, path, want);
  vigil_conf_free(&conf);
}

static void full_valid_file(void **state) {
  static const char text[] =
      "{\n"
      "  \"rules\": [\"/etc/vigil/rules\", \"/opt/more-rules\"],\n"
      "  \"plugin_dirs\": \"/usr/lib/vigil/plugins\",\n"
      "  \"workers\": 4,\n"
      "  \"state_dir\": \"/var/lib/vigil\",\n"
      "  \"log\": {\"level\": \"debug\", \"format\": \"json\"},\n"
      "  \"sources\": [\n"
      "    {\"name\": \"trail\", \"type\": \"file\",\n"
      "     \"config\": {\"path\": \"/logs\", \"n\": 1}},\n"
      "    {\"type\": \"stdin\"}\n"
      "  ],\n"
      "  \"sinks\": [{\"name\": \"out\", \"type\": \"stdout\", \"config\": {}}]\n"
      "}\n";
  vigil_conf_t conf;
  char err[512];
  char path[512];

  assert_int_equal(load(text, &conf, err, sizeof(err), path, sizeof(path)), 0);
  assert_int_equal(conf.nrules, 2);
  assert_string_equal(conf.rules[0], "/etc/vigil/rules");
  assert_string_equal(conf.rules[1], "/opt/more-rules");
  assert_int_equal(conf.nplugin_dirs, 1);
  assert_string_equal(conf.plugin_dirs[0], "/usr/lib/vigil/plugins");
  assert_int_equal(conf.workers, 4);
  assert_string_equal(conf.state_dir, "/var/lib/vigil");
  assert_int_equal(conf.log_level, VIGIL_LOG_DEBUG);
  assert_int_equal(conf.log_format, VIGIL_LOGFMT_JSON);
  assert_int_equal(conf.nsources, 2);
  assert_string_equal(conf.sources[0].name, "trail");
  assert_string_equal(conf.sources[0].type, "file");
  assert_string_equal(conf.sources[0].config, "{\"path\":\"/logs\",\"n\":1}");
  assert_string_equal(conf.sources[1].name, "stdin"); /* defaults to the type */
  assert_string_equal(conf.sources[1].type, "stdin");
  assert_string_equal(conf.sources[1].config, "{}");
  assert_int_equal(conf.nsinks, 1);
  assert_string_equal(conf.sinks[0].name, "out");
  assert_string_equal(conf.sinks[0].config, "{}");
  vigil_conf_free(&conf);
  assert_int_equal(conf.nsources, 0);
  assert_null(conf.state_dir);
}

static void log_level_names(void **state) {
  static const struct {
    const char *name;
    vigil_log_level_t level;
  } levels[] = {{"error", VIGIL_LOG_ERROR},
                {"warn", VIGIL_LOG_WARN},
                {"info", VIGIL_LOG_INFO},
                {"debug", VIGIL_LOG_DEBUG}};
  vigil_conf_t conf;
  char text[256];
  char err[512];
  char path[512];
  size_t i;

  for (i = 0; i < 4; i++) {
    snprintf(text, sizeof(text), "{\"log\":{\"level\":\"%s\",\"format\":\"text\"}," MIN_IO "}",
             levels[i].name);
    assert_int_equal(load(text, &conf, err, sizeof(err), path, sizeof(path)), 0);
    assert_int_equal(conf.log_level, levels[i].level);
    assert_int_equal(conf.log_format, VIGIL_LOGFMT_TEXT);
    vigil_conf_free(&conf);
  }
  rejects("{\"log\":{\"level\":\"verbose\"}," MIN_IO "}", "\"log\" must be");
  rejects("{\"log\":{\"level\":\"DEBUG\"}," MIN_IO "}", "\"log\" must be");
  rejects("{\"log\":{\"level\":3}," MIN_IO "}", "\"log\" must be");
  rejects("{\"log\":{\"format\":\"xml\"}," MIN_IO "}", "\"log\" must be");
  rejects("{\"log\":\"debug\"," MIN_IO "}", "\"log\" must be");
  rejects("{\"log\":{\"levl\":\"debug\"}," MIN_IO "}", "log: unknown key \"levl\"");
}

static void unknown_keys(void **state) {
  rejects("{\"rule\":\"/r\"," MIN_IO "}", "unknown key \"rule\"");
  rejects("{\"sources\":[{\"type\":\"file\",\"path\":\"/x\"}],\"sinks\":[{\"type\":\"stdout\"}]}",
          "sources[0]: unknown key \"path\"");
  rejects("{\"sources\":[{\"type\":\"stdin\"}],"
          "\"sinks\":[{\"type\":\"stdout\"},{\"type\":\"file\",\"opts\":{}}]}",
          "sinks[1]: unknown key \"opts\"");
}

static void bad_types(void **state) {
  rejects("{\"rules\":5," MIN_IO "}", "\"rules\" must be a string or a list");
  rejects("{\"rules\":[\"/a\",7]," MIN_IO "}", "\"rules\" must be a string or a list");
  rejects("{\"plugin_dirs\":{}," MIN_IO "}", "\"plugin_dirs\" must be");
  rejects("{\"workers\":\"4\"," MIN_IO "}", "\"workers\" must be a number");
  rejects("{\"workers\":-1," MIN_IO "}", "\"workers\" must be a number");
  rejects("{\"workers\":1000," MIN_IO "}", "\"workers\" must be a number");
  rejects("{\"state_dir\":true," MIN_IO "}", "\"state_dir\" must be a string");
  rejects("{\"sources\":{\"type\":\"stdin\"},\"sinks\":[{\"type\":\"stdout\"}]}",
          "\"sources\" must be a list of objects");
  rejects("{\"sources\":[{\"type\":\"stdin\",\"config\":\"path=/x\"}],"
          "\"sinks\":[{\"type\":\"stdout\"}]}",
          "sources[0]: needs \"type\"");
  rejects("{\"sources\":[{\"type\":\"stdin\",\"name\":5}],\"sinks\":[{\"type\":\"stdout\"}]}",
          "sources[0]: needs \"type\"");
}

static void sources_need_a_type(void **state) {
  rejects("{\"sources\":[{\"type\":\"stdin\"},{\"name\":\"trail\"}],"
          "\"sinks\":[{\"type\":\"stdout\"}]}",
          "sources[1]: needs \"type\" (a string)");
  rejects("{\"sources\":[{\"type\":\"stdin\"}],\"sinks\":[{\"type\":7}]}",
          "sinks[0]: needs \"type\"");
  rejects("{\"sources\":[\"stdin\"],\"sinks\":[{\"type\":\"stdout\"}]}",
          "sources[0]: needs \"type\"");
  rejects("{\"sources\":[{\"type\":\"stdin\"}]}", "needs at least one source and one sink");
  rejects("{\"sources\":[],\"sinks\":[{\"type\":\"stdout\"}]}",
          "needs at least one source and one sink");
}

/*
 * Regression test, once a bug (core/config.c, instances): an entry of "sources"/"sinks" that
 * is itself an array (e.g. "sources": [["stdin"]]) has members without
 * names; known(f->string = NULL, ...) calls strcmp on NULL and the process
 * crashes (SIGSEGV) instead of reporting the file.
 */
static void nested_array_entry_is_an_error(void **state) {
  rejects("{\"sources\":[[\"stdin\"]],\"sinks\":[{\"type\":\"stdout\"}]}", "sources[0]");
}

static void broken_or_missing_files(void **state) {
  vigil_conf_t conf;
  char err[512];
  char path[512];

  rejects("{\"rules\": [\"/r\",]}", ":1: invalid JSON near here");
  rejects("[1, 2]", "the configuration must be a JSON object");
  rejects("", ":1: invalid JSON near here");
  memset(&conf, 0, sizeof(conf));
  td_path(&td, "does-not-exist.json", path, sizeof(path));
  assert_int_not_equal(vigil_conf_load(path, &conf, err, sizeof(err)), 0);
  assert_memory_equal(err, path, strlen(path));
  assert_non_null(strstr(err, "cannot open"));
  vigil_conf_free(&conf);
}

static void conf_add(void **state) {
  vigil_conf_t conf;
  int i;

  memset(&conf, 0, sizeof(conf));
  assert_int_equal(vigil_conf_add(&conf, 1, "out", "stdout", NULL), 0);
  assert_int_equal(conf.nsinks, 1);
  assert_int_equal(conf.nsources, 0);
  assert_string_equal(conf.sinks[0].config, "{}");
  for (i = 0; i < VIGIL_MAX_INSTANCES; i++)
    assert_int_equal(vigil_conf_add(&conf, 0, "s", "file", "{\"a\":1}"), 0);
  assert_int_equal(vigil_conf_add(&conf, 0, "s", "file", NULL), -1);
  assert_int_equal(conf.nsources, VIGIL_MAX_INSTANCES);
  vigil_conf_free(&conf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(full_valid_file),
      cmocka_unit_test(log_level_names),
      cmocka_unit_test(unknown_keys),
      cmocka_unit_test(bad_types),
      cmocka_unit_test(sources_need_a_type),
      cmocka_unit_test(nested_array_entry_is_an_error),
      cmocka_unit_test(broken_or_missing_files),
      cmocka_unit_test(conf_add),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
