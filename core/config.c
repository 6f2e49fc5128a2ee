#include "config.h"
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

static const char *const top_keys[] = {"rules",   "plugin_dirs",    "workers",
                                       "state_dir", "log",          "sources",
                                       "sinks",   "state_memory_mb", "stats_interval",
                                       "spool_dir", "spool_max_mb",
                                       "watch_rules", "metrics_listen", NULL};

/* A whole number in [lo, hi] at key, if present. */
static int int_opt(cJSON *root, const char *key, int lo, int hi, int *out, const char *path,
                   char *err, size_t errlen) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

  if (!v)
    return 0;
  if (cJSON_IsBool(v) && lo == 0 && hi == 1) {
    *out = cJSON_IsTrue(v);
    return 0;
  }
  if (!cJSON_IsNumber(v) || v->valuedouble != (double)v->valueint || v->valueint < lo ||
      v->valueint > hi) {
    snprintf(err, errlen, "%s: \"%s\" must be %s from %d to %d", path, key,
             lo == 0 && hi == 1 ? "true, false or a number" : "a whole number", lo, hi);
    return -1;
  }
  *out = v->valueint;
  return 0;
}

static int known(const char *k, const char *const *list) {
  for (; *list; list++) {
    if (strcmp(*list, k) == 0)
      return 1;
  }
  return 0;
}

