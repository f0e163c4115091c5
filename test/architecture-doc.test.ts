// docs/architecture.md is how a new maintainer finds their way: every path it names must exist,
// and every command folder must be in its table, or the map has gone stale.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const doc = readFileSync(path.resolve("docs/architecture.md"), "utf8");

describe("docs/architecture.md", () => {
  it("names only paths that exist", () => {
    const named = [
      ...doc.matchAll(/\b((?:src|test|bench|scripts|templates|checklists|schema|docs|bin)\/[\w./-]*[\w/])/g),
    ].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(50);
    const missing = [...new Set(named)].filter((p) => !p.includes("<") && !existsSync(path.resolve(p)));
    expect(missing).toEqual([]);
  });

  it("lists every command's handler", () => {
    const commands = readdirSync(path.resolve("src/commands"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const unlisted = commands.filter((c) => !doc.includes(`src/commands/${c}/run.ts`));
    expect(unlisted).toEqual([]);
  });
});
