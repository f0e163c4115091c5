// The READMEs show what lookback really prints: every example block is replayed on the built
// CLI, in order, in a fresh folder (scripts/readme-examples.mjs), and must read the same but
// for dates, times, ids and the home folder. After a change to the output:
// `npm run readme -- --update`, then read the diff.
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain script of the repository, without type declarations
import { HAS_SCRIPT, matchLines, parseExamples, READMES, replay } from "../scripts/readme-examples.mjs";

interface Result {
  line: number;
  command: string;
  expected: string[];
  actual: string[];
  ok: boolean;
  skipped?: boolean;
  block: { terminal: boolean };
}

describe("the example harness", () => {
  it("finds the commands of a block and the output under each", () => {
    const blocks = parseExamples(
      [
        "text",
        "```text",
        "$ lookback status",
        "a",
        "",
        "$ lookback list",
        "b",
        "```",
        "```sh",
        "$ x",
        "```",
      ].join("\n"),
    );
    expect(blocks).toHaveLength(1);
    expect(
      blocks[0].commands.map((c: { command: string; expected: string[] }) => [c.command, c.expected]),
    ).toEqual([
      ["lookback status", ["a"]],
      ["lookback list", ["b"]],
    ]);
  });

  it("forgives dates, times and ids only; `…` stands for lines left out", () => {
    const norm = (l: string) => l.replace(/\d{4}-\d\d-\d\d/g, "<date>").replace(/\b[0-9a-f]{8}\b/g, "<id>");
    expect(matchLines(["a 2026-11-27 16cf0758"], ["a 2030-01-01 0cea5ddb"], norm).ok).toBe(true);
    expect(matchLines(["a 2026-11-27"], ["b 2026-11-27"], norm).ok).toBe(false);
    expect(matchLines(["head", "…", "tail"], ["head", "x", "y", "tail"], norm).ok).toBe(true);
    expect(matchLines(["head", "…", "tail"], ["head", "x"], norm).ok).toBe(false);
    expect(matchLines(["one"], ["one", "two"], norm).ok).toBe(false);
  });
});

const readmes = READMES as { file: string; lang: string }[];

describe.each(readmes)("$file", (readme) => {
  const { results } = replay(readme) as { results: Result[] };

  it("has examples to check", () => {
    expect(results.length).toBeGreaterThan(5);
  });

  const title = (r: Result) => [`${readme.file}:${r.line + 1} $ ${r.command}`, r] as const;
  // Blocks shown as in a terminal need `script` (util-linux) to give lookback one.
  it.skip.each(results.filter((r) => r.skipped).map(title))("%s", () => {});
  it.each(results.filter((r) => !r.skipped).map(title))("%s", (_, r) => {
    expect(r.actual.join("\n"), "run `npm run readme -- --update` and read the diff").toBe(
      r.ok ? r.actual.join("\n") : r.expected.join("\n"),
    );
    expect(r.ok).toBe(true);
  });

  it.skipIf(!HAS_SCRIPT)("replays the terminal blocks in a pseudo-terminal", () => {
    expect(results.some((r) => r.block.terminal && !r.skipped)).toBe(true);
  });
});
