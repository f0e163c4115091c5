// End to end on the built binary: `lookback validate`, `list` and `schema` as a clerk or a
// CI job runs them — output on the right stream, exit codes, formats, language, colour.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(".");
const BIN = path.join(ROOT, "bin/lookback.js");
const FIXTURES = path.join(ROOT, "test/fixtures/checklists");
const ESC = "\u001b[";
let dir: string;

/** Run the CLI in the temp dir, English, no colour unless a test says otherwise, not in CI. */
function run(args: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      LOOKBACK_LANG: "en",
      GITHUB_ACTIONS: "",
      NO_COLOR: "",
      FORCE_COLOR: "",
      TERM: "xterm-256color",
      LOOKBACK_DEBUG: "",
      LOOKBACK_DB: path.join(dir, "never-created.db"),
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder under the temp dir holding copies of some fixtures. */
function folder(name: string, fixtures: string[]): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const f of fixtures) cpSync(path.join(FIXTURES, f), path.join(d, path.basename(f)));
  return name;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-validate-"));
  folder("bad", ["unknown-key.yaml"]);
  folder("good", ["valid.yaml"]);
  folder("warn", ["warnings.yaml"]);
  folder("mixed", ["valid.yaml", "unknown-key.yaml", "warnings.yaml"]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("validate: which files", () => {
  it("checks the built-ins when there is no ./checklists, and they are clean", () => {
    const r = run(["validate", "--strict"]);
    expect(r).toEqual({ code: 0, stdout: "3 file(s) checked, 3 checklist(s), no problems.\n", stderr: "" });
  });

  it("checks ./checklists when it exists", () => {
    const cwd = path.join(dir, "bureau");
    mkdirSync(path.join(cwd, "checklists", "extra"), { recursive: true });
    cpSync(path.join(FIXTURES, "valid.yaml"), path.join(cwd, "checklists", "valid.yaml"));
    cpSync(path.join(FIXTURES, "bad-id.yaml"), path.join(cwd, "checklists", "extra", "bad-id.yml"));
    const r = run(["validate"], {}, cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("checklists/extra/bad-id.yml:9:13  error: The id `Study_Time`");
    expect(r.stdout).toContain("2 file(s) checked: 1 error(s), 0 warning(s).");
  });

  it("takes several files and folders", () => {
    const r = run(["validate", "good", "warn/warnings.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2 file(s) checked: no errors, 2 warning(s)");
  });

  it("exits 2 for a path that does not exist, with one clear message", () => {
    const r = run(["validate", "good", "no-such-folder"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error: No such file or folder: no-such-folder");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 for a folder with no YAML in it", () => {
    mkdirSync(path.join(dir, "empty-folder"), { recursive: true });
    writeFileSync(path.join(dir, "empty-folder", "notes.txt"), "not yaml");
    const r = run(["validate", "empty-folder"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: No YAML files (*.yaml, *.yml) in empty-folder.");
    expect(r.stderr).toContain("hint:");
    const withOthers = run(["validate", "good", "empty-folder"]);
    expect(withOthers.code).toBe(1);
    expect(withOthers.stdout).toContain(
      "No YAML files (*.yaml, *.yml) in empty-folder; nothing there was checked.",
    );
  });

  it("refuses an oversized file before parsing it", () => {
    writeFileSync(path.join(dir, "huge.yaml"), Buffer.alloc(5 * 1024 * 1024 + 10, 0x61));
    const r = run(["validate", "huge.yaml", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).files[0].diagnostics[0]).toMatchObject({
      code: "file-too-large",
      line: 1,
      col: 1,
    });
  });

  it("names both files when two checklists share an id", () => {
    const r = run(["validate", path.join(FIXTURES, "duplicate-across-files")], {}, FIXTURES);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "duplicate-across-files/a.yaml:1:5  error: Checklist id `fixture-same-id` is also declared in duplicate-across-files/b.yaml.",
    );
    expect(r.stdout).toContain(
      "duplicate-across-files/b.yaml:1:5  error: Checklist id `fixture-same-id` is also declared in duplicate-across-files/a.yaml.",
    );
  });

  it("accepts BOM + CRLF and refuses GBK with how to re-save it", () => {
    expect(run(["validate", path.join(FIXTURES, "bom-crlf.yaml")]).code).toBe(0);
    const r = run(["validate", "gbk.yaml"], {}, FIXTURES);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "gbk.yaml:4:8  error: This file is not saved as UTF-8 (it looks like GBK/GB18030)",
    );
    expect(r.stdout).toContain("Save As → Encoding: UTF-8");
  });
});

describe("validate: formats", () => {
  it("text: file:line:col message (hint), grouped by file, then a summary; stdout only", () => {
    const r = run(["validate", "bad"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "bad/unknown-key.yaml",
        "  bad/unknown-key.yaml:3:1  error: Unknown key `tittle` at the top level.  (Did you mean `title`?)",
        "  bad/unknown-key.yaml:11:9  error: Unknown key `evidance` in section 1 `study` › item 1 `study-time`.  (Did you mean `evidence`?)",
        "",
        "1 file(s) checked: 2 error(s), 0 warning(s).",
        "",
      ].join("\n"),
    );
  });

  it("json: the documented shape, on stdout alone", () => {
    const r = run(["validate", "mixed", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const data = JSON.parse(r.stdout);
    expect(Object.keys(data)).toEqual(["ok", "errors", "warnings", "files", "emptyFolders"]);
    expect(data).toMatchObject({ ok: false, errors: 2, warnings: 2, emptyFolders: [] });
    expect(data.files.map((f: { file: string }) => f.file)).toEqual([
      "mixed/unknown-key.yaml",
      "mixed/valid.yaml",
      "mixed/warnings.yaml",
    ]);
    expect(data.files[1].checklist).toEqual({ id: "fixture-valid", version: "1.0.0" });
    expect(data.files[0].diagnostics[0]).toEqual({
      file: "mixed/unknown-key.yaml",
      line: 3,
      col: 1,
      severity: "error",
      code: "unknown-key",
      message: "Unknown key `tittle` at the top level.",
      hint: "Did you mean `title`?",
    });
  });

  it("github: annotations, and the default when GITHUB_ACTIONS=true", () => {
    const expected =
      "::error file=bad/unknown-key.yaml,line=3,col=1,title=lookback unknown-key::Unknown key `tittle` at the top level. (Did you mean `title`?)";
    const explicit = run(["validate", "bad", "--format", "github"]);
    expect(explicit.code).toBe(1);
    expect(explicit.stdout.split("\n")[0]).toBe(expected);
    const inCi = run(["validate", "bad"], { GITHUB_ACTIONS: "true" });
    expect(inCi.stdout).toBe(explicit.stdout);
    expect(run(["validate", "warn"], { GITHUB_ACTIONS: "true" }).stdout).toMatch(
      /^::warning file=warn\/warnings.yaml,line=11,col=9,/,
    );
    // An explicit --format still wins in CI.
    expect(run(["validate", "bad", "--format", "text"], { GITHUB_ACTIONS: "true" }).stdout).not.toContain(
      "::error",
    );
  });

  it("junit: one test case per file", () => {
    const r = run(["validate", "mixed", "--format", "junit"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('<testsuites name="lookback validate" tests="3" failures="1">');
    expect(r.stdout.match(/<testcase /g)).toHaveLength(3);
    expect(r.stdout).toContain('<testcase classname="lookback.validate" name="mixed/valid.yaml"/>');
  });

  it("refuses an unknown format or flag with exit 2", () => {
    const format = run(["validate", "--format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("Invalid value `xml` for --format. Allowed: text, json, github, junit.");
    const flag = run(["validate", "--stritc"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("`lookback validate` has no option --stritc.");
    expect(flag.stderr).toContain("Did you mean `--strict`?");
    expect(flag.stdout).toBe("");
  });
});

describe("validate: --strict", () => {
  it("makes warnings (missing text_en, missing basis) errors", () => {
    const lenient = run(["validate", "warn"]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain("warning: Item `study.study-time` has no `basis`");
    const strict = run(["validate", "warn", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("error: Item `study.study-time` has no `basis`");
    expect(strict.stdout).toContain("error: Item `study.study-time` has no English text");
  });
});

describe("language", () => {
  it("speaks Chinese with --lang zh and with LOOKBACK_LANG=zh", () => {
    const flag = run(["--lang", "zh", "validate", "bad"]);
    expect(flag.stdout).toContain(
      "bad/unknown-key.yaml:3:1  错误：未知的键 `tittle`（在文件最外层）。  （您是不是想写 `title`？）",
    );
    expect(flag.stdout).toContain("已检查 1 个文件：2 个错误，0 个警告。");
    expect(run(["validate", "bad"], { LOOKBACK_LANG: "zh" }).stdout).toBe(flag.stdout);
  });

  it("follows a Chinese system locale, and --lang en overrides it", () => {
    const zh = run(["validate", "good"], { LOOKBACK_LANG: "", LC_ALL: "zh_CN.UTF-8" });
    expect(zh.stdout).toBe("已检查 1 个文件、1 份清单，未发现问题。\n");
    const en = run(["--lang", "en", "validate", "good"], { LOOKBACK_LANG: "zh", LC_ALL: "zh_CN.UTF-8" });
    expect(en.stdout).toBe("1 file(s) checked, 1 checklist(s), no problems.\n");
  });

  it("translates usage errors too", () => {
    const r = run(["--lang", "zh", "validate", "no-such-folder"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("错误: 文件或文件夹不存在：no-such-folder");
  });
});

describe("colour", () => {
  // FORCE_COLOR proves colour would be there (these streams are pipes, not terminals);
  // each switch must then take it away again.
  it("is there when forced, so the checks below mean something", () => {
    expect(run(["validate", "bad"], { FORCE_COLOR: "1" }).stdout).toContain(ESC);
  });

  it.each([
    ["NO_COLOR=1", ["validate", "bad"], { FORCE_COLOR: "1", NO_COLOR: "1" }],
    ["TERM=dumb", ["validate", "bad"], { FORCE_COLOR: "1", TERM: "dumb" }],
    ["--no-color", ["--no-color", "validate", "bad"], { FORCE_COLOR: "1" }],
    ["a pipe (not a TTY)", ["validate", "bad"], {}],
  ] as const)("is off with %s", (_, args, env) => {
    const r = run([...args], env);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stderr).not.toContain(ESC);
  });

  it("is off on stderr for user errors with NO_COLOR", () => {
    const r = run(["validate", "no-such-folder"], { FORCE_COLOR: "1", NO_COLOR: "1" });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(ESC);
  });
});

describe("errors", () => {
  it("prints user errors without a stack trace; LOOKBACK_DEBUG=1 shows it", () => {
    const plain = run(["validate", "no-such-folder"]);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    expect(plain.stderr.trim().split("\n")).toHaveLength(2); // the message and its hint
    const debug = run(["validate", "no-such-folder"], { LOOKBACK_DEBUG: "1" });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/LookbackError: No such file or folder[\s\S]*\n\s+at /);
  });
});

describe("list", () => {
  it("shows id, version, title, kind, sections, items and where each was loaded from", () => {
    const r = run(["list"], { COLUMNS: "200" });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+Version\s+Title\s+Kind\s+Sections\s+Items\s+Loaded from$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual([
      "inspection",
      "self-check",
      "standards",
    ]);
    expect(r.stdout).toMatch(
      /self-check\s+1\.0\.0\s+Look-back self-check of the first phase\s+Self-check\s+4\s+22\s+built-in \(self-check\.yaml\)/,
    );
    expect(r.stdout).toMatch(/^inspection\s+1\.2\.0\s+.+\s+Inspection\s+3\s+20\s+built-in/m);
  });

  it("show names the checklist's kind in its first line, and --json has it", () => {
    expect(run(["show", "inspection"]).stdout.split("\n")[0]).toMatch(
      /^inspection 1\.2\.0 \(Inspection\) {2}Special/,
    );
    expect(run(["--lang", "zh", "show", "self-check"]).stdout.split("\n")[0]).toMatch(
      /^self-check 1\.0\.0（自查） {2}第一环节/,
    );
    expect(JSON.parse(run(["show", "self-check", "--json"]).stdout).kind).toBe("self-check");
  });

  it("--json gives the same data for programs", () => {
    const r = run(["list", "--json"]);
    const data = JSON.parse(r.stdout);
    const selfCheck = data.checklists.find((c: { id: string }) => c.id === "self-check");
    expect(selfCheck).toMatchObject({
      id: "self-check",
      version: "1.0.0",
      title: "第一环节“回头看”自查",
      sections: 4,
      items: 22,
      perLeaderSections: ["six-checks"],
      builtin: true,
      kind: "self-check",
    });
    expect(data.checklists.find((c: { id: string }) => c.id === "inspection").kind).toBe("inspection");
    expect(data.errors).toBe(0);
  });

  it("shows Chinese titles in Chinese and includes a bureau's own checklists", () => {
    const r = run(["--lang", "zh", "--checklists", "good", "list"], { COLUMNS: "200" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^编号\s+版本\s+标题\s+类别\s+环节\s+项目\s+加载自/);
    expect(r.stdout).toMatch(/fixture-valid\s+1\.0\.0\s+测试清单\s+自查\s+1\s+1\s+good[/\\]valid\.yaml/);
    expect(r.stdout).toMatch(
      /self-check\s+1\.0\.0\s+第一环节“回头看”自查\s+自查\s+4\s+22\s+内置（self-check\.yaml）/,
    );
  });

  it("warns on stderr when a user checklist cannot be loaded", () => {
    const r = run(["--checklists", "bad", "list"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Some checklists could not be loaded (2 error(s))");
  });
});

describe("schema", () => {
  it("prints the committed JSON Schema", () => {
    const r = run(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(ROOT, "schema/checklist.schema.json"), "utf8"));
  });
});
