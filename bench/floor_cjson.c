/*
 * The benchmark's floor: what any reader that parses every event pays.
 * Reads NDJSON from a file or stdin, parses each line with cJSON and frees
 * it. So that it can take part in bench/run's agreement check it also
 * counts the lines a rule index would pick: those that meet one of the
 * filter rows listed in INDEX, as `vigil lint --print-filters` prints them
 * (eventSource, eventName, errorCode, userIdentity.type, eventType,
 * tab-separated; '*' any, "X*" a prefix, errorCode '+' any failed call and
 * '-' a call that succeeded). Rows are filed as vigil files rules (by exact
 * eventName, binary search; by eventSource when the name is '*'; the rest in
 * a short list), so the test costs a few string compares per line, little
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

#define MAX_ROWS 8192
#define NCOL 5

enum { C_SRC, C_NAME, C_ERR, C_TYPE, C_ETYPE };

/* One row: its columns, NULL for '*'. */
struct row {
  char *col[NCOL];
};

static struct row rows[MAX_ROWS];
static size_t nrows;
static struct row *by_name[MAX_ROWS]; /* exact eventName, sorted by it */
static size_t nby_name;
static struct row *by_src[MAX_ROWS];  /* eventName '*', eventSource set, sorted by it */
static size_t nby_src;
static struct row *rest[MAX_ROWS];    /* prefix names; neither name nor source */
static size_t nrest;

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

static int is_prefix(const char *pat) {
  size_t len = pat ? strlen(pat) : 0;

  return len > 1 && pat[len - 1] == '*';
}

static int split(char *line, struct row *r) {
  char *p = line;
  char *tab;
  int c;

  for (c = 0; c < NCOL; c++) {
    tab = strchr(p, '\t');
    if ((tab == NULL) != (c == NCOL - 1))
      return -1;
    r->col[c] = field(p, tab ? (size_t)(tab - p) : strlen(p));
    p = tab ? tab + 1 : p;
  }
  return 0;
}

static int cmp_col(const struct row *a, const struct row *b, int c) {
  return strcmp(a->col[c], b->col[c]);
}

static int cmp_name(const void *a, const void *b) {
  return cmp_col(*(struct row *const *)a, *(struct row *const *)b, C_NAME);
}

static int cmp_src(const void *a, const void *b) {
  return cmp_col(*(struct row *const *)a, *(struct row *const *)b, C_SRC);
}

static void file_rows(void) {
  size_t i;
  struct row *r;

  for (i = 0; i < nrows; i++) {
    r = &rows[i];
    if (r->col[C_NAME] && !is_prefix(r->col[C_NAME]))
      by_name[nby_name++] = r;
    else if (!r->col[C_NAME] && r->col[C_SRC])
      by_src[nby_src++] = r;
    else
      rest[nrest++] = r;
  }
  qsort(by_name, nby_name, sizeof(by_name[0]), cmp_name);
  qsort(by_src, nby_src, sizeof(by_src[0]), cmp_src);
}

static int load_index(const char *path) {
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
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
    if (nrows == MAX_ROWS || split(line, &rows[nrows]) != 0) {
      fprintf(stderr, "%s:%lu: want %d tab-separated columns (at most %d lines)\n", path,
              lineno, NCOL, MAX_ROWS);
      free(line);
      fclose(f);
      return -1;
    }
    nrows++;
  }
  free(line);
  fclose(f);
  file_rows();
  return 0;
}

static const char *str(const cJSON *root, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* pat NULL: any; "X*": prefix X; else equal. */
static int hit(const char *pat, const char *v) {
  size_t len;

  if (!pat)
    return 1;
  if (!v)
    return 0;
  if (is_prefix(pat)) {
    len = strlen(pat) - 1;
    return strncmp(pat, v, len) == 0;
  }
  return strcmp(pat, v) == 0;
}

static int row_ok(const struct row *r, const char *const *v) {
  const char *e = r->col[C_ERR];
  int c;

  if (e && strcmp(e, "+") == 0) {
    if (!v[C_ERR])
      return 0;
  } else if (e && strcmp(e, "-") == 0) {
    if (v[C_ERR])
      return 0;
  } else if (!hit(e, v[C_ERR])) {
    return 0;
  }
  for (c = 0; c < NCOL; c++) {
    if (c != C_ERR && !hit(r->col[c], v[c]))
      return 0;
  }
  return 1;
}

/* Rows of a sorted list whose column c equals key: any of them met? */
static int any_in(struct row **list, size_t n, int c, const char *key, const char *const *v) {
  size_t lo = 0;
  size_t hi = n;
  size_t mid;

  if (!key)
    return 0;
  while (lo < hi) {
    mid = (lo + hi) / 2;
    if (strcmp(list[mid]->col[c], key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < n && strcmp(list[lo]->col[c], key) == 0; lo++) {
    if (row_ok(list[lo], v))
      return 1;
  }
  return 0;
}

static int matches(const cJSON *root) {
  const char *v[NCOL];
  size_t i;

  v[C_SRC] = str(root, "eventSource");
  v[C_NAME] = str(root, "eventName");
  v[C_ERR] = str(root, "errorCode");
  if (v[C_ERR] && !v[C_ERR][0])
    v[C_ERR] = NULL; /* an empty errorCode is no error */
  v[C_TYPE] = str(cJSON_GetObjectItemCaseSensitive(root, "userIdentity"), "type");
  v[C_ETYPE] = str(root, "eventType");
  if (any_in(by_name, nby_name, C_NAME, v[C_NAME], v) ||
      any_in(by_src, nby_src, C_SRC, v[C_SRC], v))
    return 1;
  for (i = 0; i < nrest; i++) {
    if (row_ok(rest[i], v))
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
