/*
 * vigil explain: a rule's runbook for the engineer on call. Rules are found
 * by id or by an eventName they are indexed on, and printed wrapped to the
 * terminal, or as JSON for other tools.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "explain.h"
#include "pipeline.h"
#include "rules.h"

#define MAX_PATHS 64
#define MAX_SUGGEST 8
#define MIN_WIDTH 40

static void help(FILE *out) {
  fprintf(out, "usage: vigil explain [OPTIONS] RULE-ID|EVENTNAME\n"
               "       vigil explain [OPTIONS] --list\n\n"
               "Prints the runbook of a rule: what fires it, what happened, why it matters,\n"
               "and how to respond from the console and the CLI. Given an eventName (such as\n"
               "DetachRolePolicy), prints every rule indexed on it. Case does not matter.\n\n"
               "  -r, --rules PATH   rule file or folder (repeatable; default: bundled pack)\n"
               "  -j, --json         a JSON array of the rules found, for other tools\n"
               "  -l, --list         every rule: severity, id and title (with --json: all of\n"
               "                     each rule, including the eventNames it is indexed on)\n"
               "  -h, --help         this text\n\n"
               "Exit status: 0 printed, 2 no such rule or eventName (near matches are\n"
               "suggested on stderr), or the rules did not load.\n");
}

static int page_width(void) {
  struct winsize ws;

  if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
    return 80;
  return ws.ws_col < MIN_WIDTH ? MIN_WIDTH : ws.ws_col;
}

/* ---- finding rules ---- */

static int is_match(const vigil_rule_t *r, const char *q) {
  int i;

  if (strcasecmp(r->id, q) == 0)
    return 1;
  for (i = 0; i < r->nnames; i++) {
    if (strcasecmp(r->names[i], q) == 0)
      return 1;
  }
  return 0;
}

/* Most severe first, so the page opens with what matters most; then by id. */
static int by_severity(const void *a, const void *b) {
  const vigil_rule_t *x = *(const vigil_rule_t *const *)a;
  const vigil_rule_t *y = *(const vigil_rule_t *const *)b;

  if (x->severity != y->severity)
    return (int)y->severity - (int)x->severity;
  return strcmp(x->id, y->id);
}

static size_t prefix_len(const char *a, const char *b) {
  size_t n = 0;

  while (a[n] && b[n] && (a[n] | 0x20) == (b[n] | 0x20))
    n++;
  return n;
}

/* How near a candidate is to what was typed: containing it beats
 * everything; otherwise the length of the shared prefix counts when it is at
 * least 4 characters and two thirds of the query (a typo or plural near the
 * end). 0 is not near. */
static size_t nearness(const char *cand, const char *q) {
  size_t p = prefix_len(cand, q);

  if (strcasestr(cand, q))
    return SIZE_MAX;
  return p >= 4 && 3 * p >= 2 * strlen(q) ? p : 0;
}

/* Calls fn on every rule id and indexed eventName, best being passed on. */
static void each_name(const vigil_ruleset_t *rs, const char *q, size_t *best, const char **out,
                      int *n) {
  const char *cand;
  size_t k;
  size_t score;
  int i;
  int j;

  for (k = 0; k < rs->nrules; k++) {
    for (i = -1; i < rs->rules[k].nnames; i++) {
      cand = i < 0 ? rs->rules[k].id : rs->rules[k].names[i];
      score = nearness(cand, q);
      if (!out) {
        *best = score > *best ? score : *best;
        continue;
      }
      if (score == 0 || score != *best || *n >= MAX_SUGGEST)
        continue;
      for (j = 0; j < *n && strcmp(out[j], cand) != 0; j++)
        ;
      if (j == *n)
        out[(*n)++] = cand;
    }
  }
}

/* Prints the nearest ids and eventNames: only the best kind of match, so a
 * query that some names contain is not drowned in names sharing a prefix. */
static void suggest(const vigil_ruleset_t *rs, const char *q) {
  const char *out[MAX_SUGGEST];
  size_t best = 0;
  int n = 0;
  int i;

  each_name(rs, q, &best, NULL, &n);
  each_name(rs, q, &best, out, &n);
  for (i = 0; i < n; i++)
    fprintf(stderr, "%s  %s\n", i ? "             " : "did you mean:", out[i]);
}

