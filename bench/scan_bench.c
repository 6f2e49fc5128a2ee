/*
 * The event fast path against a full parse: lines per second for
 * vigil_scan_object with 5 keys, and for cJSON_ParseWithLength + Delete,
 * over the same NDJSON lines in one run. Not part of the build:
 *
 *   gcc -std=c11 -O2 -D_GNU_SOURCE -Icore bench/scan_bench.c core/scan.c \
 *       -lcjson -o /tmp/scan_bench
 *   /tmp/scan_bench FILE.ndjson [rounds]
 *
 * A corpus: python3 ../shared/tools/make_bench_corpus.py ../shared/data/cloudtrail
 *   --out /tmp/corpus --count 200000 --formats ndjson (never into the repo).
 * Each side runs `rounds` passes (default 3) over the file held in memory;
 * the best pass counts, so page faults and a cold cache stay out of it.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan.h"

struct line {
  const char *p;
  size_t len;
};

static double now(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *b = NULL;
  long n;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (b = malloc((size_t)n)) && fread(b, 1, (size_t)n, f) == (size_t)n) {
    *len = (size_t)n;
  } else {
    free(b);
    b = NULL;
  }
  fclose(f);
  return b;
}

static struct line *split(const char *text, size_t len, size_t *count) {
  const char *p = text, *end = text + len, *nl;
  struct line *v = NULL;
  size_t n = 0, cap = 0;

  while (p < end) {
    nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
      nl = end;
    if (nl > p) {
      if (n == cap) {
        cap = cap ? cap * 2 : 4096;
        v = realloc(v, cap * sizeof *v);
        if (!v)
          return NULL;
      }
      v[n].p = p;
      v[n++].len = (size_t)(nl - p);
    }
    p = nl + 1;
  }
  *count = n;
  return v;
}

/* Seconds for one pass; *bad counts lines the parser refused. */
static double pass_scan(const struct line *v, size_t n, size_t *bad, size_t *hits) {
  static const char *const keys[] = {"eventSource", "eventName", "eventTime", "errorCode",
                                     "userIdentity"};
  vigil_jval_t vals[5];
  double t = now();
  size_t i;

  *bad = *hits = 0;
  for (i = 0; i < n; i++) {
    if (vigil_scan_object(v[i].p, v[i].len, keys, 5, vals, NULL) != 0)
      (*bad)++;
    else
      *hits += vals[1].type == VIGIL_J_STRING; /* keep the result live */
  }
  return now() - t;
}

static double pass_cjson(const struct line *v, size_t n, size_t *bad, size_t *hits) {
  double t = now();
  cJSON *j;
  size_t i;

  *bad = *hits = 0;
  for (i = 0; i < n; i++) {
    j = cJSON_ParseWithLength(v[i].p, v[i].len);
    if (!j)
      (*bad)++;
    else
      *hits += cJSON_IsString(cJSON_GetObjectItemCaseSensitive(j, "eventName"));
    cJSON_Delete(j);
  }
  return now() - t;
}

int main(int argc, char **argv) {
  size_t len, n, bad_s = 0, bad_c = 0, hits_s = 0, hits_c = 0;
  double best_s = 1e30, best_c = 1e30, t, mb;
  int rounds = argc > 2 ? atoi(argv[2]) : 3, r;
  struct line *v;
  char *text;

  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE.ndjson [rounds]\n", argv[0]);
    return 2;
  }
  text = slurp(argv[1], &len);
  if (!text || !(v = split(text, len, &n)) || n == 0) {
    fprintf(stderr, "%s: cannot read lines\n", argv[1]);
    return 1;
  }
  for (r = 0; r < (rounds > 0 ? rounds : 1); r++) {
    t = pass_scan(v, n, &bad_s, &hits_s);
    best_s = t < best_s ? t : best_s;
    t = pass_cjson(v, n, &bad_c, &hits_c);
    best_c = t < best_c ? t : best_c;
  }
  mb = (double)len / 1e6;
  printf("%zu lines, %.1f MB, best of %d passes\n", n, mb, rounds);
  printf("scan_object (5 keys): %10.0f lines/s %8.1f MB/s  (%zu refused, %zu eventName)\n",
         (double)n / best_s, mb / best_s, bad_s, hits_s);
  printf("cJSON parse+delete:   %10.0f lines/s %8.1f MB/s  (%zu refused, %zu eventName)\n",
         (double)n / best_c, mb / best_c, bad_c, hits_c);
  printf("ratio: scan_object is %.1fx cJSON\n", best_c / best_s);
  if (bad_s != bad_c) /* then the two did not do the same work */
    printf("note: the two refused different numbers of lines\n");
  free(v);
  free(text);
  return 0;
}
