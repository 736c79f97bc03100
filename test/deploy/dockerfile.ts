/**
 * A small Dockerfile reader for the tests: instructions (continuations joined, comments dropped)
 * grouped into stages, so a test can follow the real file's steps instead of a hand-made copy.
 */
import fs from "node:fs";

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  /** The `AS name`, or the stage's index. */
  name: string;
  /** The image after FROM, ARGs substituted. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(file: string): Dockerfile {
  const lines: string[] = [];
  let pending = "";
  for (const raw of fs.readFileSync(file, "utf8").split("\n")) {
    if (/^\s*#/.test(raw)) continue;
    if (raw.endsWith("\\")) {
      pending += `${raw.slice(0, -1)} `;
      continue;
    }
    const line = (pending + raw).trim();
    pending = "";
    if (line !== "") lines.push(line);
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, " ").trim() };
    if (instruction.keyword === "FROM") {
      const [image, , name] = instruction.args.split(" ");
      const from = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? "");
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === "ARG") {
        const [name, value] = instruction.args.split("=", 2);
        args[name] = value ?? "";
      }
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** `K=V K2=V2` of an ENV instruction (the form this project's Dockerfile uses). */
export function envPairs(args: string): Record<string, string> {
  return Object.fromEntries(
    args.split(" ").map((pair) => {
      const index = pair.indexOf("=");
      return [pair.slice(0, index), pair.slice(index + 1)];
    }),
  );
}

/** COPY [--from=stage] SRC… DEST */
export function copyArgs(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(" ");
  const from = words[0].startsWith("--from=") ? words.shift()?.slice("--from=".length) : undefined;
  const dest = words.pop() ?? "";
  return { from, sources: words, dest };
}

/** The JSON array of an exec-form CMD (after HEALTHCHECK's options, if any). */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf("["));
  return JSON.parse(json) as string[];
}
