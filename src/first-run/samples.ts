/**
 * The sample notifications the setup page offers: SNS message bodies shipped in `samples/` at the
 * package root (copied into the container image too), read at run time and never from test/.
 */
import fs from "node:fs";
import path from "node:path";

export const SAMPLES_DIR = path.resolve(__dirname, "..", "..", "samples");

export interface Sample {
  /** The file name without `.json`, e.g. `cloudwatch-alarm`. */
  id: string;
  /** What the picker shows, e.g. "cloudwatch alarm". */
  label: string;
}

export function listSamples(dir = SAMPLES_DIR): Sample[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => {
      const id = file.slice(0, -".json".length);
      return { id, label: id.replace(/-/g, " ") };
    });
}

/** The body of sample `id`, or undefined for anything that is not one of the listed files. */
export function readSample(id: string, dir = SAMPLES_DIR): string | undefined {
  // Looked up in the listing, never joined from the request, so no path can escape the folder.
  const sample = listSamples(dir).find((candidate) => candidate.id === id);
  return sample === undefined ? undefined : fs.readFileSync(path.join(dir, `${sample.id}.json`), "utf8");
}
