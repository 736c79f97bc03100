/**
 * Waits until `condition` holds, polling every 25 ms; throws after `timeoutMs`. What tests wait on
 * instead of a fixed time (a busy machine only makes this slower, never wrong).
 */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
