/**
 * The text criteria of a channel filter (`/aws filter match TEXT`, `exclude TEXT`): a
 * case-insensitive substring, or `/regex/` (flags i, s, u; case-insensitive always). A regex comes
 * from a chat message and runs on the ingest path, so it is compiled only when it cannot backtrack
 * catastrophically: no nested or alternated quantified groups (`(a+)+`, `(a|a)*`), no
 * backreferences or lookbehinds, at most two long repetitions. It is matched against at most
 * TEXT_HAYSTACK_MAX characters, and a pattern that still takes longer than PATTERN_BUDGET_MS once is
 * switched off (the criterion then lets everything through, fail safe) and reported.
 */

export const TEXT_PATTERN_MAX_LENGTH = 200;
/** Header (≤ 100 characters) and summary are cut to this before matching. */
export const TEXT_HAYSTACK_MAX = 600;
/** A single match longer than this switches the pattern off. */
export const PATTERN_BUDGET_MS = 25;
/** Quantifiers that repeat more than this many times count as long (`*`, `+`, `{2,}`, `{1,50}`). */
const LONG_REPEAT = 10;
const MAX_LONG_QUANTIFIERS = 2;

export interface TextPattern {
  /** As the user typed it (what is stored and shown). */
  source: string;
  /** A `/regex/` (its results are worth sharing between filters); false for a substring. */
  regex: boolean;
  /**
   * True when the text is found; undefined when the pattern was switched off (over its budget).
   * `lower`: the text in lower case, when the caller has it already.
   */
  test(text: string, lower?: string): boolean | undefined;
}

export type PatternResult = { ok: true; pattern: TextPattern } | { ok: false; problem: string };

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;

export function compileTextPattern(
  source: string,
  now: () => number = () => performance.now(),
): PatternResult {
  const text = source.trim();
  if (text === "") return { ok: false, problem: "The text to match is empty." };
  if (text.length > TEXT_PATTERN_MAX_LENGTH) {
    return {
      ok: false,
      problem: `The text to match is ${text.length} characters long; at most ${TEXT_PATTERN_MAX_LENGTH} are allowed.`,
    };
  }
  const literal = REGEX_LITERAL.exec(text);
  if (literal === null) {
    const needle = text.toLowerCase();
    return {
      ok: true,
      pattern: {
        source: text,
        regex: false,
        test: (haystack, lower) => (lower ?? haystack.toLowerCase()).includes(needle),
      },
    };
  }
  const [, body, flags] = literal;
  const badFlag = [...flags].find((flag) => !"isu".includes(flag));
  if (badFlag !== undefined)
    return { ok: false, problem: `\`${badFlag}\` is not a flag a filter accepts: use i, s or u.` };
  const danger = catastrophicReason(body);
  if (danger !== undefined) return { ok: false, problem: `The pattern ${danger}.` };
  let regex: RegExp;
  try {
    regex = new RegExp(body, `${[...new Set(`${flags}i`)].join("")}`);
  } catch (error) {
    return {
      ok: false,
      problem: `\`${text}\` is not a valid regular expression: ${(error as Error).message}.`,
    };
  }
  return { ok: true, pattern: budgeted(text, regex, now) };
}

function budgeted(source: string, regex: RegExp, now: () => number): TextPattern {
  let switchedOff = false;
  return {
    source,
    regex: true,
    test(haystack) {
      if (switchedOff) return undefined;
      const started = now();
      const found = regex.test(haystack.slice(0, TEXT_HAYSTACK_MAX));
      if (now() - started > PATTERN_BUDGET_MS) switchedOff = true;
      return found;
    },
  };
}

interface Group {
  /** Whether a quantifier or an alternation is inside (directly or in a nested group). */
  risky: boolean;
}

/**
 * Why a regex could backtrack catastrophically, or undefined. A small scan of the source: it
 * tracks groups, character classes and escapes, and refuses a quantified group with a quantifier
 * or `|` inside, backreferences, lookbehinds, and more than two long repetitions.
 */
export function catastrophicReason(body: string): string | undefined {
  const stack: Group[] = [{ risky: false }];
  let longQuantifiers = 0;
  let lastClosed: Group | undefined;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    let closed: Group | undefined;
    if (char === "\\") {
      const next = body[i + 1] ?? "";
      if (/[1-9k]/.test(next)) return "uses a backreference, which filters do not allow";
      i++;
    } else if (char === "[") {
      i = endOfClass(body, i);
    } else if (char === "(") {
      if (body.startsWith("(?<=", i) || body.startsWith("(?<!", i))
        return "uses a lookbehind, which filters do not allow";
      stack.push({ risky: false });
    } else if (char === ")") {
      closed = stack.length > 1 ? stack.pop() : undefined;
      if (closed?.risky) stack[stack.length - 1].risky = true;
    } else if (char === "|") {
      stack[stack.length - 1].risky = true;
    } else {
      const repeat = quantifierAt(body, i);
      if (repeat !== undefined) {
        if (repeat.repeats && lastClosed?.risky)
          return "repeats a group that itself repeats or alternates (like `(a+)+`)";
        if (repeat.long && ++longQuantifiers > MAX_LONG_QUANTIFIERS)
          return `has more than ${MAX_LONG_QUANTIFIERS} open-ended repetitions (\`*\`, \`+\`, \`{n,}\`)`;
        stack[stack.length - 1].risky = true;
        i = repeat.end;
      }
    }
    lastClosed = closed;
  }
  return undefined;
}

function endOfClass(body: string, start: number): number {
  for (let i = start + 1; i < body.length; i++) {
    if (body[i] === "\\") i++;
    else if (body[i] === "]" && i > start + 1) return i;
  }
  return body.length;
}

/** A quantifier starting at `i` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, lazy or not). */
function quantifierAt(body: string, i: number): { long: boolean; repeats: boolean; end: number } | undefined {
  const char = body[i];
  const lazy = (end: number) => (body[end + 1] === "?" ? end + 1 : end);
  if (char === "*" || char === "+") return { long: true, repeats: true, end: lazy(i) };
  if (char === "?") return { long: false, repeats: false, end: lazy(i) };
  if (char !== "{") return undefined;
  const braces = /^\{(\d+)(,(\d*))?\}/.exec(body.slice(i));
  if (braces === null) return undefined;
  const upper = braces[2] === undefined ? Number(braces[1]) : braces[3] === "" ? Infinity : Number(braces[3]);
  return { long: upper > LONG_REPEAT, repeats: upper > 1, end: lazy(i + braces[0].length - 1) };
}
