import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isLookbackError } from "../errors.js";
import {
  DEFAULT_REPORT_TEMPLATE,
  loadReportTemplate,
  loadReportTemplateOrThrow,
  MAX_TEMPLATE_BYTES,
} from "./template.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-report-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaultText = readFileSync(DEFAULT_REPORT_TEMPLATE, "utf8");
let n = 0;
function write(text: string): string {
  const file = path.join(dir, `t${n++}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** The problems of a template, as `line:col message`. */
function problems(file: string): string[] {
  const o = loadReportTemplate(file);
  if (o.ok) return [];
  return o.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}${d.hint ? ` (${d.hint})` : ""}`);
}

describe("the default briefing template", () => {
  it("has the official shape: masthead, five parts in order, the tail, Chinese fonts", () => {
    const o = loadReportTemplate();
    if (!o.ok) throw new Error(JSON.stringify(o.diagnostics));
    const t = o.template;
    expect(t.language).toBe("zh-CN");
    expect(t.title).toEqual({ unit: "{unit}“回头看”工作简报", county: "{scope}“回头看”工作简报" });
    expect(t.issue).toBe("第 {issue} 期");
    expect(t.parts.map((p) => p.part)).toEqual([
      "basic",
      "practice",
      "problems",
      "rectification",
      "next",
      "units",
    ]);
    expect(t.parts.map((p) => p.heading).slice(0, 5)).toEqual([
      "一、基本情况",
      "二、主要做法和成效",
      "三、存在问题",
      "四、整改落实情况",
      "五、下步打算",
    ]);
    expect(t.parts.filter((p) => p.prompt !== null).map((p) => p.part)).toEqual(["practice", "next"]);
    expect(t.fonts).toMatchObject({ title: "方正小标宋简体", heading: "黑体", body: "仿宋" });
    expect(t.tail.copies).toBe(5);
  });

  it("reads in English with --language en", () => {
    const o = loadReportTemplate(undefined, "en");
    if (!o.ok) throw new Error("not ok");
    expect(o.template.language).toBe("en");
    expect(o.template.parts[0]?.heading).toBe("1. Overview");
    expect(o.template.issue).toBe("No. {issue}");
  });
});

describe("a broken briefing template", () => {
  it("names a misspelt key with its line and the key meant", () => {
    const file = write(defaultText.replace("masthead:\n  title:", "masthead:\n  tilte:"));
    const got = problems(file);
    expect(got.some((p) => /tilte/.test(p) && /title/.test(p))).toBe(true);
  });

  it("refuses a part twice, an unknown part, a prompt on a part of numbers, an unknown placeholder", () => {
    const file = write(
      defaultText
        .replace("  - { part: problems, heading: 三、存在问题", "  - { part: basic, heading: 三、存在问题")
        .replace(
          "{ part: rectification, heading: 四、整改落实情况",
          "{ part: rectification, prompt: 写点什么, heading: 四、整改落实情况",
        )
        .replace('title: "{unit}“回头看”工作简报"', 'title: "{school}“回头看”工作简报"'),
    );
    const got = problems(file).join("\n");
    expect(got).toMatch(/`basic`.*twice|`basic`.*重复/);
    expect(got).toMatch(/rectification/);
    expect(got).toMatch(/\{school\}/);
    const lines = readFileSync(file, "utf8").split("\n");
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(got).toContain(`${at("{school}")}:`);
    expect(problems(write(defaultText.replace("part: next", "part: later"))).join(" ")).toMatch(/later|next/);
  });

  it("refuses a font name that could break out of the document's markup", () => {
    expect(
      problems(write(defaultText.replace("body: 仿宋", 'body: "仿宋\\"/><w:b/>"'))).length,
    ).toBeGreaterThan(0);
    expect(problems(write(defaultText.replace('color: "C00000"', 'color: "red"'))).length).toBeGreaterThan(0);
  });

  it("refuses a file too large, a folder, a syntax error, an alias bomb", () => {
    expect(problems(write(`${defaultText}\n#${"x".repeat(MAX_TEMPLATE_BYTES)}`)).join()).toMatch(/MB/);
    const folder = path.join(dir, "folder.yaml");
    mkdirSync(folder);
    expect(problems(folder)).toHaveLength(1);
    expect(problems(write("version: 1\nmasthead: [\n"))).not.toEqual([]);
    const bomb = `version: 1\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`;
    expect(problems(write(bomb))).not.toEqual([]);
  });

  it("is an exit-2 error listing every problem as file:line:col", () => {
    const file = write(defaultText.replace("version: 1", "version: 2"));
    try {
      loadReportTemplateOrThrow(file, (f) => path.basename(f));
      expect.unreachable();
    } catch (e) {
      expect(isLookbackError(e) && e.exitCode).toBe(2);
      if (!isLookbackError(e)) return;
      expect(e.details[0]).toMatch(new RegExp(`^${path.basename(file)}:\\d+:\\d+: `));
    }
  });
});
