/*
 * The page `vigil explain` prints for one rule: header, description, the
 * runbook's sections and the tags, wrapped to a width.
 */
#include "explain.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <lauxlib.h>

#define MIN_WIDTH 40

typedef struct {
  FILE *out;
  int width;
} page_t;

/* Terminal columns of n bytes: UTF-8 continuation bytes take none. */
static int cols(const char *s, size_t n) {
  int c = 0;
  size_t i;

  for (i = 0; i < n; i++)
    c += ((unsigned char)s[i] & 0xC0) != 0x80;
  return c;
}

/*
 * Prints text as one paragraph starting at column indent, after lead ("- ",
 * "3. "); broken lines continue under the first word. join ends each broken
 * line and indents the next a little more: " \" keeps a long shell command
 * pasteable. A word wider than the line gets a line of its own.
 */
static void wrap(const page_t *pg, int indent, const char *lead, const char *text,
                 const char *join) {
  int hang = indent + cols(lead, strlen(lead));
  int limit = pg->width - (join ? cols(join, strlen(join)) : 0);
  int col = hang;
  int first = 1;
  const char *p = text;
  const char *w;
  int len;

  fprintf(pg->out, "%*s%s", indent, "", lead);
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n')
      p++;
    if (!*p)
      break;
    for (w = p; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++)
      ;
    len = cols(w, (size_t)(p - w));
    if (!first && col + 1 + len > limit) {
      col = hang + (join ? 2 : 0);
      fprintf(pg->out, "%s\n%*s", join ? join : "", col, "");
    } else if (!first) {
      fputc(' ', pg->out);
      col++;
    }
    fwrite(w, 1, (size_t)(p - w), pg->out);
    col += len;
    first = 0;
  }
  fputc('\n', pg->out);
}

/* A row of the header block: "  label     value", value wrapped. */
static void field(const page_t *pg, const char *label, const char *value) {
  char lead[32];

  snprintf(lead, sizeof(lead), "%-10s", label);
  wrap(pg, 2, lead, value, NULL);
}

static const cJSON *runbook_item(const vigil_rule_t *r, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r->meta, "runbook"),
                                          key);
}

/* Splits a step's own number ("3. Open ...") from its text, so steps the rule
 * numbered keep their numbers and the others get theirs by position. */
static const char *step_number(const char *s, int pos, char *lead, size_t cap) {
  const char *p = s;

  while (*p >= '0' && *p <= '9')
    p++;
  if (p > s && p - s < 4 && (*p == '.' || *p == ')') && p[1] == ' ') {
    snprintf(lead, cap, "%.*s ", (int)(p - s + 1), s);
    return p + 2;
  }
  snprintf(lead, cap, "%d. ", pos);
  return s;
}

/* Prints a list of strings under heading; kind says how items are led. */
static void list(const page_t *pg, const char *heading, const cJSON *items, char kind) {
  const cJSON *it;
  char lead[16];
  const char *text;
  int pos = 0;

  if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0)
    return;
  fprintf(pg->out, "\n%s\n", heading);
  cJSON_ArrayForEach(it, items) {
    if (!cJSON_IsString(it))
      continue;
    pos++;
    if (kind == 'n') {
      text = step_number(it->valuestring, pos, lead, sizeof(lead));
      wrap(pg, 2, lead, text, NULL);
    } else if (kind == 'c') {
      wrap(pg, 2, "", it->valuestring, " \\");
    } else {
      wrap(pg, 2, kind == '-' ? "- " : "", it->valuestring, NULL);
    }
  }
}

/* ---- ATT&CK tags ---- */

/* Technique names would need a copy of the ATT&CK catalogue, kept up to
 * date; an id with its link is exact and ages well. Tactic names are
 * spelled out in the tag itself. */
