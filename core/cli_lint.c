/*
 * vigil lint: what a rule pack must hold before it ships, checked without
 * running any event: every rule loads (ids unique, fields valid), carries
 * at least one test that fires and one that does not, and has a runbook
 * an on-call engineer can follow.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "cli.h"
#include "pipeline.h"
#include "rule_test.h"
#include "rules.h"

typedef struct lint_s {
  int problems;
  int warnings;
} lint_t;

static void say(lint_t *l, const vigil_rule_t *r, int warn, const char *what) {
  printf("%s:%d: %s: %s%s\n", r->file, r->line, r->id, warn ? "warning: " : "", what);
  if (warn)
    l->warnings++;
  else
    l->problems++;
}

/* Counts the rule's tests that expect an alert and those that do not,
 * and names the fields of a test that no test knows (a misspelling). */
static void count_tests(lint_t *l, vigil_ruleset_t *rs, const vigil_rule_t *r, int *yes,
                        int *no) {
  lua_State *L = rs->L;
  lua_Integer i;
  lua_Integer n;
  int top = lua_gettop(L);
  char key[64], msg[160];

  *yes = *no = 0;
  if (r->tests_ref == LUA_NOREF)
    return;
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->tests_ref);
  n = (lua_Integer)lua_rawlen(L, -1);
  for (i = 1; i <= n; i++) {
    if (lua_rawgeti(L, -1, i) == LUA_TTABLE) {
      if (vigil_rule_test_unknown_key(L, key, sizeof(key))) {
        snprintf(msg, sizeof(msg), "test %lld: unknown field '%s'", (long long)i, key);
        say(l, r, 0, msg);
      }
      if (lua_getfield(L, -1, "fires") == LUA_TBOOLEAN)
        *(lua_toboolean(L, -1) ? yes : no) += 1;
    }
    lua_settop(L, top + 1);
  }
  lua_settop(L, top);
}

static int has_text(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

  return (cJSON_IsString(v) && v->valuestring[0]) || (cJSON_IsArray(v) && cJSON_GetArraySize(v));
}

static void lint_rule(lint_t *l, vigil_ruleset_t *rs, const vigil_rule_t *r) {
  const cJSON *rb = cJSON_GetObjectItemCaseSensitive(r->meta, "runbook");
  static const char *const parts[] = {"about", "risks", "console", "cli", NULL};
  const char *const *p;
  char msg[128];
  int yes;
  int no;

  count_tests(l, rs, r, &yes, &no);
  if (!yes)
    say(l, r, 0, "no test that fires (fires = true)");
  if (!no)
    say(l, r, 0, "no test that stays quiet (fires = false)");
  if (!rb) {
    say(l, r, 0, "no runbook");
  } else {
    for (p = parts; *p; p++) {
      if (!has_text(rb, *p)) {
        snprintf(msg, sizeof(msg), "runbook.%s is missing or empty", *p);
        say(l, r, 0, msg);
      }
    }
  }
  if (!has_text(r->meta, "description"))
    say(l, r, 1, "no description");
  if (!has_text(r->meta, "tags"))
    say(l, r, 1, "no tags (ATT&CK technique and tactic)");
  if (!has_text(r->meta, "references"))
    say(l, r, 1, "no references");
  if (r->nnames == 0 && r->nsources == 0 && r->nerrors == 0 && r->error_need == 0 &&
      r->nid_types == 0)
    say(l, r, 1, "no 'on' filter: it runs on every event");
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line per combination of `on` values some enabled rule is indexed
 * on: eventSource, eventName, then with --print-filters errorCode,
 * userIdentity.type, eventType and unless, tab-separated; "*" for any, a
 * trailing '*' for a prefix, errorCode "+" for any failed call and "-" for
 * successful calls only; unless "-" for none, else a JSON array of
 * [path, value] pairs (a string pattern, {"nocase": pattern} matched on the
 * value in ASCII lower case, or a boolean), any of which met skips the row.
 * Benchmarks build equivalent filters from it. */
static int add_line(char ***lines, size_t *n, size_t *cap, const char *line) {
  char **p;

  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 256;
    p = realloc(*lines, *cap * sizeof(char *));
    if (!p)
      return -1;
    *lines = p;
  }
  (*lines)[*n] = strdup(line);
  return (*lines)[(*n)++] ? 0 : -1;
}

static const char *nth(char **v, int n, int i) {
  return n ? v[i] : "*";
}

/* The unless column of r: "-" or a JSON array; a new string. */
static char *unless_column(const vigil_rule_t *r) {
  cJSON *a = cJSON_CreateArray();
  cJSON *pair;
  cJSON *value;
  char *out;
  int i;
  int j;

  if (r->nunless == 0 || !a) {
    cJSON_Delete(a);
    return strdup("-");
  }
  for (i = 0; i < r->nunless; i++) {
    for (j = 0; j < r->unless[i].npats + 2; j++) {
      if (j >= r->unless[i].npats &&
          !(r->unless[i].bools & (j == r->unless[i].npats ? VIGIL_UNLESS_TRUE
                                                          : VIGIL_UNLESS_FALSE)))
        continue;
      pair = cJSON_CreateArray();
      cJSON_AddItemToArray(pair, cJSON_CreateString(r->unless[i].path));
      if (j >= r->unless[i].npats)
        value = cJSON_CreateBool(j == r->unless[i].npats);
      else if (r->unless[i].nocase[j])
        cJSON_AddStringToObject(value = cJSON_CreateObject(), "nocase", r->unless[i].pats[j]);
      else
        value = cJSON_CreateString(r->unless[i].pats[j]);
      cJSON_AddItemToArray(pair, value);
      cJSON_AddItemToArray(a, pair);
    }
  }
  out = cJSON_PrintUnformatted(a);
  cJSON_Delete(a);
  return out;
}

