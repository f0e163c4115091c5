import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isLookbackError } from "../errors.js";
import { DEFAULT_TEMPLATE_FILE, loadTemplate, loadTemplateOrThrow } from "./template.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-template-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defaultText = readFileSync(DEFAULT_TEMPLATE_FILE, "utf8");
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The headings of sheet 整改台账 in the default template, in order. */
const LEDGER_HEADINGS = [
  "序号",
  "问题编号",
  "发现轮次",
  "环节",
  "检查项目",
  "问题来源",
  "存在问题",
  "整改措施",
  "整改类型",
  "责任领导",
  "责任部门",
  "责任人",
  "整改时限",
  "整改状态",
  "完成情况",
  "佐证材料",
  "销号日期",
  "备注",
];

describe("the default template", () => {
  it("loads and has the default layout", () => {
    const outcome = loadTemplate();
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.diagnostics));
    const tpl = outcome.template;
    expect(tpl.language).toBe("zh-CN");
    expect(tpl.ledger.sheet).toBe("整改台账");
    expect(tpl.details.sheet).toBe("自查明细");
    expect(tpl.summary.file).toBe("汇总");
    expect(tpl.ledger.title).toBe("{unit}“回头看”问题整改台账");
    // xlsx prints these; csv also has 项目代码, 发现日期 and 验收人.
    expect(tpl.ledger.columns.filter((c) => c.formats.includes("xlsx")).map((c) => c.heading)).toEqual(
      LEDGER_HEADINGS,
    );
    expect(tpl.ledger.columns.filter((c) => !c.formats.includes("xlsx")).map((c) => c.heading)).toEqual([
      "项目代码",
      "发现日期",
      "验收人",
    ]);
    expect(tpl.ledger.info.join(" ")).toMatch(/填报单位.*填报人.*填报日期.*检查清单.*\{version\}/);
    expect(tpl.labels.status).toEqual({
      open: "未整改",
      "in-progress": "整改中",
      done: "已完成",
      closed: "已销号",
    });
    expect(tpl.labels.kind).toEqual({ immediate: "立行立改", deadline: "限期整改", ongoing: "长期坚持" });
    expect(tpl.labels.origin).toEqual({
      "self-check": "自查",
      inspection: "明察",
      visit: "暗访",
      public: "群众反映",
    });
  });

  it("switches headings and labels with `language: en`", () => {
    const file = write("en.yaml", defaultText.replace(/^language: zh-CN$/m, "language: en"));
    const outcome = loadTemplate(file);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.diagnostics));
    expect(outcome.template.ledger.columns[0]?.heading).toBe("No.");
    expect(outcome.template.ledger.sheet).toBe("Ledger");
    expect(outcome.template.labels.status.open).toBe("Open");
  });

  it("takes label overrides", () => {
    const file = write("labels.yaml", `${defaultText}\nlabels:\n  status:\n    open: 待整改\n`);
    const outcome = loadTemplate(file);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.diagnostics));
    expect(outcome.template.labels.status).toEqual({
      open: "待整改",
      "in-progress": "整改中",
      done: "已完成",
      closed: "已销号",
    });
  });
});

describe("a bad template", () => {
  const problems = (text: string) => {
    const outcome = loadTemplate(write(`bad-${Math.random().toString(36).slice(2)}.yaml`, text));
    if (outcome.ok) throw new Error("expected diagnostics");
    return outcome.diagnostics;
  };
  const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it("reports an unknown key with its position and a suggestion", () => {
    const text = defaultText.replace("  sheet: 整改台账\n", "  sheeet: 整改台账\n");
    const d = problems(text);
    const unknown = d.find((x) => x.code === "unknown-key");
    expect(unknown?.line).toBe(lineOf(text, "sheeet:"));
    expect(unknown?.col).toBe(3);
    expect(unknown?.hint).toContain("sheet");
  });

  it("reports a field name that does not exist, listing the allowed ones", () => {
    const text = defaultText.replace("field: owner,", "field: ownr,");
    const d = problems(text);
    expect(d[0]?.code).toBe("bad-value");
    expect(d[0]?.line).toBe(lineOf(text, "field: ownr"));
    expect(d[0]?.hint).toContain("owner");
  });

  it("reports a column used twice", () => {
    const text = defaultText.replace("field: remark,", "field: owner,");
    const d = problems(text);
    expect(d).toHaveLength(1);
    expect(d[0]?.line).toBe(lineOf(text, "heading: 备注"));
    expect(d[0]?.message).toContain("owner");
  });

  it("reports an unknown placeholder", () => {
    const text = defaultText.replace('"填报人：{respondent}"', '"填报人：{respondant}"');
    const d = problems(text);
    expect(d[0]?.line).toBe(lineOf(text, "{respondant}"));
    expect(d[0]?.message).toContain("{respondant}");
  });

  it("reports YAML syntax errors and wrong types", () => {
    expect(problems("version: 1\nledger: [\n")[0]?.code).toBe("yaml-syntax");
    const wrong = problems(defaultText.replace("width: 5 }", 'width: "wide" }'));
    expect(wrong[0]?.line).toBe(lineOf(defaultText, "width: 5 }"));
  });

  it("becomes a usage error (exit 2) listing file:line:col", () => {
    const file = write("throw.yaml", defaultText.replace("field: seq,", "field: sequence,"));
    try {
      loadTemplateOrThrow(file, (f) => path.basename(f));
      throw new Error("expected an error");
    } catch (e) {
      if (!isLookbackError(e)) throw e;
      expect(e.exitCode).toBe(2);
      expect(e.details[0]).toMatch(/^throw\.yaml:\d+:\d+: /);
    }
  });
});
