import type { DigestLineRequest } from "../../../src/delivery/delivery-control";
import { createLogger } from "../../../src/logger";
import { expandDigestLineCallback } from "../../../src/slack/listeners/actions/digest-expand";
import { blockActionsPayload } from "../../support/slack-payloads";

const logger = createLogger({ level: "silent" });

function select(value: string | undefined) {
  return {
    type: "static_select",
    action_id: "digest_expand",
    block_id: "b",
    action_ts: "1",
    ...(value === undefined ? {} : { selected_option: { text: { type: "plain_text", text: "x" }, value } }),
  };
}

async function run(
  body: ReturnType<typeof blockActionsPayload>,
  action: ReturnType<typeof select>,
  answer: boolean | Error = true,
) {
  const requests: DigestLineRequest[] = [];
  const ack = jest.fn(async () => {});
  const callback = expandDigestLineCallback({
    logger,
    delivery: {
      async expandDigestLine(request) {
        requests.push(request);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  });
  await callback({ ack, body, action, context: {} } as never);
  return { requests, ack };
}

describe("expandDigestLineCallback", () => {
  it("asks for the chosen line of the digest it was used on, in its channel and workspace", async () => {
    const body = blockActionsPayload({ channelId: "C1", messageTs: "1700000000.000100", actions: [] });
    const { requests, ack } = await run(body, select("delivery-1"));
    expect(ack).toHaveBeenCalledTimes(1);
    expect(requests).toEqual([
      { teamId: body.team?.id, channelId: "C1", digestTs: "1700000000.000100", deliveryId: "delivery-1" },
    ]);
  });

  it("does nothing without a chosen option or outside a message", async () => {
    const inMessage = blockActionsPayload({ channelId: "C1", actions: [] });
    expect((await run(inMessage, select(undefined))).requests).toEqual([]);
    const noMessage = blockActionsPayload({ actions: [] });
    const { requests, ack } = await run(noMessage, select("delivery-1"));
    expect(requests).toEqual([]);
    expect(ack).toHaveBeenCalledTimes(1);
  });

  it("a failure to show the line is logged, never thrown at Bolt", async () => {
    const body = blockActionsPayload({ channelId: "C1", actions: [] });
    await expect(run(body, select("delivery-1"), new Error("slack down"))).resolves.toBeDefined();
  });
});
