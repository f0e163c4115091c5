// The checklist loader: every malformed fixture yields the right problem at the right
// line and column; the built-in checklists trace back to the notice they implement
// (test/fixtures/notice.txt) and are clean.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LookbackError } from "../errors.js";
import { setLang } from "../i18n/index.js";
import { builtinChecklistsDir } from "../paths.js";
import { collectYamlFiles, loadChecklistFile, loadChecklistSet, validateFiles } from "./load.js";
import type { Checklist } from "./schema.js";

const FIXTURES = path.resolve("test/fixtures/checklists");
const fixture = (name: string) => path.join(FIXTURES, name);
const errorsOf = (name: string) =>
  loadChecklistFile(fixture(name))
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => `${d.code}@${d.line}:${d.col}`);

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "lookback-load-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => setLang("en"));

describe("each kind of bad input is reported at its line and column", () => {
  // fixture → the errors expected, as code@line:col
  const cases: [string, string[]][] = [
    ["syntax-error.yaml", ["yaml-syntax@3:8"]],
    ["tab-indent.yaml", ["yaml-syntax@6:1"]],
    ["colon-in-value.yaml", ["yaml-syntax@3:8"]],
    ["duplicate-key.yaml", ["duplicate-key@5:1"]],
    ["unknown-key.yaml", ["unknown-key@3:1", "unknown-key@11:9"]],
    ["missing-field.yaml", ["missing-field@9:9"]],
    ["wrong-type.yaml", ["wrong-type@2:10", "wrong-type@11:19"]],
    ["bad-id.yaml", ["bad-id@9:13"]],
    ["duplicate-item-id.yaml", ["duplicate-id@11:13"]],
    ["duplicate-section-id.yaml", ["duplicate-id@11:9"]],
    ["empty-section.yaml", ["empty-list@8:5"]],
    ["unknown-per.yaml", ["bad-value@8:10"]],
    ["alias-bomb.yaml", ["alias-bomb@3:8"]],
    ["unknown-alias.yaml", ["unknown-alias@3:8"]],
    ["multiple-documents.yaml", ["multiple-documents@5:1"]],
    ["not-a-map.yaml", ["wrong-type@1:1"]],
    ["empty.yaml", ["empty@1:1"]],
    ["gbk.yaml", ["not-utf8@4:8"]],
    ["bom-crlf-error.yaml", ["unknown-key@4:1"]],
  ];
  it.each(cases)("%s", (name, expected) => {
    expect(errorsOf(name)).toEqual(expected);
    expect(loadChecklistFile(fixture(name)).checklist).toBeUndefined();
  });

  it("covers every fixture file", () => {
    const listed = new Set([...cases.map(([n]) => n), "valid.yaml", "warnings.yaml", "bom-crlf.yaml"]);
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".yaml"));
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });

  it("words the messages for a clerk, with hints", () => {
    const unknown = loadChecklistFile(fixture("unknown-key.yaml")).diagnostics;
    expect(unknown[0]).toMatchObject({
      message: "Unknown key `tittle` at the top level.",
      hint: "Did you mean `title`?",
    });
    expect(unknown[1]).toMatchObject({
      message: "Unknown key `evidance` in section 1 `study` › item 1 `study-time`.",
      hint: "Did you mean `evidence`?",
    });
    const missing = loadChecklistFile(fixture("missing-field.yaml")).diagnostics[0]!;
    expect(missing.message).toBe("Missing required field `text` in section 1 `study` › item 1 `study-time`.");
    const dup = loadChecklistFile(fixture("duplicate-item-id.yaml")).diagnostics.find(
      (d) => d.severity === "error",
    )!;
    expect(dup.message).toBe("Item id `study-time` is used twice in section `study` (first at line 9).");
    const per = loadChecklistFile(fixture("unknown-per.yaml")).diagnostics[0]!;
    expect(per.hint).toBe("Did you mean `leader`? Allowed values: leader.");
  });

  it("gives the messages in Chinese", () => {
    setLang("zh-CN");
    const unknown = loadChecklistFile(fixture("unknown-key.yaml")).diagnostics;
    expect(unknown[1]!.message).toBe(
      "未知的键 `evidance`（位于第 1 个环节 `study` › 第 1 个项目 `study-time`）。",
    );
    const empty = loadChecklistFile(fixture("empty-section.yaml")).diagnostics[0]!;
    expect(empty.message).toBe("`items` 是空的（位于第 1 个环节 `study`）。");
    expect(empty.hint).toBe("每个环节至少要有一个检查项目；请删除该环节或添加项目。");
  });
});

describe("valid files", () => {
  it("loads a checklist with BOM and CRLF as valid", () => {
    const r = loadChecklistFile(fixture("bom-crlf.yaml"));
    expect(r.diagnostics).toEqual([]);
    expect(r.checklist?.checklist.id).toBe("fixture-bom-crlf");
    expect(r.checklist?.checklist.sections[0]?.items[0]?.text).toBe("学习时间是否充分？");
  });

  it("keeps warnings as warnings, and --strict turns them into errors", () => {
    const file = fixture("warnings.yaml");
    const lenient = validateFiles([file]);
    expect(lenient.diagnostics.map((d) => `${d.severity}:${d.code}@${d.line}:${d.col}`)).toEqual([
      "warning:missing-basis@11:9",
      "warning:missing-text-en@12:9",
    ]);
    expect(lenient.files[0]?.checklist).toBeDefined();
    const strict = validateFiles([file], { strict: true });
    expect(strict.diagnostics.every((d) => d.severity === "error")).toBe(true);
    expect(strict.files[0]?.checklist).toBeUndefined();
  });
});

