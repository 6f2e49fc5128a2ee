/*
 * The benchmark's floor: what any reader that parses every event pays.
 * Reads NDJSON from a file or stdin, parses each line with cJSON and frees
 * it. So that it can take part in bench/run's agreement check it also
 * counts the lines a rule index would pick: those that meet one of the
 * filter rows listed in INDEX, as `vigil lint --print-filters` prints them
 * (eventSource, eventName, errorCode, userIdentity.type, eventType,
 * unless, tab-separated; '*' any, "X*" a prefix, errorCode '+' any failed
 * call and '-' a call that succeeded; unless '-' none, else a JSON array of
 * [path, value] pairs, any of which matching the event skips the row; five
 * columns, from an older vigil, mean no unless). Rows are filed as vigil
 * files rules (by exact eventName, binary search; by eventSource when the
 * name is '*'; the rest in a short list), so the test costs a few string
 * compares per line, little next to the parse. The unless pairs are read
 * at load (patterns split, paths cut at their dots, pairs of one path
 * merged) and tested on the parsed tree only for a row the columns met.
 *
 *   floor_cjson INDEX [FILE|-]
 *
 * Prints "records N matched M refused R" on stdout. Exit 0, or 2 when the
 * index or input cannot be read. Built by bench/run with the same -O2 as
 * the Release vigil it is compared with.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 8192
#define NCOL 5 /* the columns before unless */

enum { C_SRC, C_NAME, C_ERR, C_TYPE, C_ETYPE };

/* An unless string pattern, as core/field_pat.h reads it: "X" exact, "X*"
 * prefix, "*X" suffix, "*X*" substring, "*" any string; s is the text
 * between the stars. */
enum { P_EXACT, P_PREFIX, P_SUFFIX, P_CONTAINS, P_ANY };

struct pat {
  int kind;
  int nocase; /* matched on the value in ASCII lower case (s is lowercase) */
  char *s;
  size_t len;
};

/* The unless pairs of one path: its steps (member names), its string
 * patterns, and whether true or false there skips the row. */
struct unless {
  char *path;  /* as the pairs name it: pairs of one path share the entry */
  char **step; /* into a copy of path with its dots made NULs */
  int nsteps;
  struct pat *pat;
  int npats;
  int skip_true;
  int skip_false;
};

/* One row: its columns, NULL for '*', and its unless fields. */
struct row {
  char *col[NCOL];
  struct unless *unless;
  int nunless;
};

static struct row rows[MAX_ROWS];
static size_t nrows;
static struct row *by_name[MAX_ROWS]; /* exact eventName, sorted by it */
static size_t nby_name;
static struct row *by_src[MAX_ROWS];  /* eventName '*', eventSource set, sorted by it */
static size_t nby_src;
static struct row *rest[MAX_ROWS];    /* prefix names; neither name nor source */
static size_t nrest;

/* realloc that only returns with the memory: the index is all or nothing. */
static void *grow(void *p, size_t size) {
  p = realloc(p, size);
  if (!p) {
    fprintf(stderr, "floor_cjson: out of memory\n");
    exit(2);
  }
  return p;
}

static char *copy(const char *s, size_t len) {
  char *p = grow(NULL, len + 1);

  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

static char *field(const char *s, size_t len) {
  return len == 1 && s[0] == '*' ? NULL : copy(s, len);
}

static int is_prefix(const char *pat) {
  size_t len = pat ? strlen(pat) : 0;

  return len > 1 && pat[len - 1] == '*';
}

/* The entry of r for path, added when new (steps cut at the dots), so a
 * field several pairs name is looked up once an event. */
static struct unless *unless_for(struct row *r, const char *path) {
  struct unless *u;
  char *p;
  char *dot;
  int i;

  for (i = 0; i < r->nunless; i++) {
    if (strcmp(r->unless[i].path, path) == 0)
      return &r->unless[i];
  }
  r->unless = grow(r->unless, (size_t)(r->nunless + 1) * sizeof(*u));
  u = &r->unless[r->nunless++];
  memset(u, 0, sizeof(*u));
  u->path = copy(path, strlen(path));
  for (p = copy(path, strlen(path));; p = dot + 1) {
    u->step = grow(u->step, (size_t)(u->nsteps + 1) * sizeof(u->step[0]));
    u->step[u->nsteps++] = p;
    if (!(dot = strchr(p, '.')))
      return u;
    *dot = '\0';
  }
}

/* A string pattern into u, read as core/field_pat.c reads it; -1 for what
 * it refuses (a '*' inside, nothing between the stars), which vigil's rule
 * loader refuses too. */
static int add_pat(struct unless *u, const char *text, int nocase) {
  size_t len = strlen(text);
  size_t i;
  int lead = len > 0 && text[0] == '*';
  int trail = len > 1 && text[len - 1] == '*';
  struct pat *p;

  u->pat = grow(u->pat, (size_t)(u->npats + 1) * sizeof(*p));
  p = &u->pat[u->npats];
  if (len == 1 && lead) {
    p->kind = P_ANY;
    p->s = NULL;
    p->len = 0;
  } else {
    p->len = len - (size_t)lead - (size_t)trail;
    if (p->len == 0 || memchr(text + lead, '*', p->len))
      return -1;
    p->kind = lead && trail ? P_CONTAINS : lead ? P_SUFFIX : trail ? P_PREFIX : P_EXACT;
    p->s = copy(text + lead, p->len);
    for (i = 0; nocase && i < p->len; i++)
      p->s[i] = (char)tolower((unsigned char)p->s[i]);
  }
  p->nocase = nocase;
  u->npats++;
  return 0;
}

/* The unless column into r: "-", or [[path, value], ...] where a value is
 * "pattern", {"nocase": "pattern"}, true or false. */
static int parse_unless(struct row *r, const char *text) {
  cJSON *a;
  const cJSON *pair;
  const cJSON *path;
  const cJSON *val;
  const cJSON *nc;
  struct unless *u;
  int rc = 0;

  if (strcmp(text, "-") == 0)
    return 0;
  a = cJSON_ParseWithOpts(text, NULL, 1); /* 1: nothing may follow the array */
  if (!cJSON_IsArray(a)) {
    cJSON_Delete(a);
    return -1;
  }
  cJSON_ArrayForEach(pair, a) {
    path = cJSON_GetArrayItem(pair, 0);
    val = cJSON_GetArrayItem(pair, 1);
    nc = cJSON_IsObject(val) && cJSON_GetArraySize(val) == 1
             ? cJSON_GetObjectItemCaseSensitive(val, "nocase") : NULL;
    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !cJSON_IsString(path) ||
        !(cJSON_IsString(val) || cJSON_IsBool(val) || cJSON_IsString(nc))) {
      rc = -1;
      break;
    }
    u = unless_for(r, path->valuestring);
    if (cJSON_IsTrue(val))
      u->skip_true = 1;
    else if (cJSON_IsFalse(val))
      u->skip_false = 1;
    else if (add_pat(u, nc ? nc->valuestring : val->valuestring, nc != NULL) != 0) {
      rc = -1;
      break;
    }
  }
  cJSON_Delete(a);
  return rc;
}

