// The package as users get it: `npm pack` ships only what is needed, and the tarball installed
// into a fresh prefix gives a `lookback` that works from any folder, finds its built-in checklists
// and templates beside itself, and opens SQLite. Then a repository made by that lookback runs its
// CI workflow's steps for real. Slow (better-sqlite3 builds from source when no prebuilt binary
// can be fetched): LOOKBACK_SKIP_PACK=1 skips the install.
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { TOPICS } from "../src/commands/help/run.js";
import { en } from "../src/i18n/en.js";
import { zhCN } from "../src/i18n/zh-CN.js";
import { listSelfPackage } from "../src/init/tarball.js";

const ROOT = path.resolve(".");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  engines?: { node?: string };
  bin?: Record<string, string>;
};

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(NPM, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    shell: process.platform === "win32",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface PackedFile {
  path: string;
}

function npmPackFiles(): string[] {
  // --ignore-scripts: never rebuild dist/ under the other tests that are running it.
  const out = execFileSync(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    shell: process.platform === "win32",
  });
  const [first] = JSON.parse(out) as { files: PackedFile[] }[];
  return (first?.files ?? []).map((f) => f.path).sort();
}

describe("npm pack", () => {
  const files = npmPackFiles();

  it("ships the CLI, its compiled code, checklists, templates, schema and both READMEs", () => {
    for (const f of [
      "package.json",
      "bin/lookback.js",
      "lib/cli.js",
      "checklists/self-check.yaml",
      "checklists/standards.yaml",
      "checklists/inspection.yaml",
      "templates/ledger.yaml",
      "templates/report.yaml",
      "lib/vendor/echarts.cjs",
      "lib/vendor/echarts.LICENSE.txt",
      "schema/checklist.schema.json",
      "README.md",
      "README.zh-CN.md",
      "docs/answers-file.md",
      "docs/answers-file.zh-CN.md",
      "docs/answers-example.yaml",
      "docs/export.md",
      "docs/export.zh-CN.md",
      "docs/report.md",
      "docs/report.zh-CN.md",
    ]) {
      expect(files, f).toContain(f);
    }
  });

  it("holds every doc that --help, the messages, `lookback help` and the READMEs point to", () => {
    const wanted = new Set<string>();
    for (const catalog of [en, zhCN] as Record<string, string>[]) {
      for (const text of Object.values(catalog))
        for (const m of text.matchAll(/docs\/[\w.-]+/g)) wanted.add(m[0]);
    }
    for (const topic of TOPICS) {
      for (const lang of ["", ".zh-CN"]) {
        const file = `docs/${topic.file.replace("{lang}", lang)}`;
        if (lang === "" || existsSync(path.join(ROOT, file))) wanted.add(file);
      }
    }
    // Relative links of the shipped Markdown files, resolved from the file that holds them.
    for (const doc of files.filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(path.join(ROOT, doc), "utf8");
      for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        wanted.add(path.posix.normalize(path.posix.join(path.posix.dirname(doc), target)));
      }
    }
    expect([...wanted].filter((f) => !files.includes(f))).toEqual([]);
    expect(wanted.size).toBeGreaterThan(5);
  });

  it("ships no sources, tests, benches, fixtures or tool configuration", () => {
    const unwanted = files.filter(
      (f) =>
        /^(src|test|bench|scripts|dist|node_modules|coverage|dist-check|\.ci|\.github)\//.test(f) ||
        /\.test\.(js|ts)$/.test(f) ||
        /^(tsconfig.*|biome|vitest\.config\..*|package-lock)\.json$/.test(f) ||
        f.endsWith(".ts") ||
        f.endsWith(".db") ||
        f.endsWith(".tgz"),
    );
    expect(unwanted).toEqual([]);
  });

  it("is what `lookback init` packs into tools/ for the CI workflow", () => {
    expect(listSelfPackage(ROOT).files).toEqual(files);
  });

  it("declares the Node versions it runs on and its command", () => {
    expect(pkg.engines?.node).toBe("^20.0.0 || >=22.0.0");
    expect(pkg.bin).toEqual({ lookback: "bin/lookback.js" });
  });
});

