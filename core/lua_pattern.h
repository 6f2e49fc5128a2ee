/*
 * The cost of a Lua pattern match, for the sandbox's budget. Lua's own
 * matcher backtracks inside one C call that no instruction count sees, so
 * ("a"):rep(300):find(("a*"):rep(4) .. "b") ran for minutes. Before the
 * stock string.find, match, gmatch or gsub runs, this walks the same
 * backtracking search (as the Lua manual defines patterns) counting its
 * steps, and stops as soon as they pass the limit. Its answer is only a
 * cost: the match itself is still made by Lua, so a difference between
 * the two could only misjudge a cost, never change a result.
 */
#ifndef VIGIL_LUA_PATTERN_H
#define VIGIL_LUA_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Steps to match pattern p (lp bytes) in s (ls bytes) from offset init:
 * the first match when all is 0 (find, match), every match through the
 * subject when all is 1 (gsub) or 2 (gmatch, where '^' is no anchor). Returns a number above limit as
 * soon as the count passes it. A malformed pattern counts what was walked
 * before the fault (Lua then raises its own error).
 */
int64_t vigil_pattern_cost(const char *s, size_t ls, const char *p, size_t lp, size_t init,
                           int all, int64_t limit);

#endif