/* Five columns, then unless when there is a sixth. */
static int split(char *line, struct row *r) {
  char *p = line;
  char *tab = NULL;
  int c;

  for (c = 0; c < NCOL; c++) {
    tab = strchr(p, '\t');
    if (!tab && c < NCOL - 1)
      return -1;
    r->col[c] = field(p, tab ? (size_t)(tab - p) : strlen(p));
    p = tab ? tab + 1 : p;
  }
  if (!tab)
    return 0; /* an older vigil: no unless */
  return strchr(p, '\t') ? -1 : parse_unless(r, p);
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
      fprintf(stderr,
              "%s:%lu: want %d tab-separated columns, the last '-' or a JSON array of "
              "[path, value] pairs (%d without it; at most %d lines)\n",
              path, lineno, NCOL + 1, NCOL, MAX_ROWS);
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

/* A member by name; a repeated name gives its last value, as vigil's
 * scanner and event view read it (cJSON's own lookup gives the first). */
static const cJSON *member(const cJSON *o, const char *key) {
  const cJSON *it;
  const cJSON *found = NULL;

  if (!cJSON_IsObject(o))
    return NULL;
  for (it = o->child; it; it = it->next) {
    if (it->string && strcmp(it->string, key) == 0)
      found = it;
  }
  return found;
}

static const char *str(const cJSON *root, const char *key) {
  const cJSON *v = member(root, key);

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

/* The node at u's path, through objects only; NULL when a step is missing
 * or not an object, as core/rule_index.c's at_path reads it. */
static const cJSON *at(const cJSON *o, const struct unless *u) {
  int i;

  for (i = 0; i < u->nsteps && o; i++)
    o = member(o, u->step[i]);
  return o;
}

static int pat_hit(const struct pat *p, const char *s, size_t len) {
  switch (p->kind) {
  case P_ANY:
    return 1;
  case P_EXACT:
    return len == p->len && memcmp(s, p->s, len) == 0;
  case P_PREFIX:
    return len >= p->len && memcmp(s, p->s, p->len) == 0;
  case P_SUFFIX:
    return len >= p->len && memcmp(s + len - p->len, p->s, p->len) == 0;
  }
  return memmem(s, len, p->s, p->len) != NULL; /* P_CONTAINS */
}

/* s[0..len) in ASCII lower case, as vigil (and Lua's string.lower) makes it. */
static char *lowered(const char *s, size_t len) {
  char *out = copy(s, len);
  size_t i;

  for (i = 0; i < len; i++)
    out[i] = (char)tolower((unsigned char)out[i]);
  return out;
}

/* 1 when one of r's unless pairs matches the event. A string pattern never
 * matches a boolean, nor a boolean a string. */
static int skipped(const struct row *r, const cJSON *root) {
  const struct unless *u;
  const cJSON *v;
  char *low;
  size_t len;
  int i;
  int j;

  for (i = 0; i < r->nunless; i++) {
    u = &r->unless[i];
    v = at(root, u);
    if (cJSON_IsBool(v) && (cJSON_IsTrue(v) ? u->skip_true : u->skip_false))
      return 1;
    if (!cJSON_IsString(v))
      continue;
    len = strlen(v->valuestring);
    low = NULL;
    for (j = 0; j < u->npats; j++) {
      if (u->pat[j].nocase && !low)
        low = lowered(v->valuestring, len);
      if (pat_hit(&u->pat[j], u->pat[j].nocase ? low : v->valuestring, len)) {
        free(low);
        return 1;
      }
    }
    free(low);
  }
  return 0;
}

/* The columns first: unless walks the tree, and most rows fail earlier. */
static int row_ok(const struct row *r, const char *const *v, const cJSON *root) {
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
  return !skipped(r, root);
}

/* Rows of a sorted list whose column c equals key: any of them met? */
static int any_in(struct row **list, size_t n, int c, const char *key, const char *const *v,
                  const cJSON *root) {
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
    if (row_ok(list[lo], v, root))
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
  v[C_TYPE] = str(member(root, "userIdentity"), "type");
  v[C_ETYPE] = str(root, "eventType");
  if (any_in(by_name, nby_name, C_NAME, v[C_NAME], v, root) ||
      any_in(by_src, nby_src, C_SRC, v[C_SRC], v, root))
    return 1;
  for (i = 0; i < nrest; i++) {
    if (row_ok(rest[i], v, root))
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
