/*
 * A loaded rule set: one Lua state holding every rule's functions, and the
 * rules' metadata in C for the index and for alerts.
 *
 * Every worker loads its own set from the same folders; load order is
 * sorted, so rule numbers agree across sets.
 */
#ifndef VIGIL_RULES_H
#define VIGIL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <lua.h>

#include "vigil/plugin.h"

/* What a stateful form is keyed by: dotted paths whose values are joined,
 * or a function of the event; neither means the acting principal. */
typedef struct vigil_key_spec_s {
  char **paths;
  int npaths;
  int fn_ref;            /* LUA_NOREF when paths or the actor */
} vigil_key_spec_t;

/* One step of a sequence: its own filter and condition. */
typedef struct vigil_step_s {
  char *name;
  char **sources;
  int nsources;
  char **names;
  int nnames;
  int when_ref;
} vigil_step_t;

typedef enum {
  VIGIL_FORM_NONE,
  VIGIL_FORM_THRESHOLD,  /* count events of a key in a window */
  VIGIL_FORM_DISTINCT,   /* count distinct values a key touches */
  VIGIL_FORM_SEQUENCE    /* ordered steps of a key in a window */
} vigil_form_kind_t;

typedef struct vigil_form_s {
  vigil_form_kind_t kind;
  vigil_key_spec_t key;
  int64_t window_ms;
  uint32_t count;
  char *field;           /* distinct: the path whose values are counted */
  int field_ref;         /* ... or a function giving the value */
  vigil_step_t *steps;
  uint32_t nsteps;
  int dedup;             /* one alert per key per dedup window */
  vigil_key_spec_t dedup_key;
  int64_t dedup_ms;
} vigil_form_t;

/* An exception: the alert is dropped when a field holds one of the
 * values, or when the function returns true. */
typedef struct vigil_exception_s {
  char *field;
  char **values;
  int nvalues;
  int fn_ref;
  char *where;           /* file:line that added it, for errors */
} vigil_exception_t;

/* One field of on.unless: the rule is skipped for an event whose field at
 * path (dotted, through objects) is a string matching one of pats
 * (core/field_pat.h) or a boolean named in bools. */
#define VIGIL_UNLESS_TRUE 1
#define VIGIL_UNLESS_FALSE 2
#define VIGIL_UNLESS_MAX_DEPTH 8
typedef struct vigil_unless_s {
  char *path;
  char **pats;           /* as written (lowercased when nocase) */
  unsigned char *nocase; /* [npats]: that pattern ignores ASCII case */
  int npats;
  int bools;             /* VIGIL_UNLESS_TRUE | VIGIL_UNLESS_FALSE */
} vigil_unless_t;

typedef struct vigil_rule_s {
  char *id;
  char *title;
  char *file;            /* where rule{} was called */
  int line;
  int enabled;           /* as written; see vigil_rule_enabled() */
  vigil_severity_t severity;
  int severity_ref;      /* severity as a function of the event, or LUA_NOREF */
  int title_ref;         /* same for the title */
  char **sources;        /* on.eventSource values; none = any */
  int nsources;
  char **names;          /* on.eventName values, "List*" a prefix; none = any */
  int nnames;
  char **errors;         /* on.errorCode values, "AccessDenied*" a prefix; none = any */
  int nerrors;
  int error_need;        /* on.errorCode = true: 1 (failed calls), false: -1 (succeeded) */
  char **id_types;       /* on["userIdentity.type"] values; none = any */
  int nid_types;
  char **event_types;    /* on.eventType values (AwsApiCall, AwsVpceEvent...); none = any */
  int nevent_types;
  vigil_unless_t *unless; /* on.unless, sorted by path; any entry met skips the rule */
  int nunless;
  char *output;          /* message template, or NULL */
  cJSON *meta;           /* description, tags, references, runbook */
  char **meta_text;      /* each member of meta printed, in order: alerts copy the text */
  int when_ref;          /* registry refs, LUA_NOREF when absent */
  int context_ref;
  int tests_ref;
  uint64_t sig;          /* changes when the rule's file changes (state) */
  vigil_form_t form;
  vigil_exception_t *exc; /* the rule's own exceptions */
  int nexc;
  /* From override{} in a local rules folder; the rule itself is untouched. */
  int ov_enabled;        /* -1 unset, else 0/1 */
  int ov_severity;       /* -1 unset, else a vigil_severity_t */
  vigil_exception_t *ov_exc;
  int nov_exc;
  int ov_tests_ref;      /* tests given with the override */
  char *ov_where;        /* file:line of the last override, for messages */
} vigil_rule_t;

typedef struct vigil_ruleset_s {
  lua_State *L;
  vigil_rule_t *rules;
  size_t nrules;
  size_t cap;
  size_t nfiles;
  size_t ndisabled;      /* rules not enabled (as written or by override) */
  size_t noverrides;
  const char *loading;   /* file being loaded, for rule{} */
  uint64_t loading_sig;  /* hash of its text */
  struct vigil_override_s *overrides; /* collected, applied after loading */
} vigil_ruleset_t;

/*
 * Loads every *.lua under each path (a folder, searched recursively and in
 * sorted order, skipping lib/ folders which hold modules; or one file).
 * lib_dirs are extra folders whose lib/ require() may use (the bundled
 * pack, so a user's rules can require "vigil.aws"). On failure returns a
 * status with err naming file:line and what is wrong; nothing is kept.
 */
int vigil_ruleset_load(const char *const *paths, int npaths, const char *const *lib_dirs,
                       int nlib, vigil_ruleset_t **out, char *err, size_t errlen);
void vigil_ruleset_free(vigil_ruleset_t *rs);

/* Calls the Lua function behind registry ref with a view of event under
 * the sandbox's budget. 0 leaves its one result on the stack (the caller
 * pops it); -1 fills err with the message (which starts with file:line).
 * event NULL: a byte view of the record begun with vigil_event_doc_begin
 * (core/lua_event.h), read without a tree. */
int vigil_ruleset_call(vigil_ruleset_t *rs, int ref, const cJSON *event, char *err,
                       size_t errlen);

/* Enabled after overrides. */
int vigil_rule_enabled(const vigil_rule_t *r);
/* Severity after overrides (the static one when it is a function). */
vigil_severity_t vigil_rule_severity(const vigil_rule_t *r);

/* Runs rule i's condition on event (NULL: the byte view, as above). 1
 * fired, 0 not, -1 on a runtime error (err holds the Lua message, which
 * starts with file:line). */
int vigil_ruleset_when(vigil_ruleset_t *rs, size_t i, const cJSON *event, char *err,
                       size_t errlen);

/* Extra alert context from rule i's context(e): a new cJSON object, or NULL
 * when the rule has none or it failed (then err is set). */
cJSON *vigil_ruleset_context(vigil_ruleset_t *rs, size_t i, const cJSON *event, char *err,
                             size_t errlen);

/* Severity names: "info" ... "critical"; -1 when unknown. */
int vigil_severity_parse(const char *s);
const char *vigil_severity_name(vigil_severity_t s);

#endif