static char *read_all(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;

  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %m", path);
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
    buf[n] = '\0';
  } else {
    snprintf(err, errlen, "%s: cannot read", path);
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

static int str_list(const cJSON *v, char **out, int *n, const char *key, const char *path,
                    char *err, size_t errlen) {
  const cJSON *it;

  if (cJSON_IsString(v)) {
    out[(*n)++] = strdup(v->valuestring);
    return 0;
  }
  if (!cJSON_IsArray(v))
    goto bad;
  cJSON_ArrayForEach(it, v) {
    if (!cJSON_IsString(it) || *n >= VIGIL_MAX_PATHS)
      goto bad;
    out[(*n)++] = strdup(it->valuestring);
  }
  return 0;
bad:
  snprintf(err, errlen, "%s: \"%s\" must be a string or a list of at most %d strings", path, key,
           VIGIL_MAX_PATHS);
  return -1;
}

int vigil_conf_add(vigil_conf_t *conf, int sink, const char *name, const char *type,
                   const char *config_json) {
  vigil_instance_conf_t *list = sink ? conf->sinks : conf->sources;
  int *n = sink ? &conf->nsinks : &conf->nsources;

  if (*n >= VIGIL_MAX_INSTANCES)
    return -1;
  list[*n].name = strdup(name);
  list[*n].type = strdup(type);
  list[*n].config = strdup(config_json ? config_json : "{}");
  (*n)++;
  return 0;
}

static int duplicate_name(const vigil_conf_t *conf, const char *name) {
  int i;

  for (i = 0; i < conf->nsources; i++) {
    if (strcmp(conf->sources[i].name, name) == 0)
      return 1;
  }
  for (i = 0; i < conf->nsinks; i++) {
    if (strcmp(conf->sinks[i].name, name) == 0)
      return 1;
  }
  return 0;
}

/* "sources": [{"name": "...", "type": "file", "config": {...}}, ...] */
static int instances(const cJSON *arr, int sink, vigil_conf_t *conf, const char *path, char *err,
                     size_t errlen) {
  const char *what = sink ? "sinks" : "sources";
  const cJSON *it;
  const cJSON *f;
  const cJSON *name;
  const cJSON *type;
  char *text;
  int i = 0;

  if (!cJSON_IsArray(arr)) {
    snprintf(err, errlen, "%s: \"%s\" must be a list of objects", path, what);
    return -1;
  }
  cJSON_ArrayForEach(it, arr) {
    if (!cJSON_IsObject(it)) {
      snprintf(err, errlen, "%s: %s[%d]: needs \"type\"; each entry is an object "
               "{\"name\", \"type\", \"config\"}", path, what, i);
      return -1;
    }
    cJSON_ArrayForEach(f, it) {
      if (!known(f->string, (const char *const[]){"name", "type", "config", NULL})) {
        snprintf(err, errlen, "%s: %s[%d]: unknown key \"%s\" (expected name, type, config)",
                 path, what, i, f->string);
        return -1;
      }
    }
    type = cJSON_GetObjectItemCaseSensitive(it, "type");
    name = cJSON_GetObjectItemCaseSensitive(it, "name");
    f = cJSON_GetObjectItemCaseSensitive(it, "config");
    if (!cJSON_IsString(type) || (name && !cJSON_IsString(name)) || (f && !cJSON_IsObject(f))) {
      snprintf(err, errlen, "%s: %s[%d]: needs \"type\" (a string); \"name\" must be a string "
               "and \"config\" an object", path, what, i);
      return -1;
    }
    if (duplicate_name(conf, name ? name->valuestring : type->valuestring)) {
      snprintf(err, errlen, "%s: %s[%d]: the name \"%s\" is taken; give each source and sink "
               "its own \"name\"", path, what, i, name ? name->valuestring : type->valuestring);
      return -1;
    }
    text = f ? cJSON_PrintUnformatted(f) : NULL;
    if (vigil_conf_add(conf, sink, name ? name->valuestring : type->valuestring,
                       type->valuestring, text) != 0) {
      cJSON_free(text);
      snprintf(err, errlen, "%s: too many %s (at most %d)", path, what, VIGIL_MAX_INSTANCES);
      return -1;
    }
    cJSON_free(text);
    i++;
  }
  return 0;
}

static int log_conf(const cJSON *v, vigil_conf_t *conf, const char *path, char *err,
                    size_t errlen) {
  static const char *const levels[] = {"error", "warn", "info", "debug", NULL};
  const cJSON *lv = cJSON_GetObjectItemCaseSensitive(v, "level");
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(v, "format");
  int i;

  const cJSON *k;

  if (!cJSON_IsObject(v))
    goto bad;
  cJSON_ArrayForEach(k, v) {
    if (strcmp(k->string, "level") != 0 && strcmp(k->string, "format") != 0) {
      snprintf(err, errlen, "%s: log: unknown key \"%s\" (expected level, format)", path,
               k->string);
      return -1;
    }
  }
  for (i = 0; lv && levels[i]; i++) {
    if (cJSON_IsString(lv) && strcmp(lv->valuestring, levels[i]) == 0)
      break;
  }
  if (lv && !levels[i])
    goto bad;
  if (lv)
    conf->log_level = (vigil_log_level_t)i;
  if (fmt && !(cJSON_IsString(fmt) && (strcmp(fmt->valuestring, "text") == 0 ||
                                      strcmp(fmt->valuestring, "json") == 0)))
    goto bad;
  if (fmt)
    conf->log_format = fmt->valuestring[0] == 'j' ? VIGIL_LOGFMT_JSON : VIGIL_LOGFMT_TEXT;
  return 0;
bad:
  snprintf(err, errlen, "%s: \"log\" must be {\"level\": error|warn|info|debug, "
           "\"format\": text|json}", path);
  return -1;
}

/* "metrics_listen": "127.0.0.1:9464", checked now so a typo fails at start. */
static int metrics_conf(const cJSON *v, vigil_conf_t *conf, const char *path, char *err,
                        size_t errlen) {
  char why[256];

  if (!cJSON_IsString(v)) {
    snprintf(err, errlen, "%s: \"metrics_listen\" must be a string \"host:port\"", path);
    return -1;
  }
  if (vigil_metrics_listen_check(v->valuestring, why, sizeof(why)) != 0) {
    snprintf(err, errlen, "%s: \"metrics_listen\": %s", path, why);
    return -1;
  }
  conf->metrics_listen = strdup(v->valuestring);
  return 0;
}

int vigil_conf_load(const char *path, vigil_conf_t *conf, char *err, size_t errlen) {
  char *text = read_all(path, err, errlen);
  const char *where = NULL;
  const char *p;
  int line;
  cJSON *root;
  const cJSON *v;
  int rc = -1;
  int mb = 16;

  conf->stats_interval = 60;
  if (!text)
    return -1;
  root = cJSON_ParseWithOpts(text, &where, 0);
  if (!root) {
    for (p = text, line = 1; p < where && *p; p++)
      line += *p == '\n';
    snprintf(err, errlen, "%s:%d: invalid JSON near here", path, line);
    goto out;
  }
  if (!cJSON_IsObject(root)) {
    snprintf(err, errlen, "%s: the configuration must be a JSON object", path);
    goto out;
  }
  cJSON_ArrayForEach(v, root) {
    if (!known(v->string, top_keys)) {
      snprintf(err, errlen, "%s: unknown key \"%s\"", path, v->string);
      goto out;
    }
  }
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "rules")) &&
      str_list(v, conf->rules, &conf->nrules, "rules", path, err, errlen) != 0)
    goto out;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "plugin_dirs")) &&
      str_list(v, conf->plugin_dirs, &conf->nplugin_dirs, "plugin_dirs", path, err, errlen) != 0)
    goto out;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "workers"))) {
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)v->valueint || v->valueint < 0 ||
        v->valueint > 256) {
      snprintf(err, errlen, "%s: \"workers\" must be a number from 0 (one per core) to 256", path);
      goto out;
    }
    conf->workers = v->valueint;
  }
  if (int_opt(root, "state_memory_mb", 1, 65536, &mb, path, err, errlen) != 0 ||
      int_opt(root, "stats_interval", 0, 86400, &conf->stats_interval, path, err, errlen) != 0 ||
      int_opt(root, "watch_rules", 0, 1, &conf->watch_rules, path, err, errlen) != 0 ||
      int_opt(root, "spool_max_mb", 1, 1048576, &conf->spool_max_mb, path, err, errlen) != 0)
    goto out;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "spool_dir"))) {
    if (!cJSON_IsString(v)) {
      snprintf(err, errlen, "%s: \"spool_dir\" must be a string", path);
      goto out;
    }
    conf->spool_dir = strdup(v->valuestring);
  }
  conf->state_max_bytes = (size_t)mb << 20;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "state_dir"))) {
    if (!cJSON_IsString(v)) {
      snprintf(err, errlen, "%s: \"state_dir\" must be a string", path);
      goto out;
    }
    conf->state_dir = strdup(v->valuestring);
  }
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "metrics_listen")) &&
      metrics_conf(v, conf, path, err, errlen) != 0)
    goto out;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "log")) &&
      log_conf(v, conf, path, err, errlen) != 0)
    goto out;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "sources")) &&
      instances(v, 0, conf, path, err, errlen) != 0)
    goto out;
  if ((v = cJSON_GetObjectItemCaseSensitive(root, "sinks")) &&
      instances(v, 1, conf, path, err, errlen) != 0)
    goto out;
  if (conf->nsources == 0 || conf->nsinks == 0) {
    snprintf(err, errlen, "%s: needs at least one source and one sink", path);
    goto out;
  }
  rc = 0;
out:
  cJSON_Delete(root);
  free(text);
  return rc;
}

static void free_inst(vigil_instance_conf_t *v, int n) {
  int i;

  for (i = 0; i < n; i++) {
    free(v[i].name);
    free(v[i].type);
    free(v[i].config);
  }
}

void vigil_conf_free(vigil_conf_t *conf) {
  int i;

  for (i = 0; i < conf->nrules; i++)
    free(conf->rules[i]);
  for (i = 0; i < conf->nplugin_dirs; i++)
    free(conf->plugin_dirs[i]);
  free(conf->state_dir);
  free(conf->metrics_listen);
  free(conf->spool_dir);
  free_inst(conf->sources, conf->nsources);
  free_inst(conf->sinks, conf->nsinks);
  memset(conf, 0, sizeof(*conf));
}
