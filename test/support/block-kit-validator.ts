/**
 * A strict structural check of Slack Block Kit messages, for the blocks this app posts (header,
 * section, context, actions with buttons, divider). Slack answers `invalid_blocks` for structural
 * mistakes that a permissive fake would accept (PROTOCOLS §2.5): a header whose text is mrkdwn, a
 * section with neither text nor fields, a context element of the wrong type. A schema generated
 * from @slack/types would miss the second (its SectionBlock makes both optional), so this checks
 * Slack's documented rules directly, limits included. Unknown block types and keys are errors.
 */

type Json = Record<string, unknown>;

const LIMITS = {
  blocks: 50,
  blockId: 255,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonUrl: 3000,
  actionId: 255,
  buttonValue: 2000,
};

export function validateSlackMessage(message: unknown): string[] {
  const errors: string[] = [];
  if (!isJson(message)) return ["message: not an object"];
  if (message.text !== undefined && typeof message.text !== "string") errors.push("text: not a string");
  const blocks = message.blocks;
  if (!Array.isArray(blocks)) return [...errors, "blocks: not an array"];
  errors.push(...validateBlocks(blocks));
  return errors;
}

export function validateBlocks(blocks: unknown[]): string[] {
  const errors: string[] = [];
  if (blocks.length === 0) errors.push("blocks: empty");
  if (blocks.length > LIMITS.blocks) errors.push(`blocks: ${blocks.length} > ${LIMITS.blocks}`);
  blocks.forEach((block, index) => {
    errors.push(...validateBlock(block, `blocks[${index}]`));
  });
  return errors;
}

function validateBlock(block: unknown, at: string): string[] {
  if (!isJson(block)) return [`${at}: not an object`];
  const errors: string[] = [];
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== "string" || block.block_id.length === 0)
      errors.push(`${at}.block_id: not a string`);
    else if (block.block_id.length > LIMITS.blockId)
      errors.push(`${at}.block_id: longer than ${LIMITS.blockId}`);
  }
  switch (block.type) {
    case "header":
      errors.push(...onlyKeys(block, ["type", "block_id", "text"], at));
      errors.push(...textObject(block.text, `${at}.text`, { plainOnly: true, max: LIMITS.headerText }));
      break;
    case "section": {
      errors.push(...onlyKeys(block, ["type", "block_id", "text", "fields", "accessory", "expand"], at));
      if (block.text === undefined && block.fields === undefined)
        errors.push(`${at}: section needs text or fields`);
      if (block.text !== undefined)
        errors.push(...textObject(block.text, `${at}.text`, { max: LIMITS.sectionText }));
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0)
          errors.push(`${at}.fields: not a non-empty array`);
        else {
          if (block.fields.length > LIMITS.fields)
            errors.push(`${at}.fields: ${block.fields.length} > ${LIMITS.fields}`);
          block.fields.forEach((field, i) => {
            errors.push(...textObject(field, `${at}.fields[${i}]`, { max: LIMITS.fieldText }));
          });
        }
      }
      if (block.accessory !== undefined) errors.push(...button(block.accessory, `${at}.accessory`));
      if (block.expand !== undefined && typeof block.expand !== "boolean")
        errors.push(`${at}.expand: not a boolean`);
      break;
    }
    case "context": {
      errors.push(...onlyKeys(block, ["type", "block_id", "elements"], at));
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        errors.push(`${at}.elements: not a non-empty array`);
        break;
      }
      if (elements.length > LIMITS.contextElements) {
        errors.push(`${at}.elements: ${elements.length} > ${LIMITS.contextElements}`);
      }
      elements.forEach((element, i) => {
        const path = `${at}.elements[${i}]`;
        if (isJson(element) && element.type === "image") errors.push(...image(element, path));
        else if (isJson(element) && (element.type === "mrkdwn" || element.type === "plain_text")) {
          errors.push(...textObject(element, path, { max: LIMITS.sectionText }));
        } else errors.push(`${path}: context elements must be text objects or images`);
      });
      break;
    }
    case "actions": {
      errors.push(...onlyKeys(block, ["type", "block_id", "elements"], at));
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) {
        errors.push(`${at}.elements: not a non-empty array`);
        break;
      }
      if (elements.length > LIMITS.actionsElements) errors.push(`${at}.elements: too many`);
      elements.forEach((element, i) => {
        const path = `${at}.elements[${i}]`;
        errors.push(
          ...(isJson(element) && element.type === "static_select"
            ? staticSelect(element, path)
            : button(element, path)),
        );
      });
      break;
    }
    case "divider":
      errors.push(...onlyKeys(block, ["type", "block_id"], at));
      break;
    default:
      errors.push(`${at}.type: unsupported block type ${JSON.stringify(block.type)}`);
  }
  return errors;
}

function textObject(value: unknown, at: string, options: { plainOnly?: boolean; max: number }): string[] {
  if (!isJson(value)) return [`${at}: not a text object`];
  const errors: string[] = [];
  if (value.type === "plain_text") {
    errors.push(...onlyKeys(value, ["type", "text", "emoji"], at));
    if (value.emoji !== undefined && typeof value.emoji !== "boolean")
      errors.push(`${at}.emoji: not a boolean`);
  } else if (value.type === "mrkdwn") {
    if (options.plainOnly === true) errors.push(`${at}.type: must be plain_text, not mrkdwn`);
    errors.push(...onlyKeys(value, ["type", "text", "verbatim"], at));
  } else {
    errors.push(`${at}.type: ${JSON.stringify(value.type)} is not a text object type`);
  }
  if (typeof value.text !== "string") errors.push(`${at}.text: not a string`);
  else {
    if (value.text.length === 0) errors.push(`${at}.text: empty`);
    if (value.text.length > options.max) errors.push(`${at}.text: ${value.text.length} > ${options.max}`);
  }
  return errors;
}