int vigil_attack_tag(const char *tag, char *name, size_t cap, char *url, size_t ucap) {
  static const char *const pages[] = {"t", "techniques", "g", "groups", "s", "software", NULL};
  const char *s;
  const char *dot;
  size_t i;
  int up = 1;
  int c;

  if (strncasecmp(tag, "attack.", 7) != 0 || !tag[7])
    return 0;
  s = tag + 7;
  c = tolower((unsigned char)s[0]);
  for (i = 0; pages[i] && (c != pages[i][0] || !isdigit((unsigned char)s[1])); i += 2)
    ;
  if (pages[i]) {
    snprintf(name, cap, "%c%s", toupper(c), s + 1);
    dot = strchr(s, '.');
    if (dot)
      snprintf(url, ucap, "https://attack.mitre.org/%s/%c%.*s/%s/", pages[i + 1], toupper(c),
               (int)(dot - s - 1), s + 1, dot + 1);
    else
      snprintf(url, ucap, "https://attack.mitre.org/%s/%c%s/", pages[i + 1], toupper(c), s + 1);
    return c;
  }
  for (i = 0; s[i] && i + 1 < cap; i++) {
    name[i] = (s[i] == '_' || s[i] == '-') ? ' ' : s[i];
    if (up)
      name[i] = (char)toupper((unsigned char)name[i]);
    up = name[i] == ' ';
  }
  name[i] = '\0';
  url[0] = '\0';
  return 'a';
}

/* ATT&CK tags become named tactics and linked techniques; other tags are
 * listed as they are. */
static void tags(const page_t *pg, const cJSON *all) {
  const cJSON *it;
  char name[64];
  char url[128];
  char row[256];
  char tactics[512] = "";
  size_t tn = 0;
  int others = 0;
  int kind;

  cJSON_ArrayForEach(it, all) {
    if (cJSON_IsString(it) &&
        vigil_attack_tag(it->valuestring, name, sizeof(name), url, sizeof(url)) == 'a' &&
        tn < sizeof(tactics))
      tn += (size_t)snprintf(tactics + tn, sizeof(tactics) - tn, "%s%s", tn ? ", " : "", name);
  }
  if (tn) {
    fprintf(pg->out, "\nATT&CK\n");
    wrap(pg, 2, "tactics     ", tactics, NULL);
  }
  cJSON_ArrayForEach(it, all) {
    if (!cJSON_IsString(it))
      continue;
    kind = vigil_attack_tag(it->valuestring, name, sizeof(name), url, sizeof(url));
    others += !kind;
    if (!kind || kind == 'a')
      continue;
    if (!tn++)
      fprintf(pg->out, "\nATT&CK\n");
    snprintf(row, sizeof(row), "%s  %s", name, url);
    wrap(pg, 2,
         kind == 't'   ? "technique   "
         : kind == 'g' ? "group       "
                       : "software    ",
         row, NULL);
  }
  if (!others)
    return;
  fprintf(pg->out, "\nTags\n");
  cJSON_ArrayForEach(it, all) {
    if (cJSON_IsString(it) &&
        !vigil_attack_tag(it->valuestring, name, sizeof(name), url, sizeof(url)))
      wrap(pg, 2, "", it->valuestring, NULL);
  }
}

/* ---- one rule, as text ---- */

/* Appends to buf (cap bytes, n used so far), cutting at the end; returns the
 * new length. */
__attribute__((format(printf, 4, 5))) static size_t add(char *buf, size_t cap, size_t n,
                                                        const char *fmt, ...) {
  va_list ap;

  if (n + 1 >= cap)
    return n;
  va_start(ap, fmt);
  n += (size_t)vsnprintf(buf + n, cap - n, fmt, ap);
  va_end(ap);
  return n < cap ? n : cap - 1;
}

static int listed(char **v, int n, const char *s) {
  int i;

  for (i = 0; i < n; i++) {
    if (strcmp(v[i], s) == 0)
      return 1;
  }
  return 0;
}

/* "DetachRolePolicy, AttachRolePolicy from iam.amazonaws.com": the index
 * entries, each once (sequence steps may repeat a name). */
