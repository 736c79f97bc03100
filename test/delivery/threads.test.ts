import {
  eventTime,
  isResolvedState,
  nextThreadState,
  parentWithCurrentState,
  planThread,
  type ThreadRow,
} from "../../src/delivery/threads";
import { formatNotification, type Notification, renderSlackMessage } from "../../src/notifications";
import { validateSlackMessage } from "../support/block-kit-validator";
import { alarmMessage } from "./world";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);

function alarm(state: "ALARM" | "OK" | "INSUFFICIENT_DATA", when: Date = T0): Notification {
  return formatNotification({
    Type: "Notification",
    MessageId: "m-1",
    TopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
    Subject: `${state}: cpu`,
    Message: alarmMessage({ name: "cpu", state, at: when }),
    Timestamp: when.toISOString(),
  });
}

function thread(lastState: string | null, lastStateAt: Date, updatedAt: Date = lastStateAt): ThreadRow {
  return { parentTs: "1700000000.000100", lastState, lastStateAt, updatedAt };
}

describe("planThread", () => {
  it("posts top level without a thread key, and for the first notification of a key", () => {
    const plain = { ...alarm("ALARM"), threadKey: undefined };
    expect(planThread(plain, null, T0, DAY)).toEqual({ kind: "top-level" });
    const first = alarm("ALARM");
    expect(planThread(first, null, T0, DAY)).toEqual({ kind: "top-level", threadKey: first.threadKey });
  });

  it("replies while the alarm is firing, however long ago it started", () => {
    const row = thread("ALARM", T0);
    expect(planThread(alarm("OK", at(3 * DAY)), row, at(3 * DAY), DAY)).toMatchObject({
      kind: "reply",
      parentTs: row.parentTs,
    });
  });

  it("replies to an ALARM after a short OK, starts a new thread after a long one", () => {
    const okSince = thread("OK", T0);
    expect(planThread(alarm("ALARM"), okSince, at(DAY - 1), DAY).kind).toBe("reply");
    expect(planThread(alarm("ALARM"), okSince, at(DAY + 1), DAY).kind).toBe("top-level");
    // A repeated OK long after stays in the thread: nothing new started.
    expect(planThread(alarm("OK"), okSince, at(2 * DAY), DAY).kind).toBe("reply");
  });

  it("threads without a state start anew after being idle for the window", () => {
    const custom = { ...alarm("ALARM"), state: undefined, threadKey: "deploy-42" };
    expect(planThread(custom, thread(null, T0), at(HOUR), DAY).kind).toBe("reply");
    expect(planThread(custom, thread(null, T0), at(DAY + HOUR), DAY).kind).toBe("top-level");
  });
});

describe("thread state", () => {
  it("keeps since-when while the state repeats, moves it on a change", () => {
    const row = thread("ALARM", T0);
    expect(nextThreadState(alarm("ALARM"), row, at(HOUR))).toEqual({ lastState: "ALARM", lastStateAt: T0 });
    expect(nextThreadState(alarm("OK"), row, at(HOUR))).toEqual({ lastState: "OK", lastStateAt: at(HOUR) });
    expect(nextThreadState(alarm("ALARM"), null, at(HOUR))).toEqual({
      lastState: "ALARM",
      lastStateAt: at(HOUR),
    });
  });

  it("knows resolved states by their word", () => {
    for (const word of ["OK", "ok", "RESOLVED", "SUCCEEDED", "closed", "UPDATE_COMPLETE", "COMPLIANT"]) {
      expect(isResolvedState(word)).toBe(true);
    }
    for (const word of [
      "ALARM",
      "INSUFFICIENT_DATA",
      "FAILED",
      "UPDATE_ROLLBACK_IN_PROGRESS",
      "",
      null,
      undefined,
    ]) {
      expect(isResolvedState(word)).toBe(false);
    }
  });

  it("takes the event's own time, else SNS's, else now", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(eventTime(alarm("OK", at(HOUR)), T0.toISOString(), now)).toEqual(at(HOUR));
    expect(eventTime({ ...alarm("OK"), timestamp: undefined }, T0.toISOString(), now)).toEqual(T0);
    expect(eventTime({ ...alarm("OK"), timestamp: "garbage" }, "also garbage", now)).toEqual(now);
  });
});

describe("parentWithCurrentState", () => {
  it("keeps the parent's content and adds the current state under its header, as valid Block Kit", () => {
    const parent = renderSlackMessage(alarm("ALARM"));
    const updated = parentWithCurrentState(parent, alarm("OK"), at(5 * 60_000));
    expect(updated.text).toBe(parent.text);
    expect(updated.blocks[0]).toEqual(parent.blocks[0]);
    expect(updated.blocks.slice(2)).toEqual(parent.blocks.slice(1));
    expect(JSON.stringify(updated.blocks[1])).toContain(
      `:large_green_circle: Now *OK* since <!date^${at(5 * 60_000).getTime() / 1000}^{date_short_pretty} {time_secs}|2026-03-01T10:05:00Z>`,
    );
    expect(validateSlackMessage(updated)).toEqual([]);
  });

  it("stays within 50 blocks and escapes the state word", () => {
    const parent = {
      text: "t",
      blocks: Array.from({ length: 50 }, () => renderSlackMessage(alarm("ALARM")).blocks[1]),
    };
    const updated = parentWithCurrentState(parent, { state: "<b>&", severity: "high" }, T0);
    expect(updated.blocks).toHaveLength(50);
    expect(JSON.stringify(updated.blocks[1])).toContain("*&lt;b&gt;&amp;*");
  });
});
