// The four report formats of `lookback validate`, built from real fixture results.
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { palette } from "../util/color.js";
import { type ValidationReport, validateFiles } from "./load.js";
import {
  escapeData,
  escapeProperty,
  isOk,
  render,
  renderGithub,
  renderJson,
  renderJunit,
  renderText,
  summaryLine,
} from "./report.js";

const FIXTURES = path.resolve("test/fixtures/checklists");
const cwd = FIXTURES;
const report = (...names: string[]): ValidationReport =>
  validateFiles(
    names.map((n) => path.join(FIXTURES, n)),
    { cwd },
  );
const ESC = "\u001b[";

beforeEach(() => setLang("en"));

describe("text", () => {
  it("groups problems by file as file:line:col message (hint), then one summary line", () => {
    const out = renderText(report("valid.yaml", "unknown-key.yaml", "warnings.yaml"), cwd, palette(false));
    expect(out).toBe(
      [
        "unknown-key.yaml",
        "  unknown-key.yaml:3:1  error: Unknown key `tittle` at the top level.  (Did you mean `title`?)",
        "  unknown-key.yaml:11:9  error: Unknown key `evidance` in section 1 `study` › item 1 `study-time`.  (Did you mean `evidence`?)",
        "",
        "warnings.yaml",
        "  warnings.yaml:11:9  warning: Item `study.study-time` has no `basis` (the sentence of the source document it implements).  (Copy the sentence from the source document into `basis:`.)",
        "  warnings.yaml:12:9  warning: Item `study.study-time` has no English text (`text_en`).  (Add `text_en:` so that English users see the item in their language.)",
        "",
        "3 file(s) checked: 2 error(s), 2 warning(s).",
        "",
      ].join("\n"),
    );
  });

  it("prints only the summary when all is well, and colours only when asked", () => {
    const r = report("valid.yaml");
    expect(renderText(r, cwd, palette(false))).toBe("1 file(s) checked, 1 checklist(s), no problems.\n");
    expect(renderText(r, cwd, palette(true))).toContain(`${ESC}32m`);
    expect(renderText(report("unknown-key.yaml"), cwd, palette(false))).not.toContain(ESC);
  });

  it("uses Chinese punctuation in Chinese", () => {
    setLang("zh-CN");
    const out = renderText(report("empty-section.yaml"), cwd, palette(false));
    expect(out).toContain(
      "empty-section.yaml:8:5  错误：`items` 是空的（位于第 1 个环节 `study`）。  （每个环节至少要有一个检查项目；请删除该环节或添加项目。）",
    );
    expect(out).toContain("已检查 1 个文件：1 个错误，");
  });

  it("reports a folder that held no YAML, and is then not ok", () => {
    const r = { ...report("valid.yaml"), emptyDirs: ["empty-folder"] };
    expect(isOk(r)).toBe(false);
    expect(renderText(r, cwd, palette(false))).toContain(
      "error: No YAML files (*.yaml, *.yml) in empty-folder; nothing there was checked.",
    );
  });
});

describe("json", () => {
  it("is stable: ok, counts, and every file with its checklist and diagnostics", () => {
    const data = JSON.parse(renderJson(report("valid.yaml", "bad-id.yaml"), cwd));
    expect(data).toEqual({
      ok: false,
      errors: 1,
      warnings: 0,
      files: [
        { file: "valid.yaml", checklist: { id: "fixture-valid", version: "1.0.0" }, diagnostics: [] },
        {
          file: "bad-id.yaml",
          checklist: null,
          diagnostics: [
            {
              file: "bad-id.yaml",
              line: 9,
              col: 13,
              severity: "error",
              code: "bad-id",
              message: expect.stringContaining("`Study_Time`"),
              hint: "For example `study-time` or `six-checks`.",
            },
          ],
        },
      ],
      emptyFolders: [],
    });
  });
});

describe("github", () => {
  it("prints one annotation per problem, escaped as @actions/core does", () => {
    const out = renderGithub(report("unknown-key.yaml", "warnings.yaml"), cwd);
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "::error file=unknown-key.yaml,line=3,col=1,title=lookback unknown-key::Unknown key `tittle` at the top level. (Did you mean `title`?)",
    );
    expect(lines[2]).toMatch(/^::warning file=warnings\.yaml,line=11,col=9,title=lookback missing-basis::/);
    expect(lines.at(-1)).toBe(summaryLine(report("unknown-key.yaml", "warnings.yaml")));
  });

  it("escapes data and properties exactly like @actions/core", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeProperty("C:\\a,b%.yaml")).toBe("C%3A\\a%2Cb%25.yaml");
    expect(escapeProperty("line\n")).toBe("line%0A");
  });
});

describe("junit", () => {
  it("has one test case per file; errors are failures, warnings go to system-out", () => {
    const out = renderJunit(report("valid.yaml", "duplicate-key.yaml", "warnings.yaml"), cwd);
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(out).toContain('<testsuites name="lookback validate" tests="3" failures="1">');
    expect(out.match(/<testcase /g)).toHaveLength(3);
    expect(out).toContain('<testcase classname="lookback.validate" name="valid.yaml"/>');
    expect(out).toMatch(
      /<testcase classname="lookback.validate" name="duplicate-key.yaml">\n\s+<failure message="Key `title` appears twice in the same block \(first at line 3\)." type="duplicate-key">duplicate-key.yaml:5:1 error: /,
    );
    expect(out).toMatch(/name="warnings.yaml">\n\s+<system-out>warnings.yaml:11:9 warning: /);
  });

  it("escapes XML and drops characters XML cannot carry", () => {
    const r: ValidationReport = {
      files: [
        {
          file: path.join(FIXTURES, "a&b.yaml"),
          diagnostics: [
            {
              file: path.join(FIXTURES, "a&b.yaml"),
              line: 1,
              col: 1,
              severity: "error",
              code: "x",
              message: 'bad <"\u0007">',
            },
          ],
        },
      ],
      diagnostics: [],
    };
    r.diagnostics = r.files[0]!.diagnostics;
    const out = render("junit", r, cwd, palette(false));
    expect(out).toContain('name="a&amp;b.yaml"');
    expect(out).toContain('message="bad &lt;&quot;&quot;&gt;"');
  });
});
