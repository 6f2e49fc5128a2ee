/* Helpers shared by the rule loader's files (rules.c, rule_form.c,
 * rule_override.c). Errors are raised as Lua errors naming the file:line
 * of the rule{} or override{} call. */
#ifndef VIGIL_RULES_INT_H
#define VIGIL_RULES_INT_H

#include <lua.h>

#include "rules.h"

int vigil_rl_error(lua_State *L, const char *fmt, ...);
void vigil_rl_check_keys(lua_State *L, int idx, const char *const *allowed, const char *what);
void vigil_rl_string_list(lua_State *L, int idx, const char *key, char ***dst, int *n,
                          const char *rid);
void vigil_rl_free_list(char **l, int n);
int vigil_rl_opt(lua_State *L, int idx, const char *key, int t, const char *rid);
void vigil_rl_check_strings(lua_State *L, int idx, const char *what, const char *rid);
int vigil_rl_ref_fn(lua_State *L, int idx, const char *key, const char *rid);
/* The string or list of strings at stack index idx into a new array. */
void vigil_rl_strings(lua_State *L, int idx, const char *what, const char *rid, char ***dst,
                      int *n);
/* "file:line" of the Lua code calling the current C function. */
char *vigil_rl_where(lua_State *L);

/* rule_on.c: the `on` table at idx (errors name the rule), and its lists. */
void vigil_rl_parse_on(lua_State *L, int idx, vigil_rule_t *r, const char *rid);
void vigil_rl_free_on(vigil_rule_t *r);

/* rule_form.c: stateful forms and exceptions of the rule table at idx. */
void vigil_form_parse(lua_State *L, int idx, vigil_rule_t *r, const char *rid);
void vigil_form_free(lua_State *L, vigil_form_t *f);
void vigil_exceptions_parse(lua_State *L, int idx, const char *rid, vigil_exception_t **out,
                            int *n);
void vigil_exceptions_free(lua_State *L, vigil_exception_t *e, int n);
/* Checks tags: attack.tNNNN[.NNN], attack.gNNNN, attack.sNNNN or a tactic. */
void vigil_tags_check(lua_State *L, int idx, const char *rid);

/* rule_override.c */
void vigil_override_register(lua_State *L, vigil_ruleset_t *rs);
/* Applies the collected overrides; on an unknown id fills err. */
int vigil_overrides_apply(vigil_ruleset_t *rs, char *err, size_t errlen);
void vigil_overrides_free(vigil_ruleset_t *rs);

#endif
