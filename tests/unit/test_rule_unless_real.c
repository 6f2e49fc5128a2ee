/*
 * on.unless on real records: the fast path and the reference decide alike
 * for every record of ../shared/data/cloudtrail and for copies of them
 * edited to hit the rarer branches (values and escapes the data lacks),
 * with a reused scratch and a fresh one; each single-field rule must be
 * both kept and skipped at least once, so agreement cannot come from absent
 * fields alone. Skipped with a message when the data is absent.
 */
#include "unless_fixture.h"

#define DATA_DIR VIGIL_SOURCE_DIR "/../shared/data/cloudtrail"


/* Unless entries on fields real records have, alone (c0..c5, each counted
 * below) and mixed with the other `on` keys. */
static const char real_rules[] =
    "rule { id = 'c0.agent', title = 't', severity = 'low', on = { unless = {\n"
    "  userAgent = { 'AWS Internal', 'aws-cli/*', '*.amazonaws.com', '*Boto3*' } } } }\n"
    "rule { id = 'c1.type', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.type'] = { 'AWSService', 'AssumedRole' } } } }\n"
    "rule { id = 'c2.invoked', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.invokedBy'] = '*' } } }\n"
    "rule { id = 'c3.data', title = 't', severity = 'low', on = { unless = {\n"
    "  managementEvent = false } } }\n"
    "rule { id = 'c4.console', title = 't', severity = 'low', on = { unless = {\n"
    "  sessionCredentialFromConsole = { 'true', true } } } }\n"
    "rule { id = 'c5.slr', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.sessionContext.sessionIssuer.arn'] = '*:role/aws-service-role/*' } } }\n"
    "rule { id = 'c6.iam', title = 't', severity = 'low', on = {\n"
    "  eventSource = 'iam.amazonaws.com', unless = {\n"
    "  userAgent = { 'AWS Internal', '*Terraform*' }, managementEvent = false,\n"
    "  ['userIdentity.invokedBy'] = '*', sessionCredentialFromConsole = { 'true', true },\n"
    "  ['userIdentity.sessionContext.sessionIssuer.arn'] = '*:role/aws-service-role/*' } } }\n"
    "rule { id = 'c7.reads', title = 't', severity = 'low', on = {\n"
    "  eventName = { 'Get*', 'List*', 'Describe*' }, errorCode = false, unless = {\n"
    "  ['userIdentity.sessionContext.attributes.mfaAuthenticated'] = 'false',\n"
    "  readOnly = false, ['requestParameters.bucketName'] = '*-logs*' } } }\n"
    "rule { id = 'c8.denied', title = 't', severity = 'low', on = { errorCode = true,\n"
    "  unless = { errorCode = 'AccessDenied*', ['userIdentity.type'] = 'Root' } } }\n"
    "rule { id = 'c9.plain', title = 't', severity = 'low' }\n"
    "rule { id = 'c10.off', title = 't', severity = 'low', enabled = false, on = {\n"
    "  unless = { userAgent = '*' } } }\n"
    "rule { id = 'c11.users', title = 't', severity = 'low', on = {\n"
    "  ['userIdentity.type'] = { 'IAMUser', 'Root' }, unless = {\n"
    "  sourceIPAddress = { '*.amazonaws.com', 'AWS Internal', '10.*' } } } }\n";

#define NREAL 12
#define NSINGLE 6 /* c0..c5 */

/* Copies of each record with one edit: values the data lacks (false
 * managementEvent, a boolean sessionCredentialFromConsole) and escapes
 * the data lacks (a userAgent starting "\/", a service-role ARN whose
 * slashes are escaped, a \u0000 after "AWS Internal" that cJSON cuts off).
 * Only compact records ("name":value) are edited. */
static const char *const edits[][2] = {
    {"\"managementEvent\":true", "\"managementEvent\":false"},
    {"\"sessionCredentialFromConsole\":\"true\"", "\"sessionCredentialFromConsole\":true"},
    {"\"userAgent\":\"", "\"userAgent\":\"\\/"},
    {":role/aws-service-role/", ":role\\/aws-service-role\\/"},
    {"\"userAgent\":\"AWS Internal\"", "\"userAgent\":\"AWS Internal\\u0000\""},
};

