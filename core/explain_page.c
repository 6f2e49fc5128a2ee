/*
 * The page `vigil explain` prints for one rule: header, description, the
 * runbook's sections and the tags, wrapped to a width.
 */
#include "explain_page.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

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
  const char *s;
  const char *dot;
  size_t i;
  int up = 1;

  if (strncasecmp(tag, "attack.", 7) != 0 || !tag[7])
    return 0;
  s = tag + 7;
  if ((s[0] == 't' || s[0] == 'T') && s[1] >= '0' && s[1] <= '9') {
    snprintf(name, cap, "T%s", s + 1);
    dot = strchr(s, '.');
    if (dot)
      snprintf(url, ucap, "https://attack.mitre.org/techniques/T%.*s/%s/", (int)(dot - s - 1),
               s + 1, dot + 1);
    else
      snprintf(url, ucap, "https://attack.mitre.org/techniques/T%s/", s + 1);
    return 't';
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
    if (kind != 't')
      continue;
    if (!tn++)
      fprintf(pg->out, "\nATT&CK\n");
    snprintf(row, sizeof(row), "%s  %s", name, url);
    wrap(pg, 2, "technique   ", row, NULL);
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

static void fires_on(const vigil_rule_t *r, char *buf, size_t cap) {
  size_t n = 0;
  int i;

  if (r->nnames == 0)
    n += (size_t)snprintf(buf, cap, "every event");
  for (i = 0; i < r->nnames && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", r->names[i]);
  for (i = 0; i < r->nsources && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : " from ", r->sources[i]);
  if (r->nsources == 0 && n < cap)
    snprintf(buf + n, cap - n, " from any eventSource");
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
  field(pg, "severity", vigil_severity_name(r->severity));
  fires_on(r, buf, sizeof(buf));
  field(pg, "fires on", buf);
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