static void fires_on(char **names, int nnames, char **sources, int nsources, char *buf,
                     size_t cap) {
  size_t n = 0;
  int i;
  int first = 1;

  if (nnames == 0)
    n = add(buf, cap, n, "every event");
  for (i = 0; i < nnames; i++) {
    if (!listed(names, i, names[i]))
      n = add(buf, cap, n, "%s%s", first ? "" : ", ", names[i]);
    first = 0;
  }
  first = 1;
  for (i = 0; i < nsources; i++) {
    if (!listed(sources, i, sources[i]))
      n = add(buf, cap, n, "%s%s", first ? " from " : ", ", sources[i]);
    first = 0;
  }
  if (nsources == 0)
    add(buf, cap, n, " from any eventSource");
}

/* on.unless as one line, strings quoted so "true" and true differ:
 * userAgent: "*terraform*" (any case), "x"; managementEvent: false */
static void skips(const vigil_rule_t *r, char *buf, size_t cap) {
  const vigil_unless_t *u;
  size_t n = 0;
  int i;
  int j;
  int k;

  buf[0] = '\0';
  for (i = 0; i < r->nunless; i++) {
    u = &r->unless[i];
    n = add(buf, cap, n, "%s%s:", i ? "; " : "", u->path);
    for (j = k = 0; j < u->npats; j++, k++)
      n = add(buf, cap, n, "%s \"%s\"%s", k ? "," : "", u->pats[j],
              u->nocase[j] ? " (any case)" : "");
    if (u->bools & VIGIL_UNLESS_TRUE)
      n = add(buf, cap, n, "%s true", k++ ? "," : "");
    if (u->bools & VIGIL_UNLESS_FALSE)
      n = add(buf, cap, n, "%s false", k++ ? "," : "");
  }
}

/* 1800000 -> "30m": the largest unit that divides it, as rules write it. */
static void duration(int64_t ms, char *buf, size_t cap) {
  static const struct {
    int64_t ms;
    const char *unit;
  } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}, {1, "ms"}};
  size_t i;

  for (i = 0; i + 1 < sizeof(units) / sizeof(units[0]) && ms % units[i].ms; i++)
    ;
  snprintf(buf, cap, "%lld%s", (long long)(ms / units[i].ms), units[i].unit);
}

/* What a stateful form groups events by. */
static void key_text(const vigil_key_spec_t *k, char *buf, size_t cap) {
  size_t n = 0;
  int i;

  buf[0] = '\0';
  if (k->fn_ref != LUA_NOREF && k->fn_ref != LUA_REFNIL) {
    add(buf, cap, n, "key (a function of the event)");
    return;
  }
  for (i = 0; i < k->npaths; i++)
    n = add(buf, cap, n, "%s%s", i ? " + " : "", k->paths[i]);
  if (k->npaths == 0)
    add(buf, cap, n, "actor");
}

/* Header rows for a stateful rule: how many events, grouped how, within
 * what window, and the steps of a sequence. */
static void form_rows(const page_t *pg, const vigil_form_t *f) {
  char key[512];
  char win[32];
  char row[1024];
  char lead[16];
  char on[512];
  uint32_t i;

  key_text(&f->key, key, sizeof(key));
  duration(f->window_ms, win, sizeof(win));
  if (f->kind == VIGIL_FORM_THRESHOLD) {
    snprintf(row, sizeof(row), "%u matching events with the same %s within %s", f->count, key, win);
    field(pg, "threshold", row);
  } else if (f->kind == VIGIL_FORM_DISTINCT) {
    snprintf(row, sizeof(row), "%u different %s for the same %s within %s", f->count,
             f->field ? f->field : "values (a function of the event)", key, win);
    field(pg, "distinct", row);
  } else if (f->kind == VIGIL_FORM_SEQUENCE) {
    snprintf(row, sizeof(row), "%u steps in this order, with the same %s, within %s", f->nsteps,
             key, win);
    field(pg, "sequence", row);
    for (i = 0; i < f->nsteps; i++) {
      fires_on(f->steps[i].names, f->steps[i].nnames, f->steps[i].sources, f->steps[i].nsources, on,
               sizeof(on));
      snprintf(row, sizeof(row), "%s: %s", f->steps[i].name ? f->steps[i].name : "step", on);
      snprintf(lead, sizeof(lead), "step %u", i + 1);
      field(pg, lead, row);
    }
  }
  if (f->dedup) {
    key_text(&f->dedup_key, key, sizeof(key));
    duration(f->dedup_ms, win, sizeof(win));
    snprintf(row, sizeof(row), "one alert per %s every %s", key, win);
    field(pg, "dedup", row);
  }
}

