// Every limit is stated in both READMEs, with its value: the docs cannot drift from the code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.js";

const MiB = 1024 * 1024;

/** The Limits section of a README (up to the next `## `). */
function section(file: string, heading: string): string {
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${file} has no “## ${heading}” section`);
  const end = text.indexOf("\n## ", start + 4);
  return text.slice(start, end < 0 ? undefined : end);
}

describe("the limits in the docs", () => {
  for (const [file, heading] of [
    ["README.md", "Limits"],
    ["README.zh-CN.md", "上限"],
  ] as const) {
    it(`${file} lists every limit with its value`, () => {
      const doc = section(file, heading);
      for (const [name, value] of Object.entries(LIMITS)) {
        const shown = value >= MiB && value % MiB === 0 ? `${value / MiB} MB` : String(value);
        expect(doc, `${name} = ${shown}`).toContain(`| ${shown}`);
      }
    });
  }
});
