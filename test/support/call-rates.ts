/**
 * Rates and order of what the fake Slack received, for multi-replica tests and benchmarks: the most
 * calls in any sliding window, and posts that overtook an earlier one of their channel.
 */

/** The most of `times` (ms, any order) that fall within any window of `windowMs`. */
export function maxInAnyWindow(times: readonly number[], windowMs = 1_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * Posts that overtook an earlier one: `posted` is each channel's texts in posting order, `rank`
 * gives a text's place in the order it was stored. Counts posts whose rank is below the highest
 * rank posted before them in the same channel.
 */
export function orderViolations(
  posted: ReadonlyMap<string, readonly string[]>,
  rank: (text: string) => number,
): number {
  let violations = 0;
  for (const texts of posted.values()) {
    let highest = -Infinity;
    for (const text of texts) {
      const r = rank(text);
      if (r < highest) violations++;
      highest = Math.max(highest, r);
    }
  }
  return violations;
}
