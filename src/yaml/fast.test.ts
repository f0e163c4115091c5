// The quick pass must never disagree with the `yaml` library: for any text it takes, `yaml`
// must find no error and the same value. Checked on every YAML file in the repository, on
// scalars whose type differs between YAML versions and libraries, and on thousands of broken
// variants of the built-in checklists.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { quickYamlValue } from "./fast.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What the exact path makes of the text: its value, or undefined when it reports anything. */
function exact(text: string): { value: unknown } | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) return undefined;
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  const meaningful = docs.filter((d) => d.contents !== null);
  if (meaningful.length !== 1) return undefined;
  try {
    return { value: meaningful[0]!.toJS({ maxAliasCount: 100 }) };
  } catch {
    return undefined;
  }
}

/** Asserts the contract and says whether the quick pass took the text. */
function agrees(text: string): boolean {
  const quick = quickYamlValue(text);
  if (!quick) return false;
  const slow = exact(text);
  expect(slow, `yaml rejects what the quick pass took:\n${text}`).toBeDefined();
  expect(quick.value, text).toStrictEqual(slow?.value);
  return true;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe("quickYamlValue", () => {
  it("reads the built-in checklists and templates, with the values yaml gives", () => {
    const files = [
      ...yamlFilesUnder(path.join(root, "checklists")),
      ...yamlFilesUnder(path.join(root, "templates")),
    ];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(agrees(readFileSync(f, "utf8")), f).toBe(true);
  });

  it("never disagrees with yaml on the test fixtures, valid or broken", () => {
    const files = yamlFilesUnder(path.join(root, "test", "fixtures"));
    expect(files.length).toBeGreaterThan(20);
    let taken = 0;
    for (const f of files) {
      const text = readFileSync(f)
        .toString("utf8")
        .replace(/^\uFEFF/, "");
      if (agrees(text)) taken++;
    }
    expect(taken).toBeGreaterThan(0);
  });

  it("resolves plain scalars as YAML 1.2's core schema does, or leaves them to yaml", () => {
    const scalars = [
      "1",
      "-1",
      "+1",
      "012",
      "0o17",
      "0O17",
      "0x1F",
      "0b101",
      "1_000",
      "1,000",
      "1.0",
      "1.",
      ".5",
      "-.5",
      "1e3",
      "1E-3",
      "6.02e+23",
      ".inf",
      "-.Inf",
      "+.INF",
      ".nan",
      ".NaN",
      "NaN",
      "inf",
      "0",
      "-0",
      "00",
      "true",
      "True",
      "TRUE",
      "tRUE",
      "false",
      "False",
      "FALSE",
      "yes",
      "no",
      "on",
      "off",
      "y",
      "n",
      "Yes",
      "null",
      "Null",
      "NULL",
      "nUll",
      "~",
      "",
      "2026-12-31",
      "2026-12-31T10:00:00Z",
      "1:20",
      "190:20:30",
      "0.1.0",
      "1.0.0",
      "v1",
      "=",
      "<<",
      "a b",
      "符合",
      "整改：立行立改",
      "12月31日",
      "'1'",
      '"true"',
      "'it''s'",
      '"tab\\tand\\u00e9"',
      '"\\x41"',
      "'multi\n  line'",
      "plain\n  continued",
      "a #not comment",
      "a # comment",
      "[]",
      "{}",
      "[1, two, 3.0]",
      "{a: 1, b: [x, y]}",
      "- 1",
      "|\n  literal\n",
      ">-\n  folded\n  text\n",
      "|+\n  keep\n\n",
      "|2\n    indented\n",
      "!!str 1",
      "!!int '1'",
      "&a 1",
      "*a",
      "@x",
      "`x",
    ];
    for (const s of scalars) {
      agrees(`k: ${s}\n`);
      agrees(`- ${s}\n`);
      agrees(`k:\n  - ${s}\n  - x\n`);
    }
  });

  it("takes plain files and leaves everything else to yaml", () => {
    expect(quickYamlValue("id: a\nlist:\n  - x\n  - y: 1\n")).toEqual({
      value: { id: "a", list: ["x", { y: 1 }] },
    });
    expect(quickYamlValue("a: b\r\nc: d\r\n")).toEqual({ value: { a: "b", c: "d" } });
    const deferred = [
      "a: &x 1\nb: *x\n", // anchors and aliases
      "a: !!str 1\n", // tags
      "%YAML 1.2\n---\na: 1\n", // directives
      "a: 1\n---\nb: 2\n", // two documents
      "a: 1\n---\n", // a trailing empty document
      "", // nothing
      "# only a comment\n",
      "1: a\n", // keys that are not words
      "~: a\n",
      "true: a\n",
      '"quoted": a\n',
      "[a, b]: c\n",
      "? [complex]\n: key\n",
      "__proto__: a\n",
      "a: 1\na: 2\n", // duplicate keys
      "a:\n\t- b\n", // a tab as indentation
      'a: "unclosed\n',
      "a: b: c\n",
    ];
    for (const text of deferred) expect(quickYamlValue(text), JSON.stringify(text)).toBeUndefined();
  });

  it("never disagrees with yaml on thousands of broken variants of the built-in checklists", () => {
    const next = random(20261127);
    const pieces = [
      ":",
      ": ",
      "-",
      "- ",
      "#",
      '"',
      "'",
      "\t",
      " ",
      "  ",
      "\n",
      "{",
      "}",
      "[",
      "]",
      ",",
      "&",
      "*",
      "!",
      "|",
      ">",
      "%",
      "@",
      "?",
      "\\",
      "：",
      "~",
      "0",
      "true",
      "null",
    ];
    const bases = ["inspection", "self-check", "standards"].map((n) =>
      readFileSync(path.join(root, "checklists", `${n}.yaml`), "utf8"),
    );
    let taken = 0;
    let variants = 0;
    for (let round = 0; round < 1500; round++) {
      const base = bases[round % bases.length]!;
      let text = base;
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * text.length);
        const kind = next();
        if (kind < 0.4)
          text = text.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + text.slice(at);
        else if (kind < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
        else {
          // Re-indent or duplicate one line.
          const lines = text.split("\n");
          const i = Math.floor(next() * lines.length);
          if (kind < 0.85)
            lines[i] = (next() < 0.5 ? " " : "") + (lines[i] ?? "").replace(/^ /, next() < 0.5 ? "" : " ");
          else lines.splice(i, 0, lines[i] ?? "");
          text = lines.join("\n");
        }
      }
      variants++;
      if (agrees(text)) taken++;
    }
    // Many edits land in free text and leave a valid file: the quick pass must have taken some.
    expect(variants).toBe(1500);
    expect(taken).toBeGreaterThan(100);
  });
});