static struct corpus_s {
  char **texts;
  size_t ntexts;
  struct rec_s {
    const char *p;
    size_t len;
  } *recs;
  size_t nrecs;
  size_t cap;
} corpus;

static void on_rec(void *arg, const vigil_record_t *rec) {
  (void)arg;
  if (corpus.nrecs == corpus.cap) {
    corpus.cap = corpus.cap ? corpus.cap * 2 : 1024;
    corpus.recs = realloc(corpus.recs, corpus.cap * sizeof(*corpus.recs));
    assert_non_null(corpus.recs);
  }
  corpus.recs[corpus.nrecs].p = rec->p;
  corpus.recs[corpus.nrecs++].len = rec->len;
}

/* Malformed files are part of the data; their good records still come. */
static void on_err(void *arg, uint64_t line, int64_t record, const char *msg) {
  (void)arg;
  (void)line;
  (void)record;
  (void)msg;
}

static int has_suffix(const char *s, const char *suf) {
  size_t n = strlen(s);
  size_t k = strlen(suf);

  return n >= k && strcmp(s + n - k, suf) == 0;
}

/* One JSON text per line when the file is not one JSON text (NDJSON). */
static void decode_lines(const char *text, size_t len, const vigil_decode_cb_t *cb,
                         vigil_decode_stats_t *st) {
  const char *p = text;
  const char *end = text + len;
  const char *nl;
  uint64_t line = 1;

  for (; p < end; p = nl + 1, line++) {
    if (!(nl = memchr(p, '\n', (size_t)(end - p))))
      nl = end;
    if (nl > p)
      vigil_decode(p, (size_t)(nl - p), line, cb, st);
  }
}

static int visit(const char *path, const struct stat *st, int kind, struct FTW *ftw) {
  vigil_decode_cb_t cb = {on_rec, on_err, NULL};
  vigil_decode_stats_t ds;
  char *text;
  size_t len = 0;

  (void)st;
  (void)ftw;
  if (kind != FTW_F || !(has_suffix(path, ".json") || has_suffix(path, ".log")))
    return 0;
  text = td_slurp(path, &len);
  if (!text)
    fail_msg("cannot read %s", path);
  corpus.texts = realloc(corpus.texts, (corpus.ntexts + 1) * sizeof(char *));
  assert_non_null(corpus.texts);
  corpus.texts[corpus.ntexts++] = text;
  memset(&ds, 0, sizeof(ds));
  if (vigil_scan_value(text, len, NULL, NULL) == 0)
    vigil_decode(text, len, 1, &cb, &ds);
  else
    decode_lines(text, len, &cb, &ds);
  return 0;
}

static void corpus_free(void) {
  size_t i;

  for (i = 0; i < corpus.ntexts; i++)
    free(corpus.texts[i]);
  free(corpus.texts);
  free(corpus.recs);
  memset(&corpus, 0, sizeof(corpus));
}

/* p[0..len) with every `from` replaced by `to`; NULL when none occurs. */
static char *edit(const char *p, size_t len, const char *from, const char *to, size_t *out) {
  size_t fl = strlen(from);
  size_t tl = strlen(to);
  const char *end = p + len;
  const char *hit = memmem(p, len, from, fl);
  char *b;
  char *w;

  if (!hit)
    return NULL;
  b = malloc(len * (tl / fl + 2) + 1);
  assert_non_null(b);
  for (w = b; hit; hit = memmem(p, (size_t)(end - p), from, fl)) {
    memcpy(w, p, (size_t)(hit - p));
    w += hit - p;
    memcpy(w, to, tl);
    w += tl;
    p = hit + fl;
  }
  memcpy(w, p, (size_t)(end - p));
  *out = (size_t)(w - b) + (size_t)(end - p);
  b[*out] = '\0'; /* for messages only: the checks use *out */
  return b;
}

typedef struct tally_s {
  size_t checked;
  size_t unparsed;
  size_t skipped[NREAL]; /* a candidate that on.unless removed */
  size_t kept[NREAL];    /* a candidate that on.unless kept */
} tally_t;