static int index_lines(const vigil_rule_t *r, char ***lines, size_t *n, size_t *cap) {
  char *unless = unless_column(r);
  size_t size = (unless ? strlen(unless) : 0) + 1024;
  char *buf = malloc(size);
  int rc = 0;
  int s;
  int k;
  int e;
  int t;
  int y;
  const char *err;

  if (!unless || !buf) {
    free(unless);
    free(buf);
    return -1;
  }
  for (s = 0; s < (r->nsources ? r->nsources : 1); s++)
    for (k = 0; k < (r->nnames ? r->nnames : 1); k++)
      for (e = 0; e < (r->nerrors ? r->nerrors : 1); e++)
        for (t = 0; t < (r->nid_types ? r->nid_types : 1); t++)
          for (y = 0; y < (r->nevent_types ? r->nevent_types : 1); y++) {
            err = r->error_need == 1 ? "+" : r->error_need == -1 ? "-"
                                                               : nth(r->errors, r->nerrors, e);
            snprintf(buf, size, "%s\t%s\t%s\t%s\t%s\t%s", nth(r->sources, r->nsources, s),
                     nth(r->names, r->nnames, k), err, nth(r->id_types, r->nid_types, t),
                     nth(r->event_types, r->nevent_types, y), unless);
            if (rc == 0 && add_line(lines, n, cap, buf) != 0)
              rc = -1;
          }
  free(unless);
  free(buf);
  return rc;
}

static void print_index(const vigil_ruleset_t *rs, int full) {
  char **lines = NULL;
  size_t n = 0;
  size_t cap = 0;
  size_t i;
  char *tab;

  for (i = 0; i < rs->nrules; i++) {
    if (vigil_rule_enabled(&rs->rules[i]) && index_lines(&rs->rules[i], &lines, &n, &cap) != 0)
      break;
  }
  for (i = 0; !full && i < n; i++) {
    tab = strchr(lines[i], '\t');
    tab = tab ? strchr(tab + 1, '\t') : NULL;
    if (tab)
      *tab = '\0'; /* eventSource and eventName only */
  }
  qsort(lines, n, sizeof(char *), cmp_str);
  for (i = 0; i < n; i++) {
    if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
      printf("%s\n", lines[i]);
  }
  for (i = 0; i < n; i++)
    free(lines[i]);
  free(lines);
}

static void help(FILE *out) {
  fprintf(out,
          "usage: vigil lint [--print-index|--print-filters] [PATH...]\n\n"
          "Checks the rules in PATH (default: the bundled pack) without running them:\n"
          "they load (unique ids, valid fields and tags), each has a test that fires\n"
          "and one that does not, and a runbook with about, risks, console and cli.\n"
          "Missing description, tags, references or 'on' filter are warnings.\n\n"
          "  --print-index   print the eventSource<TAB>eventName pairs the enabled\n"
          "                  rules are indexed on (* = any, X* = prefix X) instead\n"
          "                  of linting\n"
          "  --print-filters the same with errorCode, userIdentity.type, eventType and\n"
          "                  unless columns (errorCode + = any failed call, - =\n"
          "                  succeeded; unless - = none, else [path, value] pairs)\n"
          "  -h, --help      this text\n\n"
          "Exit status: 0 clean (warnings allowed), 1 problems found, 2 the rules did\n"
          "not load.\n");
}

int vigil_cmd_lint(int argc, char **argv) {
  static const struct option opts[] = {{"print-index", no_argument, NULL, 'i'},
                                       {"print-filters", no_argument, NULL, 'F'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *paths[64];
  const char *lib = vigil_default_rules_dir();
  vigil_ruleset_t *rs;
  lint_t l = {0, 0};
  char err[2048];
  int npaths = 0;
  int index = 0;
  int c;
  size_t i;

  optind = 1;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'i' || c == 'F') {
      index = c == 'F' ? 2 : 1;
    } else {
      help(c == 'h' ? stdout : stderr);
      return c == 'h' ? VIGIL_EXIT_OK : VIGIL_EXIT_ERROR;
    }
  }
  for (; optind < argc && npaths < 64; optind++)
    paths[npaths++] = argv[optind];
  if (npaths == 0 && lib)
    paths[npaths++] = lib;
  if (npaths == 0) {
    fprintf(stderr, "vigil lint: the bundled rules folder was not found; give a PATH\n");
    return VIGIL_EXIT_ERROR;
  }
  if (vigil_ruleset_load(paths, npaths, &lib, lib ? 1 : 0, &rs, err, sizeof(err)) != 0) {
    fprintf(stderr, "vigil: error: %s\n", err);
    return VIGIL_EXIT_ERROR;
  }
  if (index) {
    print_index(rs, index == 2);
    vigil_ruleset_free(rs);
    return VIGIL_EXIT_OK;
  }
  for (i = 0; i < rs->nrules; i++)
    lint_rule(&l, rs, &rs->rules[i]);
  printf("%zu rules from %zu files: %d problem(s), %d warning(s)\n", rs->nrules, rs->nfiles,
         l.problems, l.warnings);
  vigil_ruleset_free(rs);
  return l.problems ? 1 : VIGIL_EXIT_OK;
}
