// The YAML layer on its own: positions for syntax and schema errors, the refusals
// (alias bombs, several documents), and the words used for each.
import { beforeEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { setLang } from "../i18n/index.js";
import { closest, levenshtein } from "../util/similar.js";
import { parseWithSchema, parseYaml, positionAt } from "./parse.js";
import { type SourceText, sha256 } from "./source.js";

const src = (text: string, file = "x.yaml"): SourceText => ({ file, text, hash: sha256(text) });
const codes = (text: string) => parseYaml(src(text)).diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`);

const Small = z.strictObject({
  name: z.string().min(1),
  count: z.number().optional(),
  done: z.boolean().optional(),
  tags: z.array(z.string()).min(1).optional(),
  rows: z
    .array(z.strictObject({ id: z.string().regex(/^[a-z]+$/), kind: z.enum(["a", "b"]).optional() }))
    .optional(),
});

beforeEach(() => setLang("en"));

describe("parseYaml", () => {
  it("returns the value and keeps the node positions", () => {
    const r = parseYaml(src("name: x\nrows:\n  - id: abc\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ name: "x", rows: [{ id: "abc" }] });
    expect(positionAt(r.parsed!, ["rows", 0, "id"])).toEqual({ line: 3, col: 9 });
    expect(positionAt(r.parsed!, ["rows", 0, "id"], "key")).toEqual({ line: 3, col: 5 });
    // A path that does not exist points at its nearest ancestor.
    expect(positionAt(r.parsed!, ["rows", 0, "nope"])).toEqual({ line: 3, col: 5 });
  });

  it("names a duplicate key and the line of its first use", () => {
    const r = parseYaml(src("name: a\ncount: 1\nname: b\n"));
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: "duplicate-key", line: 3, col: 1 });
    expect(r.diagnostics[0]!.message).toBe("Key `name` appears twice in the same block (first at line 1).");
  });

  it("finds duplicate keys in nested blocks too", () => {
    expect(codes("rows:\n  - id: a\n    kind: a\n    id: b\n")).toEqual(["duplicate-key@4:5"]);
  });

  it("explains the common syntax mistakes in plain words", () => {
    const one = (text: string) => parseYaml(src(text)).diagnostics[0]!;
    expect(one("a: 1\nb:\n\t- x\n")).toMatchObject({
      line: 3,
      col: 1,
      message: "A tab character is used for indentation here.",
    });
    expect(one("title: 学习: 讨论\n").message).toContain("colon followed by a space");
    expect(one("a: 1\ntitle：标题\nb: 2\n").message).toBe("This line is not a `key: value` pair.");
    expect(one("a: 1\ntitle：标题\nb: 2\n").hint).toContain("title：标题");
    expect(one("a: @x\n").message).toBe("A value cannot start with `@` unless it is in quotes.");
    expect(one('a: 1\nb: "open\nc: 2\n')).toMatchObject({
      line: 2,
      col: 4,
      message: "A quotation mark is opened but never closed.",
    });
    expect(one("a: [1, 2\nb: 3\n").message).toBe("A `[` or `{` is opened but never closed.");
    expect(one("a: [\n  - x\n]\n").message).toContain("inside `[ ]` or `{ }`");
  });

  it("reports one error per broken line, not the parser's cascade", () => {
    const d = parseYaml(src("a: 1\n- b\n")).diagnostics;
    expect(d.map((x) => x.line)).toEqual([2]);
  });

  it("refuses an alias bomb without expanding it, pointing at the first alias", () => {
    const levels = "abcdefghi".split("");
    const lines = [`a: &a [${Array(9).fill('"lol"').join(", ")}]`];
    for (let i = 1; i < levels.length; i++) {
      lines.push(
        `${levels[i]}: &${levels[i]} [${Array(9)
          .fill(`*${levels[i - 1]}`)
          .join(", ")}]`,
      );
    }
    const t0 = Date.now();
    const r = parseYaml(src(`${lines.join("\n")}\n`));
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`)).toEqual(["alias-bomb@2:8"]);
    // Generous bound: refusing must not mean expanding 9^9 strings first.
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("accepts honest anchors and aliases", () => {
    const r = parseYaml(src("x: &m [听汇报, 看现场]\ny: *m\n"));
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toEqual({ x: ["听汇报", "看现场"], y: ["听汇报", "看现场"] });
  });

  it("says when an alias has no anchor, instead of calling it a bomb", () => {
    const d = parseYaml(src("a: 1\nb: *nope\n")).diagnostics;
    expect(d).toMatchObject([{ code: "unknown-alias", line: 2, col: 4 }]);
    expect(d[0]!.hint).toContain("&nope");
  });

  it("refuses several documents, pointing at the second `---`", () => {
    expect(codes("a: 1\n---\nb: 2\n")).toEqual(["multiple-documents@2:1"]);
    expect(codes("---\na: 1\n---\nb: 2\n")).toEqual(["multiple-documents@3:1"]);
  });

  it("ignores a lone trailing `---` and a leading comment", () => {
    expect(codes("# yaml-language-server: $schema=x.json\na: 1\n---\n")).toEqual([]);
    expect(codes("# comment\n---\na: 1\n")).toEqual([]);
  });

  it("calls an empty or comment-only file empty", () => {
    expect(codes("")).toEqual(["empty@1:1"]);
    expect(codes("# nothing\n\n")).toEqual(["empty@1:1"]);
  });

  it("keeps positions right with CRLF line ends", () => {
    const r = parseYaml(src("a: 1\r\nb: 2\r\na: 3\r\n"));
    expect(r.diagnostics).toMatchObject([{ code: "duplicate-key", line: 3, col: 1 }]);
  });
});