static int load(char **paths, int npaths, vigil_ruleset_t **rs) {
  const char *lib = vigil_default_rules_dir();
  char err[2048];

  if (npaths == 0 && lib)
    paths[npaths++] = (char *)lib;
  if (npaths == 0) {
    fprintf(stderr, "vigil explain: the bundled rules folder was not found; give --rules\n");
    return VIGIL_EXIT_ERROR;
  }
  if (vigil_ruleset_load((const char *const *)paths, npaths, &lib, lib ? 1 : 0, rs, err,
                         sizeof(err)) != VIGIL_OK) {
    fprintf(stderr, "vigil: error: %s\n", err);
    return VIGIL_EXIT_ERROR;
  }
  return VIGIL_EXIT_OK;
}

/* --list as text: one line a rule, ids aligned. */
static void print_list(const vigil_rule_t **found, size_t n) {
  int w = 0;
  size_t i;

  for (i = 0; i < n; i++)
    w = (int)strlen(found[i]->id) > w ? (int)strlen(found[i]->id) : w;
  for (i = 0; i < n; i++)
    printf("%-8s  %-*s  %s\n", vigil_severity_name(found[i]->severity), w, found[i]->id,
           found[i]->title);
}

/* q is NULL for --list. */
static void print_found(const vigil_rule_t **found, size_t n, const char *q, int json) {
  int width = page_width();
  cJSON *arr;
  char *text;
  size_t i;

  if (json) {
    arr = cJSON_CreateArray();
    for (i = 0; i < n; i++)
      cJSON_AddItemToArray(arr, vigil_explain_json(found[i]));
    text = cJSON_Print(arr);
    puts(text);
    cJSON_free(text);
    cJSON_Delete(arr);
    return;
  }
  if (!q) {
    print_list(found, n);
    return;
  }
  if (n > 1)
    printf("%zu rules fire on %s, most severe first.\n\n", n, q);
  for (i = 0; i < n; i++) {
    if (i)
      fputs("\n\n", stdout);
    vigil_explain_page(stdout, width, found[i]);
  }
}

int vigil_cmd_explain(int argc, char **argv) {
  static const struct option opts[] = {{"rules", required_argument, NULL, 'r'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"list", no_argument, NULL, 'l'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  char *paths[MAX_PATHS + 1];
  const vigil_rule_t **found;
  vigil_ruleset_t *rs;
  const char *q = NULL;
  size_t i;
  size_t n = 0;
  int npaths = 0;
  int json = 0;
  int all = 0;
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "r:jlh", opts, NULL)) != -1) {
    if (c == 'r' && npaths < MAX_PATHS) {
      paths[npaths++] = optarg;
    } else if (c == 'j' || c == 'l') {
      json |= c == 'j';
      all |= c == 'l';
    } else {
      if (c == 'r')
        fprintf(stderr, "vigil explain: at most %d --rules\n", MAX_PATHS);
      help(c == 'h' ? stdout : stderr);
      return c == 'h' ? VIGIL_EXIT_OK : VIGIL_EXIT_ERROR;
    }
  }
  if (optind + !all != argc) {
    fprintf(stderr, all ? "vigil explain: --list takes no RULE-ID or EVENTNAME\n"
                        : "vigil explain: give one RULE-ID or EVENTNAME\n");
    help(stderr);
    return VIGIL_EXIT_ERROR;
  }
  if (!all)
    q = argv[optind];
  if ((c = load(paths, npaths, &rs)) != VIGIL_EXIT_OK)
    return c;
  found = calloc(rs->nrules + 1, sizeof(*found));
  if (!found) {
    fprintf(stderr, "vigil explain: out of memory\n");
    vigil_ruleset_free(rs);
    return VIGIL_EXIT_ERROR;
  }
  for (i = 0; i < rs->nrules; i++) {
    if (all || is_match(&rs->rules[i], q))
      found[n++] = &rs->rules[i];
  }
  if (n == 0 && all) {
    fprintf(stderr, "vigil explain: no rules were loaded\n");
    c = VIGIL_EXIT_ERROR;
  } else if (n == 0) {
    fprintf(stderr, "vigil explain: no rule with id or eventName '%s'\n", q);
    suggest(rs, q);
    c = VIGIL_EXIT_ERROR;
  } else {
    if (!all)
      qsort(found, n, sizeof(*found), by_severity);
    print_found(found, n, q, json);
  }
  free(found);
  vigil_ruleset_free(rs);
  return c;
}
