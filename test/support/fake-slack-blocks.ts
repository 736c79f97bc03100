/**
 * Structural Block Kit checks, so the fake refuses what Slack refuses (`invalid_blocks`,
 * `invalid_arguments` for views) instead of hiding renderer bugs. Covers the documented limits of the
 * common blocks; block types it does not model in depth are accepted when their type is known.
 * Errors read like Slack's: "[ERROR] must be at most 150 characters [json-pointer:/blocks/0/text/text]".
 */
import { isJsonObject } from "./fake-slack-http";
import type { JsonObject } from "./fake-slack-types";

const SHALLOW_BLOCK_TYPES = new Set([
  "rich_text",
  "video",
  "file",
  "call",
  "table",
  "context_actions",
  "plan",
  "task_card",
  "card",
  "alert",
  "carousel",
]);

class Problems {
  readonly list: string[] = [];
  add(pointer: string, message: string): void {
    this.list.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }
}

interface TextRules {
  plainOnly?: boolean;
  max: number;
}

function checkText(value: unknown, pointer: string, rules: TextRules, problems: Problems): void {
  if (!isJsonObject(value)) {
    problems.add(pointer, "must be a text object");
    return;
  }
  if (value.type !== "plain_text" && value.type !== "mrkdwn") {
    problems.add(`${pointer}/type`, "must be plain_text or mrkdwn");
    return;
  }
  if (rules.plainOnly && value.type !== "plain_text") {
    problems.add(`${pointer}/type`, "must be plain_text");
    return;
  }
  if (typeof value.text !== "string") {
    problems.add(`${pointer}/text`, "must be a string");
    return;
  }
  if (value.text.length === 0) problems.add(`${pointer}/text`, "must be more than 0 characters");
  if (value.text.length > rules.max)
    problems.add(`${pointer}/text`, `must be at most ${rules.max} characters`);
}

function checkMaxString(
  value: unknown,
  pointer: string,
  max: number,
  problems: Problems,
  required = false,
): void {
  if (value === undefined && !required) return;
  if (typeof value !== "string") {
    problems.add(pointer, "must be a string");
    return;
  }
  if (value.length > max) problems.add(pointer, `must be at most ${max} characters`);
}

function checkElements(
  value: unknown,
  pointer: string,
  min: number,
  max: number,
  problems: Problems,
): unknown[] {
  if (!Array.isArray(value)) {
    problems.add(pointer, "must be an array");
    return [];
  }
  if (value.length < min) problems.add(pointer, `must have at least ${min} item(s)`);
  if (value.length > max) problems.add(pointer, `must have at most ${max} items`);
  return value;
}

function checkImage(value: JsonObject, pointer: string, problems: Problems): void {
  if (value.image_url === undefined && value.slack_file === undefined) {
    problems.add(pointer, "must provide image_url or slack_file");
  }
  checkMaxString(value.image_url, `${pointer}/image_url`, 3000, problems);
  checkMaxString(value.alt_text, `${pointer}/alt_text`, 2000, problems, true);
}

function checkInteractiveElement(value: unknown, pointer: string, problems: Problems): void {
  if (!isJsonObject(value) || typeof value.type !== "string") {
    problems.add(pointer, "must be an element object");
    return;
  }
  checkMaxString(value.action_id, `${pointer}/action_id`, 255, problems);
  if (value.type !== "button") return;
  checkText(value.text, `${pointer}/text`, { plainOnly: true, max: 75 }, problems);
  checkMaxString(value.value, `${pointer}/value`, 2000, problems);
  checkMaxString(value.url, `${pointer}/url`, 3000, problems);
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
    problems.add(`${pointer}/style`, "must be primary or danger");
  }
}

