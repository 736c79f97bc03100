import { newRowId } from "../../src/db/row-id";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newRowId (UUID v7)", () => {
  it("is a version-7, RFC 9562 variant UUID carrying the millisecond it was made", () => {
    const at = Date.UTC(2026, 10, 26, 7, 30);
    const id = newRowId(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
  });

  it("sorts in the order the ids were made, within one millisecond and across them, and never repeats", () => {
    const ids: string[] = [];
    const start = Date.now() + 60_000;
    // 10,000 ids in the same millisecond (past the 12-bit counter), then later milliseconds.
    for (let i = 0; i < 10_000; i++) ids.push(newRowId(start));
    for (let ms = 1; ms <= 50; ms++) for (let i = 0; i < 20; i++) ids.push(newRowId(start + ms));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it("stays in order when the clock steps back", () => {
    const later = newRowId(Date.now() + 120_000);
    const earlierClock = newRowId(Date.now());
    expect(earlierClock > later).toBe(true);
  });
});
