/*
 * A rule's `on` table: what the rule index may use to skip the rule
 * before an event is parsed. Every key is optional and they combine with
 * AND; the values of one key combine with OR.
 *
 *   eventSource          "iam.amazonaws.com" or a list
 *   eventName            "CreateUser", or "List*" (a prefix), or a list
 *   errorCode            "AccessDenied", "AccessDenied*", a list; true: any
 *                        failed call; false: only calls that succeeded
 *   ["userIdentity.type"] "Root" or a list
 *   eventType            "AwsVpceEvent" or a list
 *
 * A call failed when errorCode is a non-empty string (core/rule_index.c
 * applies the same definition on the fast path and from a parsed tree).
 */
#include <lauxlib.h>
#include <string.h>

#include "rules_int.h"

static const char *const on_keys[] = {"source",    "eventSource",       "eventName",
                                      "errorCode", "userIdentity.type", "eventType",
                                      NULL};

/* A '*' is allowed only last and after at least one character: the index
 * matches exact values and prefixes, nothing else. */
static void check_patterns(lua_State *L, char **v, int n, const char *key, const char *rid) {
  int i;
  const char *star;

  for (i = 0; i < n; i++) {
    star = strchr(v[i], '*');
    if (v[i][0] == '\0' || (star && (star == v[i] || star[1] != '\0')))
      vigil_rl_error(L, "rule '%s': on.%s value '%s': use an exact value or a prefix "
                     "ending in '*' (leave the key out to match any)", rid, key, v[i]);
  }
}

void vigil_rl_parse_on(lua_State *L, int idx, vigil_rule_t *r, const char *rid) {
  int t;

  vigil_rl_check_keys(L, idx, on_keys, "on");
  vigil_rl_string_list(L, idx, "eventSource", &r->sources, &r->nsources, rid);
  vigil_rl_string_list(L, idx, "eventName", &r->names, &r->nnames, rid);
  check_patterns(L, r->names, r->nnames, "eventName", rid);
  t = lua_getfield(L, idx, "errorCode");
  lua_pop(L, 1);
  if (t == LUA_TBOOLEAN) {
    lua_getfield(L, idx, "errorCode");
    r->error_need = lua_toboolean(L, -1) ? 1 : -1;
    lua_pop(L, 1);
  } else {
    vigil_rl_string_list(L, idx, "errorCode", &r->errors, &r->nerrors, rid);
    check_patterns(L, r->errors, r->nerrors, "errorCode", rid);
  }
  vigil_rl_string_list(L, idx, "userIdentity.type", &r->id_types, &r->nid_types, rid);
  check_patterns(L, r->id_types, r->nid_types, "userIdentity.type", rid);
  vigil_rl_string_list(L, idx, "eventType", &r->event_types, &r->nevent_types, rid);
  check_patterns(L, r->event_types, r->nevent_types, "eventType", rid);
}

void vigil_rl_free_on(vigil_rule_t *r) {
  vigil_rl_free_list(r->sources, r->nsources);
  vigil_rl_free_list(r->names, r->nnames);
  vigil_rl_free_list(r->errors, r->nerrors);
  vigil_rl_free_list(r->id_types, r->nid_types);
  vigil_rl_free_list(r->event_types, r->nevent_types);
}