function checkBlock(block: unknown, pointer: string, problems: Problems): void {
  if (!isJsonObject(block)) {
    problems.add(pointer, "must be a block object");
    return;
  }
  checkMaxString(block.block_id, `${pointer}/block_id`, 255, problems);
  switch (block.type) {
    case "section": {
      if (block.text === undefined && block.fields === undefined) {
        problems.add(pointer, "must provide text or fields");
        return;
      }
      if (block.text !== undefined) checkText(block.text, `${pointer}/text`, { max: 3000 }, problems);
      if (block.fields !== undefined) {
        const fields = checkElements(block.fields, `${pointer}/fields`, 1, 10, problems);
        for (const [i, field] of fields.entries()) {
          checkText(field, `${pointer}/fields/${i}`, { max: 2000 }, problems);
        }
      }
      if (block.accessory !== undefined && !isJsonObject(block.accessory)) {
        problems.add(`${pointer}/accessory`, "must be an element object");
      }
      return;
    }
    case "header":
      checkText(block.text, `${pointer}/text`, { plainOnly: true, max: 150 }, problems);
      return;
    case "divider":
      return;
    case "context": {
      const elements = checkElements(block.elements, `${pointer}/elements`, 1, 10, problems);
      elements.forEach((element, i) => {
        const at = `${pointer}/elements/${i}`;
        if (isJsonObject(element) && element.type === "image") checkImage(element, at, problems);
        else checkText(element, at, { max: 3000 }, problems);
      });
      return;
    }
    case "actions": {
      const elements = checkElements(block.elements, `${pointer}/elements`, 1, 25, problems);
      for (const [i, element] of elements.entries()) {
        checkInteractiveElement(element, `${pointer}/elements/${i}`, problems);
      }
      return;
    }
    case "image":
      checkImage(block, pointer, problems);
      if (block.title !== undefined)
        checkText(block.title, `${pointer}/title`, { plainOnly: true, max: 2000 }, problems);
      return;
    case "input":
      checkText(block.label, `${pointer}/label`, { plainOnly: true, max: 2000 }, problems);
      if (block.hint !== undefined)
        checkText(block.hint, `${pointer}/hint`, { plainOnly: true, max: 2000 }, problems);
      if (!isJsonObject(block.element)) problems.add(`${pointer}/element`, "must be an element object");
      return;
    case "markdown":
      checkMaxString(block.text, `${pointer}/text`, 12000, problems, true);
      return;
    default:
      if (typeof block.type !== "string") {
        problems.add(`${pointer}/type`, "must be a string");
        return;
      }
      if (!SHALLOW_BLOCK_TYPES.has(block.type))
        problems.add(`${pointer}/type`, `unsupported block type ${block.type}`);
  }
}

/** Problems of a `blocks` argument ([] when valid). `maxBlocks`: 50 for messages, 100 for views. */
export function blockProblems(blocks: unknown, maxBlocks: number, pointer = "/blocks"): string[] {
  const problems = new Problems();
  if (!Array.isArray(blocks)) {
    problems.add(pointer, "must be an array");
    return problems.list;
  }
  if (blocks.length > maxBlocks) problems.add(pointer, `must have at most ${maxBlocks} items`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    checkBlock(block, `${pointer}/${i}`, problems);
    if (isJsonObject(block) && typeof block.block_id === "string") {
      if (blockIds.has(block.block_id))
        problems.add(`${pointer}/${i}/block_id`, "must be unique within the blocks");
      blockIds.add(block.block_id);
    }
  });
  return problems.list;
}

/** Problems of a view (Home tab or modal) as views.publish / open / update receive it. */
export function viewProblems(view: unknown): string[] {
  const problems = new Problems();
  if (!isJsonObject(view)) {
    problems.add("/view", "must be a view object");
    return problems.list;
  }
  if (view.type !== "home" && view.type !== "modal") problems.add("/view/type", "must be home or modal");
  checkMaxString(view.callback_id, "/view/callback_id", 255, problems);
  checkMaxString(view.private_metadata, "/view/private_metadata", 3000, problems);
  checkMaxString(view.external_id, "/view/external_id", 255, problems);
  if (view.type === "modal") {
    checkText(view.title, "/view/title", { plainOnly: true, max: 24 }, problems);
    for (const key of ["submit", "close"] as const) {
      if (view[key] !== undefined)
        checkText(view[key], `/view/${key}`, { plainOnly: true, max: 24 }, problems);
    }
    const hasInput =
      Array.isArray(view.blocks) && view.blocks.some((b) => isJsonObject(b) && b.type === "input");
    if (hasInput && view.submit === undefined)
      problems.add("/view/submit", "is required when blocks contain an input");
  }
  return [...problems.list, ...blockProblems(view.blocks ?? [], 100, "/view/blocks")];
}

/** Slack's answer to invalid blocks. */
export function invalidBlocks(errors: string[]): JsonObject {
  return {
    ok: false,
    error: "invalid_blocks",
    errors: errors.map((e) => e.replace(/^\[ERROR\] /, "")),
    response_metadata: { messages: errors },
  };
}