describe("parseWithSchema", () => {
  const check = (text: string) => parseWithSchema(src(text), Small);
  const diags = (text: string) => {
    const r = check(text);
    if (r.ok) throw new Error("expected problems");
    return r.diagnostics;
  };

  it("returns the typed value", () => {
    const r = check("name: x\ncount: 2\n");
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.count).toBe(2);
  });

  it("suggests the key a typo meant, and does not also report it missing", () => {
    const d = diags("nmae: x\n");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: "unknown-key", line: 1, col: 1, hint: "Did you mean `name`?" });
    expect(d[0]!.message).toBe("Unknown key `nmae` at the top level.");
  });

  it("lists the allowed keys when nothing is close", () => {
    const d = diags("name: x\nzzzzzzzz: 1\n");
    expect(d[0]!.hint).toBe("Allowed keys here: name, count, done, tags, rows.");
  });

  it("places a missing field on the block that lacks it", () => {
    const d = diags("count: 1\nrows:\n  - kind: a\n");
    expect(d.map((x) => `${x.code}@${x.line}:${x.col}`).sort()).toEqual([
      "missing-field@1:1",
      "missing-field@3:5",
    ]);
    const inRow = d.find((x) => x.line === 3)!;
    expect(inRow.message).toBe("Missing required field `id` in `rows` entry 1.");
  });

  it("places a wrong type on the value and says how to write it", () => {
    const d = diags("name: 1.0\ndone: yes\ntags: a\n");
    expect(d.map((x) => `${x.code}@${x.line}:${x.col}`)).toEqual([
      "wrong-type@1:7",
      "wrong-type@2:7",
      "wrong-type@3:7",
    ]);
    expect(d[0]!.message).toBe("`name` should be text, but is a number.");
    // The example keeps the value as written, `1.0`, not the number it became.
    expect(d[0]!.hint).toBe('Put the value in double quotes to keep it as text: name: "1.0"');
    expect(d[1]!.hint).toContain("`true` or `false`");
    expect(d[2]!.hint).toContain("list");
  });

  it("calls an empty value empty", () => {
    const d = diags("name:\ntags: []\n");
    expect(d.map((x) => `${x.code}@${x.line}:${x.col}`)).toEqual(["empty-text@1:1", "empty-list@2:1"]);
  });

  it("suggests the closest allowed value", () => {
    const d = diags("name: x\nrows:\n  - id: abc\n    kind: c\n");
    expect(d[0]).toMatchObject({ code: "bad-value", line: 4, col: 11 });
    expect(d[0]!.message).toBe("`kind` has the value `c`, which is not allowed in `rows` entry 1.");
    expect(d[0]!.hint).toContain("Allowed values: a, b.");
  });

  it("explains a bad id", () => {
    const d = diags("name: x\nrows:\n  - id: Abc\n");
    expect(d[0]).toMatchObject({ code: "bad-id", line: 3, col: 9 });
  });

  it("says so when the file is not a block of keys at all", () => {
    const d = diags("- a\n- b\n");
    expect(d[0]).toMatchObject({ code: "wrong-type", line: 1, col: 1 });
    expect(d[0]!.message).toBe("The file should be a group of `key: value` lines, but is a list.");
  });

  it("speaks Chinese when asked", () => {
    setLang("zh-CN");
    const d = diags("nmae: x\n");
    expect(d[0]!.message).toBe("未知的键 `nmae`（在文件最外层）。");
    expect(d[0]!.hint).toBe("您是不是想写 `name`？");
  });
});

describe("closest", () => {
  it("finds near misses and ignores far ones", () => {
    expect(levenshtein("tittle", "title")).toBe(1);
    expect(closest("tittle", ["id", "title", "title_en"])).toBe("title");
    expect(closest("Sections", ["sections"])).toBe("sections");
    expect(closest("colour", ["id", "text"])).toBeUndefined();
  });
});