describe.skipIf(process.env.LOOKBACK_SKIP_PACK === "1")("the packed tarball, installed", () => {
  let tmp: string;
  let bin: string;
  let elsewhere: string;

  const lookback = (args: string[], cwd = elsewhere, env: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(bin, args, {
      cwd,
      encoding: "utf8",
      env: {
        ...process.env,
        NO_COLOR: "1",
        LOOKBACK_LANG: "en",
        LOOKBACK_DB: path.join(tmp, "data", "test.db"),
        ...env,
      },
      shell: process.platform === "win32",
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "lookback-pack-"));
    elsewhere = path.join(tmp, "some", "office", "folder");
    mkdirSync(elsewhere, { recursive: true });
    const packed = npm(["pack", "--ignore-scripts", "--pack-destination", tmp, "--json"], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = path.join(tmp, `${pkg.name}-${pkg.version}.tgz`);
    expect(existsSync(tarball)).toBe(true);

    const prefix = path.join(tmp, "prefix");
    const install = (offline: boolean) =>
      npm(
        [
          "install",
          "-g",
          "--prefix",
          prefix,
          "--no-audit",
          "--no-fund",
          "--ignore-scripts",
          ...(offline ? ["--offline"] : []),
          tarball,
        ],
        tmp,
      );
    const started = Date.now();
    let r = install(true);
    if (r.code !== 0) r = install(false); // not everything in the local cache: fetch it
    expect(r.code, r.stderr).toBe(0);
    // Scripts are skipped (see `install`): compiling better-sqlite3 from source takes minutes
    // here and is better-sqlite3's own install step, which `npm ci` of this repository runs
    // anyway. The native module it built (same version, same Node) is put where the
    // installed package's own build would have put it; everything else is the tarball's.
    const release = path.join("node_modules", "better-sqlite3", "build", "Release");
    const globalModules =
      process.platform === "win32"
        ? path.join(prefix, "node_modules")
        : path.join(prefix, "lib", "node_modules");
    const installedRelease = path.join(globalModules, pkg.name, release);
    mkdirSync(installedRelease, { recursive: true });
    cpSync(
      path.join(ROOT, release, "better_sqlite3.node"),
      path.join(installedRelease, "better_sqlite3.node"),
    );
    console.info(`npm install -g of the packed tarball: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    bin =
      process.platform === "win32" ? path.join(prefix, "lookback.cmd") : path.join(prefix, "bin", "lookback");
  }, 600_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("runs from any folder and finds its built-in checklists beside itself", () => {
    expect(lookback(["--version"]).stdout.trim()).toBe(pkg.version);
    const list = lookback(["list", "--json"]);
    expect(list.code).toBe(0);
    const { checklists } = JSON.parse(list.stdout) as {
      checklists: { id: string; builtin: boolean; file: string }[];
    };
    expect(checklists.map((c) => c.id).sort()).toEqual(["inspection", "self-check", "standards"]);
    for (const c of checklists) {
      expect(c.builtin).toBe(true);
      expect(c.file.startsWith(path.join(tmp, "prefix"))).toBe(true);
    }
    const v = lookback(["validate"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("3 file(s) checked, 3 checklist(s), no problems.");
  });

  it("prints its manuals from its own docs/, in both languages, and the example is a valid answers file", () => {
    const answers = lookback(["help", "answers"]);
    expect(answers.code, answers.stderr).toBe(0);
    expect(answers.stdout).toBe(readFileSync(path.join(ROOT, "docs/answers-file.md"), "utf8"));
    const zh = lookback(["help", "answers"], elsewhere, { LOOKBACK_LANG: "zh" });
    expect(zh.stdout).toBe(readFileSync(path.join(ROOT, "docs/answers-file.zh-CN.md"), "utf8"));
    const overview = lookback(["help"]);
    expect(overview.stdout).toContain(path.join(tmp, "prefix"));
    const example = lookback(["help", "answers-example"]);
    const file = path.join(elsewhere, "answers.yaml");
    writeFileSync(file, example.stdout);
    const checked = lookback(["check", "--answers", file], elsewhere, {
      LOOKBACK_DB: path.join(tmp, "data", "help.db"),
    });
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain("The check is complete.");
  });

  it("opens SQLite (the native module was built or fetched for this Node)", () => {
    const r = lookback(["units", "add", "南昌县莲塘第一中学"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(path.join(tmp, "data", "test.db"))).toBe(true);
    const units = lookback(["units", "list", "--json"]);
    expect(units.stdout).toContain("南昌县莲塘第一中学");
  });

  it("writes briefings with its own docx and its vendored ECharts (no development dependency)", () => {
    lookback(["units", "add", "南昌县莲塘第二中学"]);
    for (const format of ["docx", "html"]) {
      const r = lookback(["report", "--all", "--format", format, "--out", path.join(tmp, "briefings")]);
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(path.join(tmp, "briefings", `全县-工作简报.${format}`))).toBe(true);
    }
    expect(readFileSync(path.join(tmp, "briefings", "全县-工作简报.html"), "utf8")).toContain("<svg");
  });

  it("makes a repository whose CI workflow steps install it and validate, failing on a broken checklist", () => {
    const repo = path.join(tmp, "bureau");
    const init = lookback(["init", repo]);
    expect(init.code, init.stderr).toBe(0);
    expect(readdirSync(path.join(repo, "templates"))).toContain("ledger.yaml");
    expect(readdirSync(path.join(repo, "templates"))).toContain("report.yaml");

    const wf = parse(readFileSync(path.join(repo, ".github/workflows/lookback.yml"), "utf8")) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
    expect(runs).toHaveLength(2);
    const step = (line: string) =>
      spawnSync(line, {
        cwd: repo,
        shell: true,
        encoding: "utf8",
        // GitHub's runner has a network; here the local cache serves the dependencies first.
        env: {
          ...process.env,
          GITHUB_ACTIONS: "true",
          npm_config_prefer_offline: "true",
          LOOKBACK_LANG: "en",
        },
      });
    const started = Date.now();
    const installStep = step(runs[0] ?? "");
    expect(installStep.status, installStep.stderr).toBe(0);
    console.info(`workflow install step (--ignore-scripts): ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const ok = step(runs[1] ?? "");
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).not.toContain("::error");

    // The county checklist extends the installed package's built-in self-check.
    const file = path.join(repo, "checklists/county-self-check.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^version: .*$/m, "version: [1]"));
    const bad = step(runs[1] ?? "");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^::error file=checklists\/county-self-check\.yaml,line=\d+,col=\d+/m);
  }, 300_000);
});