function button(value: unknown, at: string): string[] {
  if (!isJson(value) || value.type !== "button") return [`${at}: not a button element`];
  const errors = onlyKeys(
    value,
    ["type", "text", "action_id", "url", "value", "style", "accessibility_label", "confirm"],
    at,
  );
  if (value.confirm !== undefined) errors.push(...confirmDialog(value.confirm, `${at}.confirm`));
  errors.push(...textObject(value.text, `${at}.text`, { plainOnly: true, max: LIMITS.buttonText }));
  if (value.action_id !== undefined && !shortString(value.action_id, LIMITS.actionId))
    errors.push(`${at}.action_id: invalid`);
  if (value.url !== undefined && !shortString(value.url, LIMITS.buttonUrl)) errors.push(`${at}.url: invalid`);
  if (typeof value.url === "string" && !/^https?:\/\//.test(value.url)) errors.push(`${at}.url: not http(s)`);
  if (value.value !== undefined && !shortString(value.value, LIMITS.buttonValue))
    errors.push(`${at}.value: invalid`);
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
    errors.push(`${at}.style: must be primary or danger`);
  }
  return errors;
}

/** A static select: placeholder ≤150, 1–100 options (or option groups of them), text ≤75, value ≤150. */
function staticSelect(value: Json, at: string): string[] {
  const errors = onlyKeys(
    value,
    ["type", "action_id", "placeholder", "options", "option_groups", "initial_option", "confirm"],
    at,
  );
  if (value.action_id !== undefined && !shortString(value.action_id, LIMITS.actionId))
    errors.push(`${at}.action_id: invalid`);
  if (value.placeholder !== undefined)
    errors.push(...textObject(value.placeholder, `${at}.placeholder`, { plainOnly: true, max: 150 }));
  if ((value.options === undefined) === (value.option_groups === undefined))
    return [...errors, `${at}: needs exactly one of options and option_groups`];
  const groups = value.option_groups === undefined ? [{ options: value.options }] : value.option_groups;
  if (!Array.isArray(groups) || groups.length === 0 || groups.length > 100)
    return [...errors, `${at}.option_groups: 1–100`];
  let total = 0;
  groups.forEach((group, g) => {
    const gat = `${at}.option_groups[${g}]`;
    if (!isJson(group) || !Array.isArray(group.options) || group.options.length === 0) {
      errors.push(`${gat}.options: not a non-empty array`);
      return;
    }
    if (group.label !== undefined)
      errors.push(...textObject(group.label, `${gat}.label`, { plainOnly: true, max: 75 }));
    total += group.options.length;
    group.options.forEach((option, o) => {
      if (!isJson(option)) {
        errors.push(`${gat}.options[${o}]: not an option`);
        return;
      }
      errors.push(...onlyKeys(option, ["text", "value", "description"], `${gat}.options[${o}]`));
      errors.push(...textObject(option.text, `${gat}.options[${o}].text`, { plainOnly: true, max: 75 }));
      if (!shortString(option.value, 150)) errors.push(`${gat}.options[${o}].value: invalid`);
    });
  });
  if (total > 100) errors.push(`${at}: ${total} options > 100`);
  return errors;
}

/** A confirmation dialog: title ≤100, text ≤300, confirm / deny ≤30 (plain text), optional style. */
function confirmDialog(value: unknown, at: string): string[] {
  if (!isJson(value)) return [`${at}: not a confirmation dialog`];
  const errors = onlyKeys(value, ["title", "text", "confirm", "deny", "style"], at);
  errors.push(...textObject(value.title, `${at}.title`, { plainOnly: true, max: 100 }));
  errors.push(...textObject(value.text, `${at}.text`, { max: 300 }));
  errors.push(...textObject(value.confirm, `${at}.confirm`, { plainOnly: true, max: 30 }));
  errors.push(...textObject(value.deny, `${at}.deny`, { plainOnly: true, max: 30 }));
  if (value.style !== undefined && value.style !== "primary" && value.style !== "danger") {
    errors.push(`${at}.style: must be primary or danger`);
  }
  return errors;
}

function image(value: Json, at: string): string[] {
  const errors = onlyKeys(value, ["type", "image_url", "alt_text"], at);
  if (!shortString(value.image_url, 3000)) errors.push(`${at}.image_url: invalid`);
  if (!shortString(value.alt_text, 2000)) errors.push(`${at}.alt_text: invalid`);
  return errors;
}

function onlyKeys(value: Json, allowed: string[], at: string): string[] {
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${at}.${key}: not allowed here`);
}

function shortString(value: unknown, max: number): boolean {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every text string in the blocks: what Slack's aggregate `msg_blocks_too_long` limit counts. */
export function blockTexts(blocks: unknown[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === "string") {
      if (key === "text") out.push(value);
      return;
    }
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (isJson(value)) for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(blocks, undefined);
  return out;
}

/** The texts Slack parses as mrkdwn (where `<!channel>` would be a mention); plain_text is literal. */
export function mrkdwnTexts(blocks: unknown[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (isJson(value)) {
      if (value.type === "mrkdwn" && typeof value.text === "string") out.push(value.text);
      for (const child of Object.values(value)) if (typeof child === "object") visit(child);
    }
  };
  visit(blocks);
  return out;
}