/* One row per exception: alerts it drops, and where it was added. */
static void exception_rows(const page_t *pg, const vigil_exception_t *e, int n) {
  char row[1024];
  size_t k;
  int i;
  int j;

  for (i = 0; i < n; i++) {
    if (e[i].field) {
      k = add(row, sizeof(row), 0, "%s is ", e[i].field);
      for (j = 0; j < e[i].nvalues; j++)
        k = add(row, sizeof(row), k, "%s%s", j ? " or " : "", e[i].values[j]);
    } else {
      k = add(row, sizeof(row), 0, "a function of the event says so");
    }
    if (e[i].where)
      add(row, sizeof(row), k, " (%s)", e[i].where);
    field(pg, "except", row);
  }
}

/* Severity after overrides, and where it came from when not as written. */
static void severity_row(const page_t *pg, const vigil_rule_t *r) {
  char row[512];
  size_t n;

  n = add(row, sizeof(row), 0, "%s", vigil_severity_name(vigil_rule_severity(r)));
  if (r->ov_severity >= 0)
    n = add(row, sizeof(row), n, " (override at %s; the rule says %s)",
            r->ov_where ? r->ov_where : "?", vigil_severity_name(r->severity));
  if (r->severity_ref != LUA_NOREF && r->severity_ref != LUA_REFNIL)
    add(row, sizeof(row), n, ", unless the rule's severity function picks another for the event");
  field(pg, "severity", row);
}

static const char *meta_str(const vigil_rule_t *r, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->meta, key);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

void vigil_explain_page(FILE *out, int width, const vigil_rule_t *r) {
  page_t page = {out, width < MIN_WIDTH ? MIN_WIDTH : width};
  const page_t *pg = &page;
  char buf[1024];
  const char *s;
  const cJSON *about = runbook_item(r, "about");
  int n;

  fprintf(pg->out, "%s\n", r->title);
  for (n = cols(r->title, strlen(r->title)); n > 0; n--)
    fputc('=', pg->out);
  fputc('\n', pg->out);
  field(pg, "id", r->id);
  severity_row(pg, r);
  if (!vigil_rule_enabled(r))
    field(pg, "status",
          r->ov_enabled == 0 ? "disabled by an override: it never runs"
                             : "disabled (enabled = false): it never runs");
  fires_on(r->names, r->nnames, r->sources, r->nsources, buf, sizeof(buf));
  field(pg, "fires on", buf);
  if (r->nunless) {
    skips(r, buf, sizeof(buf));
    field(pg, "skips", buf);
  }
  form_rows(pg, &r->form);
  exception_rows(pg, r->exc, r->nexc);
  exception_rows(pg, r->ov_exc, r->nov_exc);
  snprintf(buf, sizeof(buf), "%s:%d", r->file, r->line);
  field(pg, "defined", buf);
  if ((s = meta_str(r, "author")))
    field(pg, "author", s);
  if ((s = meta_str(r, "description"))) {
    fputc('\n', pg->out);
    wrap(pg, 2, "", s, NULL);
  }
  if (cJSON_IsString(about)) {
    fprintf(pg->out, "\nWhat happened\n");
    wrap(pg, 2, "", about->valuestring, NULL);
  }
  list(pg, "Why it matters", runbook_item(r, "risks"), '-');
  list(pg, "Console", runbook_item(r, "console"), 'n');
  list(pg, "CLI", runbook_item(r, "cli"), 'c');
  tags(pg, cJSON_GetObjectItemCaseSensitive(r->meta, "tags"));
  list(pg, "References", cJSON_GetObjectItemCaseSensitive(r->meta, "references"), ' ');
}
