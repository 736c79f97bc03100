/**
 * WorkspaceRecovery's resume runs after a post has been recorded, unawaited by the post: drain()
 * is what shutdown waits on so the database is not closed under it.
 */
import type { Database } from "../../src/db/database";
import { WorkspaceRecovery } from "../../src/delivery/workspace-recovery";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";

describeEachDatabase("WorkspaceRecovery.drain", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
  });
  afterEach(() => dispose());

  it("resolves only once the resumes started by successes have ended", async () => {
    const { logger, lines } = capturingLogger("warn");
    let wakes = 0;
    const recovery = new WorkspaceRecovery({ prisma: db.prisma, logger, wake: () => wakes++ });
    let ended = 0;
    for (const team of ["T0ONE", "T0TWO"]) {
      recovery.failed(team);
      // As SlackDelivery does: fire and forget.
      void recovery.succeeded(team, 0).then(() => ended++);
    }
    await recovery.drain();
    // then() callbacks of the resumes run before drain's own continuation.
    expect(ended).toBe(2);
    expect(lines()).toEqual([]);
    expect(wakes).toBe(0); // nothing was waiting
    await recovery.drain(); // idle: resolves at once
  });
});
