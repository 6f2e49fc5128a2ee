#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cli_common.h"

static void help(FILE *out) {
  fprintf(out,
          "usage: vigil scan [OPTIONS] PATH...\n\n"
          "Reads CloudTrail logs once from files and folders (recursively; S3 objects\n"
          "{\"Records\":[...]} plain or .gz, JSON Lines, JSON documents, EventBridge events)\n"
          "or from stdin when PATH is '-', runs the rules and prints alerts.\n\n"
          "  -r, --rules PATH       rule file or folder (repeatable; default: bundled pack)\n"
          "  -f, --format FMT       text (default) or json (JSON Lines, one alert a line)\n"
          "      --color WHEN       auto (default), always or never\n"
          "  -o, --output FILE      also append alerts as JSON Lines to FILE\n"
          "  -w, --workers N        rule worker threads (default: one per core)\n"
          "      --plugin-dir DIR   look for plugins in DIR first (repeatable)\n"
          "  -s, --stats            print counts per rule to stderr at the end\n"
          "  -l, --log-level LVL    error, warn (default), info or debug\n"
          "  -h, --help             this text\n\n"
          "Exit status: 0 no alerts, 1 alerts raised, 2 errors (some input, rule or\n"
          "delivery failed; alerts may also have been printed), 130 stopped by SIGINT or\n"
          "SIGTERM before all input was read (what was read was scanned).\n");
}

/* The file source's options: {"paths": [...]}. */
static char *paths_config(char **paths, int n) {
  cJSON *o = cJSON_CreateObject();
  cJSON *arr = cJSON_AddArrayToObject(o, "paths");
  char *text;
  int i;

  for (i = 0; i < n; i++)
    cJSON_AddItemToArray(arr, cJSON_CreateString(paths[i]));
  text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return text;
}

static char *one_option(const char *key, const char *value) {
  cJSON *o = cJSON_CreateObject();
  char *text;

  cJSON_AddStringToObject(o, key, value);
  text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return text;
}

static int build(vigil_conf_t *conf, char **paths, int n, const char *format, const char *color,
                 const char *output) {
  char **files = calloc((size_t)n + 1, sizeof(char *));
  char *text;
  cJSON *o;
  int nfiles = 0;
  int i;
  int stdin_seen = 0;

  for (i = 0; i < n; i++) {
    if (strcmp(paths[i], "-") == 0 && !stdin_seen++)
      vigil_conf_add(conf, 0, "stdin", "stdin", NULL);
    else if (strcmp(paths[i], "-") != 0)
      files[nfiles++] = paths[i];
  }
  if (nfiles) {
    text = paths_config(files, nfiles);
    vigil_conf_add(conf, 0, "file", "file", text);
    cJSON_free(text);
  }
  free(files);
  o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "format", format);
  cJSON_AddStringToObject(o, "color", color);
  text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  vigil_conf_add(conf, 1, "stdout", "stdout", text);
  cJSON_free(text);
  if (output) {
    text = one_option("path", output);
    vigil_conf_add(conf, 1, "alerts-file", "file", text);
    cJSON_free(text);
  }
  return 0;
}

int vigil_cmd_scan(int argc, char **argv) {
  static const struct option opts[] = {
      {"rules", required_argument, NULL, 'r'},   {"format", required_argument, NULL, 'f'},
      {"color", required_argument, NULL, 'C'},   {"output", required_argument, NULL, 'o'},
      {"workers", required_argument, NULL, 'w'}, {"plugin-dir", required_argument, NULL, 'p'},
      {"stats", no_argument, NULL, 's'},         {"log-level", required_argument, NULL, 'l'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  vigil_conf_t conf;
  vigil_run_stats_t st;
  const char *format = "text";
  const char *color = "auto";
  const char *output = NULL;
  int c;
  int rc;

  memset(&conf, 0, sizeof(conf));
  conf.log_level = VIGIL_LOG_WARN;
  optind = 1;
  while ((c = getopt_long(argc, argv, "r:f:o:w:sl:h", opts, NULL)) != -1) {
    switch (c) {
    case 'r':
      if (conf.nrules < VIGIL_MAX_PATHS)
        conf.rules[conf.nrules++] = strdup(optarg);
      break;
    case 'f':
      format = optarg;
      if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
        goto usage;
      break;
    case 'C':
      color = optarg;
      break;
    case 'o':
      output = optarg;
      break;
    case 'w':
      conf.workers = atoi(optarg);
      if (conf.workers < 1 || conf.workers > 256)
        goto usage;
      break;
    case 'p':
      if (conf.nplugin_dirs < VIGIL_MAX_PATHS)
        conf.plugin_dirs[conf.nplugin_dirs++] = strdup(optarg);
      break;
    case 's':
      conf.stats = 1;
      break;
    case 'l':
      if (vigil_cli_level(optarg, &conf.log_level) != 0)
        goto usage;
      break;
    case 'h':
      help(stdout);
      vigil_conf_free(&conf);
      return VIGIL_EXIT_OK;
    default:
      goto usage;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "vigil scan: give at least one PATH ('-' for stdin)\n");
    goto usage;
  }
  vigil_log_setup(conf.log_level, VIGIL_LOGFMT_TEXT);
  build(&conf, argv + optind, argc - optind, format, color, output);
  rc = vigil_pipeline_run(&conf, &st, conf.stats ? stderr : NULL);
  vigil_conf_free(&conf);
  if (st.interrupted && rc == VIGIL_OK)
    return VIGIL_EXIT_INTERRUPTED; /* what was read was scanned, but not all input */
  return vigil_cli_status(rc, &st);

usage:
  help(stderr);
  vigil_conf_free(&conf);
  return VIGIL_EXIT_ERROR;
}
