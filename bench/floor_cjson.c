/*
 * The benchmark's floor: what any reader that parses every event pays.
 * Reads NDJSON from a file or stdin, parses each line with cJSON and frees
 * it. So that it can take part in bench/run's agreement check it also
 * counts the lines a rule index would pick: those whose top-level
 * eventSource and eventName meet one of the pairs listed in INDEX (lines
 * "eventSource<TAB>eventName", '*' for any, as `vigil lint --print-index`
 * prints them). That test costs a few string compares per line, nothing
 * next to the parse.
 *
 *   floor_cjson INDEX [FILE|-]
 *
 * Prints "records N matched M refused R" on stdout. Exit 0, or 2 when the
 * index or input cannot be read. Built by bench/run with the same -O2 as
 * the Release vigil it is compared with.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAIRS 4096

struct pair {
  char *src; /* NULL: any source */
  char *name; /* NULL: any name */
};

static struct pair pairs[MAX_PAIRS];
static size_t npairs;

static char *field(const char *s, size_t len) {
  char *p;

  if (len == 1 && s[0] == '*')
    return NULL;
  p = malloc(len + 1);
  if (!p) {
    fprintf(stderr, "floor_cjson: out of memory\n");
    exit(2);
  }
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

static int load_index(const char *path) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  char *tab;
  unsigned long lineno = 0;

  if (!f) {
    perror(path);
    return -1;
  }
  while ((n = getline(&line, &cap, f)) > 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
      line[--n] = '\0';
    if (n == 0)
      continue;
    tab = strchr(line, '\t');
    if (!tab || npairs == MAX_PAIRS) {
      fprintf(stderr, "%s:%lu: want 'eventSource<TAB>eventName' (at most %d lines)\n", path,
              lineno, MAX_PAIRS);
      free(line);
      fclose(f);
      return -1;
    }
    pairs[npairs].src = field(line, (size_t)(tab - line));
    pairs[npairs].name = field(tab + 1, strlen(tab + 1));
    npairs++;
  }
  free(line);
  fclose(f);
  return 0;
}

static const char *str(const cJSON *root, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int matches(const cJSON *root) {
  const char *src = str(root, "eventSource");
  const char *name = str(root, "eventName");
  size_t i;

  for (i = 0; i < npairs; i++) {
    if (pairs[i].src && (!src || strcmp(pairs[i].src, src) != 0))
      continue;
    if (pairs[i].name && (!name || strcmp(pairs[i].name, name) != 0))
      continue;
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  FILE *in = stdin;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  cJSON *root;
  unsigned long long records = 0, matched = 0, refused = 0;

  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: floor_cjson INDEX [FILE|-]\n");
    return 2;
  }
  if (load_index(argv[1]) != 0)
    return 2;
  if (argc == 3 && strcmp(argv[2], "-") != 0 && !(in = fopen(argv[2], "rb"))) {
    perror(argv[2]);
    return 2;
  }
  while ((n = getline(&line, &cap, in)) > 0) {
    if (n == 1 && line[0] == '\n')
      continue; /* blank lines are not records, for vigil either */
    records++;
    root = cJSON_ParseWithLength(line, (size_t)n);
    if (!root) {
      refused++;
      continue;
    }
    matched += (unsigned long long)matches(root);
    cJSON_Delete(root);
  }
  free(line);
  if (ferror(in)) {
    perror(argc == 3 ? argv[2] : "stdin");
    return 2;
  }
  printf("records %llu matched %llu refused %llu\n", records, matched, refused);
  return 0;
}
