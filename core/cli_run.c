#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"

static void help(FILE *out) {
  fprintf(out,
          "usage: vigil run -c CONFIG [OPTIONS]\n\n"
          "Runs a pipeline described by a JSON file until its sources end or SIGINT or\n"
          "SIGTERM arrives; a signal stops the sources and finishes the events in flight\n"
          "(a second one quits at once). SIGHUP reloads the rules: the new set is\n"
          "loaded and tested beside the running one and replaces it only if both\n"
          "succeed. Figures are logged every stats_interval seconds and per rule at\n"
          "the end. The file format is in README.md and docs/operations.md.\n\n"
          "  -c, --config FILE      the pipeline configuration (required)\n"
          "  -w, --workers N        override the worker count\n"
          "      --plugin-dir DIR   look for plugins in DIR first (repeatable)\n"
          "  -s, --stats            also print the per-rule table to stderr at the end\n"
          "      --watch            reload the rules when a rule file changes (as SIGHUP)\n"
          "  -l, --log-level LVL    error, warn, info (default) or debug\n"
          "      --log-format FMT   text (default) or json lines on stderr\n"
          "  -h, --help             this text\n\n"
          "Exit status: 0 clean stop (alerts or not), 2 errors (start-up failed, or some\n"
          "input, rule or delivery failed while running).\n");
}

int vigil_cmd_run(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},    {"workers", required_argument, NULL, 'w'},
      {"plugin-dir", required_argument, NULL, 'p'}, {"stats", no_argument, NULL, 's'},
      {"log-level", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
      {"watch", no_argument, NULL, 'W'},          {"log-format", required_argument, NULL, 'F'},
      {NULL, 0, NULL, 0}};
  vigil_conf_t conf;
  vigil_run_stats_t st;
  const char *path = NULL;
  const char *level = NULL;
  const char *format = NULL;
  char *extra[VIGIL_MAX_PATHS];
  int nextra = 0;
  int workers = -1;
  int stats = 0;
  int watch = 0;
  int c;
  int i;
  int rc;
  char err[1024];

  memset(&conf, 0, sizeof(conf));
  conf.log_level = VIGIL_LOG_INFO;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:w:sl:h", opts, NULL)) != -1) {
    if (c == 'c') {
      path = optarg;
    } else if (c == 'w' && (workers = atoi(optarg)) >= 1 && workers <= 256) {
      continue;
    } else if (c == 'p' && nextra < VIGIL_MAX_PATHS) {
      extra[nextra++] = optarg;
    } else if (c == 's') {
      stats = 1;
    } else if (c == 'W') {
      watch = 1;
    } else if (c == 'l') {
      level = optarg;
    } else if (c == 'F' && (!strcmp(optarg, "text") || !strcmp(optarg, "json"))) {
      format = optarg;
    } else if (c == 'h') {
      help(stdout);
      return VIGIL_EXIT_OK;
    } else {
      help(stderr);
      return VIGIL_EXIT_ERROR;
    }
  }
  if (!path || optind != argc) {
    help(stderr);
    return VIGIL_EXIT_ERROR;
  }
  if (vigil_conf_load(path, &conf, err, sizeof(err)) != 0) {
    /* Asked for JSON lines: even this one must parse for the log shipper. */
    if (format && format[0] == 'j') {
      vigil_log_setup(VIGIL_LOG_ERROR, VIGIL_LOGFMT_JSON);
      vigil_error("config", "%s", err);
    } else {
      fprintf(stderr, "vigil: error: %s\n", err);
    }
    vigil_conf_free(&conf);
    return VIGIL_EXIT_ERROR;
  }
  if (level && vigil_cli_level(level, &conf.log_level) != 0) {
    help(stderr);
    vigil_conf_free(&conf);
    return VIGIL_EXIT_ERROR;
  }
  if (format)
    conf.log_format = format[0] == 'j' ? VIGIL_LOGFMT_JSON : VIGIL_LOGFMT_TEXT;
  if (workers > 0)
    conf.workers = workers;
  if (watch)
    conf.watch_rules = 1;
  conf.log_rule_stats = 1;
  /* Command-line plugin folders come before the configuration's. */
  for (i = conf.nplugin_dirs - 1; i >= 0 && nextra > 0; i--) {
    if (i + nextra < VIGIL_MAX_PATHS)
      conf.plugin_dirs[i + nextra] = conf.plugin_dirs[i];
    else
      free(conf.plugin_dirs[i]);
  }
  for (i = 0; i < nextra; i++)
    conf.plugin_dirs[i] = strdup(extra[i]);
  conf.nplugin_dirs = conf.nplugin_dirs + nextra > VIGIL_MAX_PATHS ? VIGIL_MAX_PATHS
                                                                   : conf.nplugin_dirs + nextra;
  vigil_log_setup(conf.log_level, conf.log_format);
  vigil_log_stamped(1); /* a long run's lines need their time */
  {
    const char *names[2 * VIGIL_MAX_INSTANCES];
    int n = 0;

    for (i = 0; i < conf.nsources; i++)
      names[n++] = conf.sources[i].name;
    for (i = 0; i < conf.nsinks; i++)
      names[n++] = conf.sinks[i].name;
    vigil_log_instances(names, n);
  }
  vigil_info(NULL, "vigil %s starting with %s", VIGIL_VERSION, path);
  rc = vigil_pipeline_run(&conf, &st, stats ? stderr : NULL);
  vigil_info(NULL, "stopped: %llu records, %llu alerts, %llu decode errors, %llu rule errors",
             (unsigned long long)st.records, (unsigned long long)st.alerts,
             (unsigned long long)st.decode_errors, (unsigned long long)st.rule_errors);
  vigil_conf_free(&conf);
  rc = vigil_cli_status(rc, &st);
  return rc == VIGIL_EXIT_ALERTS ? VIGIL_EXIT_OK : rc;
}