describe("checklist ids across files", () => {
  it("names both files when two checklists share an id", () => {
    const dir = fixture("duplicate-across-files");
    const report = validateFiles([path.join(dir, "a.yaml"), path.join(dir, "b.yaml")], { cwd: FIXTURES });
    const [a, b] = report.files;
    expect(a?.diagnostics).toMatchObject([{ code: "duplicate-checklist-id", line: 1, col: 5 }]);
    expect(a?.diagnostics[0]?.message).toContain("duplicate-across-files/b.yaml");
    expect(b?.diagnostics[0]?.message).toContain("duplicate-across-files/a.yaml");
    expect(report.files.every((f) => f.checklist === undefined)).toBe(true);
  });
});

describe("collectYamlFiles", () => {
  it("walks folders recursively for .yaml and .yml, sorted, skipping hidden folders", () => {
    const root = path.join(tmp, "walk");
    mkdirSync(path.join(root, "b", "deep"), { recursive: true });
    mkdirSync(path.join(root, ".git"), { recursive: true });
    for (const f of ["b/deep/z.yml", "a.yaml", "b/c.YAML", "notes.txt", ".git/x.yaml"]) {
      writeFileSync(path.join(root, f), "id: x\n");
    }
    const { files, emptyDirs } = collectYamlFiles(["walk"], tmp);
    expect(files.map((f) => path.relative(root, f).split(path.sep).join("/"))).toEqual([
      "a.yaml",
      "b/c.YAML",
      "b/deep/z.yml",
    ]);
    expect(emptyDirs).toEqual([]);
  });

  it("lists folders without YAML and refuses a missing path as a usage error", () => {
    mkdirSync(path.join(tmp, "nothing"), { recursive: true });
    expect(collectYamlFiles(["nothing"], tmp)).toEqual({ files: [], emptyDirs: ["nothing"] });
    try {
      collectYamlFiles(["no/such/dir"], tmp);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LookbackError);
      expect((e as LookbackError).exitCode).toBe(2);
      expect((e as LookbackError).message).toBe("No such file or folder: no/such/dir");
    }
  });
});

describe("loadChecklistSet", () => {
  it("loads the three built-ins when there is no user folder", () => {
    const set = loadChecklistSet({ cwd: tmp });
    expect(set.checklists.map((c) => c.checklist.id).sort()).toEqual([
      "inspection",
      "self-check",
      "standards",
    ]);
    expect(set.checklists.every((c) => c.builtin)).toBe(true);
    expect(set.diagnostics).toEqual([]);
  });

  it("lets a bureau's copy in ./checklists replace the built-in of the same id", () => {
    const cwd = path.join(tmp, "bureau");
    mkdirSync(path.join(cwd, "checklists"), { recursive: true });
    const copy = path.join(cwd, "checklists", "self-check.yaml");
    copyFileSync(path.join(builtinChecklistsDir, "self-check.yaml"), copy);
    writeFileSync(copy, readFileSync(copy, "utf8").replace('version: "1.0.0"', 'version: "1.1.0"'));
    const set = loadChecklistSet({ cwd });
    const selfCheck = set.checklists.find((c) => c.checklist.id === "self-check");
    expect(selfCheck?.checklist.version).toBe("1.1.0");
    expect(selfCheck?.builtin).toBe(false);
    expect(set.userDir).toBe(path.join(cwd, "checklists"));
  });

  it("refuses a --checklists folder that does not exist (exit 2)", () => {
    expect(() => loadChecklistSet({ cwd: tmp, checklistsDir: "nope" })).toThrow(LookbackError);
  });
});

describe("the built-in checklists", () => {
  const notice = readFileSync(path.resolve("test/fixtures/notice.txt"), "utf8");
  const files = readdirSync(builtinChecklistsDir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => path.join(builtinChecklistsDir, f));

  it("are the three built-in checklists", () => {
    expect(files.map((f) => path.basename(f)).sort()).toEqual([
      "inspection.yaml",
      "self-check.yaml",
      "standards.yaml",
    ]);
  });

  it.each(files.map((f) => [path.basename(f), f]))("%s starts with the $schema modeline", (_, file) => {
    const first = readFileSync(file, "utf8").split("\n")[0];
    expect(first).toBe("# yaml-language-server: $schema=../schema/checklist.schema.json");
  });

  it.each(files.map((f) => [path.basename(f), f]))(
    "%s: every item has text_en and a basis copied from the notice",
    (_, file) => {
      const checklist = parse(readFileSync(file, "utf8")) as Checklist;
      for (const section of checklist.sections) {
        for (const item of section.items) {
          const id = `${section.id}.${item.id}`;
          expect(item.text_en, id).toBeTruthy();
          expect(item.basis, id).toBeTruthy();
          expect(notice.includes(item.basis ?? ""), `${id}: ${item.basis}`).toBe(true);
        }
      }
    },
  );

  it("validate clean under --strict", () => {
    const report = validateFiles(files, { strict: true });
    expect(report.diagnostics).toEqual([]);
    expect(report.files.every((f) => f.checklist)).toBe(true);
  });
});
