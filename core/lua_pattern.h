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
 * subject when all is 1 (gsub) or 2 (gmatch, where '^' is no anchor).
 * Returns a number above limit as soon as the count passes it. A
 * malformed pattern counts what was walked before the fault (Lua then
 * raises its own error).
 */
int64_t vigil_pattern_cost(const char *s, size_t ls, const char *p, size_t lp, size_t init,
                           int all, int64_t limit);

/*
 * The shape of pattern p as Lua's matcher reads it, for a bound without a
 * walk: returns its repetitions that can multiply a search's paths
 * (single-character items followed by '*', '+', '-' or '?', each %bxy and
 * each back-reference %0-%9), and sets *linear to the repetitions that
 * cannot: those followed by the pattern's end, a final '$' or a literal
 * character they do not match (as in "[^/]+/"), which try one length to
 * the end and fail every other in one step. *anchored is set when a
 * leading '^' limits the search to one start (never for gmatch, all 2).
 * Inside a set or after '%' those characters are not repetitions. Returns
 * -1 for a malformed pattern: Lua finds the fault only where its search
 * reaches it, which may be after a long backtracking, so such a pattern
 * must be walked.
 */
int vigil_pattern_reps(const char *p, size_t lp, int all, int *anchored, int *linear);

/* vigil_pattern_reps through a small per-thread cache keyed by the
 * pattern's bytes (patterns up to 48 bytes). */
int vigil_pattern_shape(const char *p, size_t lp, int all, int *anchored, int *linear);

#endif