/* Counts, for each candidate, whether on.unless kept it. */
static void count(tally_t *t, const uint32_t *pre, size_t npre, const uint32_t *post,
                  size_t npost) {
  size_t i;
  size_t k = 0;

  for (i = 0; i < npre; i++) {
    assert_true(pre[i] < NREAL);
    if (k < npost && post[k] == pre[i]) {
      t->kept[pre[i]]++;
      k++;
    } else {
      t->skipped[pre[i]]++;
    }
  }
  assert_int_equal(k, npost); /* unless only removes, in order */
}

/* One record, as the pipeline decodes it: every way of giving unless the
 * top values, with the scratch reused and with a fresh one, agrees with
 * the reference. Counted for the decoder's way. */
static void check_record(const set_t *s, vigil_ix_scratch_t *sc, const char *p, size_t len,
                         tally_t *t) {
  uint32_t pre[CAP], post[CAP], got[CAP], ref[CAP];
  vigil_record_t rec = decode_one(s, p, len);
  cJSON *tree = cJSON_ParseWithLength(rec.p, rec.len);
  size_t npre, npost, nref;
  vigil_ix_scratch_t *own;
  int m;

  if (!tree) {
    t->unparsed++; /* the pipeline reports these; no rule sees them */
    return;
  }
  nref = slow(s, tree, ref);
  cJSON_Delete(tree);
  npre = candidates(s, &rec, pre);
  memcpy(post, pre, npre * sizeof(uint32_t));
  npost = vigil_rule_index_unless(s->ix, sc, rec.p, rec.len, rec.f + VIGIL_K_COUNT, s->ntop,
                                  post, npre);
  same_list(mode_name[TOP_DECODER], p, post, npost, ref, nref);
  for (m = 0; m < TOP_MODES; m++) {
    same_list(mode_name[m], p, got, fast(s, sc, &rec, m, got), ref, nref);
    assert_non_null(own = vigil_ix_scratch_new(s->ix));
    same_list("a fresh scratch", p, got, fast(s, own, &rec, m, got), ref, nref);
    vigil_ix_scratch_free(own);
  }
  count(t, pre, npre, post, npost);
  t->checked++;
}

static void check_edits(const set_t *s, vigil_ix_scratch_t *sc, const struct rec_s *r,
                        tally_t *t) {
  size_t i;
  size_t len;
  char *b;

  for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
    if ((b = edit(r->p, r->len, edits[i][0], edits[i][1], &len))) {
      check_record(s, sc, b, len, t);
      free(b);
    }
  }
}

static void real_records_agree(void **state) {
  struct stat st;
  tally_t t;
  set_t s;
  vigil_ix_scratch_t *sc;
  size_t i;

  (void)state;
  if (stat(DATA_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
    print_message("skipped: no CloudTrail data at %s\n", DATA_DIR);
    skip();
  }
  assert_int_equal(nftw(DATA_DIR, visit, 16, FTW_PHYS), 0);
  /* the data's README counts 3,804 usable records */
  assert_true(corpus.nrecs >= 3000);
  set_load(&s, real_rules);
  assert_int_equal(s.rs->nrules, NREAL);
  sc = vigil_ix_scratch_new(s.ix);
  assert_non_null(sc);
  memset(&t, 0, sizeof(t));
  for (i = 0; i < corpus.nrecs; i++) {
    check_record(&s, sc, corpus.recs[i].p, corpus.recs[i].len, &t);
    check_edits(&s, sc, &corpus.recs[i], &t);
  }
  print_message("%zu records, %zu checked with their edited copies, %zu not parsed\n",
                corpus.nrecs, t.checked, t.unparsed);
  for (i = 0; i < NREAL; i++)
    print_message("  %-11s kept %5zu skipped %5zu\n", s.rs->rules[i].id, t.kept[i],
                  t.skipped[i]);
  /* each single-field rule was both met and not met: the check above
   * compared real decisions, not only absent fields */
  for (i = 0; i < NSINGLE; i++) {
    assert_true(t.kept[i] > 0);
    assert_true(t.skipped[i] > 0);
  }
  assert_int_equal(t.kept[10] + t.skipped[10], 0); /* c10.off */
  vigil_ix_scratch_free(sc);
  set_free(&s);
  corpus_free();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(real_records_agree),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
