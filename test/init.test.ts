// `lookback init` end to end, on the built CLI: the repository it makes, that it validates
// clean, and that it never overwrites what a bureau already has.
import { spawnSync } from "node:child_process";
import {
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
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";

const BIN = path.resolve("bin/lookback.js");
/** python3-jsonschema and python3-yaml (Debian), to read the schema as an editor's validator would. */
const HAS_JSONSCHEMA =
  spawnSync("/usr/bin/python3", ["-c", "import jsonschema, yaml"], { encoding: "utf8" }).status === 0;
let dir: string;

function lookback(args: string[], cwd = dir, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      NO_COLOR: "1",
      LOOKBACK_LANG: "en",
      LOOKBACK_DB: path.join(dir, "test.db"),
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk("");
  return out.sort();
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-init-e2e-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("lookback init", () => {
  it("creates the repository a bureau keeps in git, and it validates clean", () => {
    const r = lookback(["init", "bureau"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const repo = path.join(dir, "bureau");
    const version = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;
    expect(tree(repo)).toEqual(
      [
        ".github/workflows/lookback.yml",
        ".gitignore",
        "README.md",
        "checklists/county-self-check.yaml",
        "schema/checklist.schema.json",
        ...readdirSync("templates").map((f) => `templates/${f}`),
        `tools/lookback-${version}.tgz`,
      ].sort(),
    );
    expect(r.stdout).toContain("Created a checklist repository in bureau");
    expect(r.stdout).toContain("cd bureau");

    // Each checklist points its editor at the schema that init wrote beside it.
    for (const f of readdirSync(path.join(repo, "checklists"))) {
      const first = readFileSync(path.join(repo, "checklists", f), "utf8").split("\n")[0] ?? "";
      const m = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
      expect(m, f).not.toBeNull();
      expect(existsSync(path.resolve(repo, "checklists", m?.[1] ?? ""))).toBe(true);
    }
    // The schema is the one `lookback schema` prints.
    expect(readFileSync(path.join(repo, "schema/checklist.schema.json"), "utf8")).toBe(
      lookback(["schema"]).stdout,
    );

    const v = lookback(["validate"], repo);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("1 file(s) checked, 1 checklist(s), no problems.");
    const strict = lookback(["validate", "--strict", "--format", "github"], repo);
    expect(strict.code).toBe(0);
    expect(strict.stdout).not.toContain("::error");

    // Inside the repository: the built-ins, and the county's checklist resolved over the self-check.
    const list = JSON.parse(lookback(["list", "--json"], repo).stdout) as {
      checklists: {
        id: string;
        builtin: boolean;
        items: number;
        extends: { id: string; builtin: boolean }[];
      }[];
    };
    expect(list.checklists.map((c) => [c.id, c.builtin, c.extends.map((p) => p.id).join(" ")])).toEqual([
      ["inspection", true, ""],
      ["self-check", true, ""],
      ["standards", true, ""],
      ["county-self-check", false, "self-check"],
    ]);
    // One removed, two added.
    expect(list.checklists[3]!.items).toBe(list.checklists[1]!.items + 1);
  });

  it.skipIf(!HAS_JSONSCHEMA)(
    "the county checklist passes the JSON Schema, read by a second reader (python3-jsonschema)",
    () => {
      lookback(["init"]);
      const check = (file: string) =>
        spawnSync(
          "/usr/bin/python3",
          [
            "-c",
            `import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
doc = yaml.safe_load(open(sys.argv[2], encoding="utf-8"))
errors = sorted(e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc))
print("\\n".join(errors) or "ok")`,
            path.join(dir, "schema/checklist.schema.json"),
            file,
          ],
          { encoding: "utf8" },
        );
      const county = path.join(dir, "checklists/county-self-check.yaml");
      expect(check(county).stdout.trim()).toBe("ok");
      for (const f of readdirSync("checklists"))
        expect(check(path.resolve("checklists", f)).stdout.trim(), f).toBe("ok");
      // The schema holds a file without `extends` to what the loader does: no tailoring keys there.
      writeFileSync(county, readFileSync(county, "utf8").replace(/^extends: self-check$/m, ""));
      const refused = check(county).stdout;
      expect(refused).toMatch(/'title' is a required property|'source' is a required property/);
      expect(refused).toMatch(/False schema does not allow/);
    },
  );

  it("a mistake in the county checklist fails validation at its line, in GitHub's words", () => {
    lookback(["init"]);
    const file = path.join(dir, "checklists/county-self-check.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("  - id: opinions.publicize", "  - id: opinions.publicise"),
    );
    const v = lookback(["validate", "--format", "github"]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(
      /^::error file=checklists\/county-self-check\.yaml,line=\d+,col=\d+,title=lookback not-in-parent::`opinions\.publicise` is not in `self-check`\. \(Did you mean `opinions\.publicize`\?\)$/m,
    );
  });

  it("a parent's error is annotated on the parent's file, the child's on the child's", () => {
    lookback(["init"]);
    const county = path.join(dir, "checklists/county-self-check.yaml");
    // A province level between the self-check and the county, with a mistake of its own.
    writeFileSync(
      path.join(dir, "checklists/province.yaml"),
      'id: province\nversion: "1.0.0"\nextends: self-check\nremove:\n  - study.no-such-item\n',
    );
    writeFileSync(county, readFileSync(county, "utf8").replace("extends: self-check", "extends: province"));
    const v = lookback(["validate", "--format", "github"]);
    expect(v.code).toBe(1);
    const lines = v.stdout.split("\n").filter((l) => l.startsWith("::error"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::error file=checklists\/county-self-check\.yaml,line=8,col=10,title=lookback parent-invalid::/,
    );
    expect(lines[1]).toMatch(
      /^::error file=checklists\/province\.yaml,line=5,col=5,title=lookback not-in-parent::/,
    );
  });

  it("makes the workflow run the validation of the checklists on push and pull request", () => {
    lookback(["init"]);
    const wf = parse(readFileSync(path.join(dir, ".github/workflows/lookback.yml"), "utf8")) as {
      on: Record<string, unknown>;
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
    expect(runs.at(-1)).toBe("npx --no-install lookback validate --format github");
    const tarball = /\.\/(tools\/lookback-[^ ]+\.tgz)/.exec(runs[0] ?? "")?.[1];
    expect(tarball && existsSync(path.join(dir, tarball))).toBe(true);
  });

  it("a broken checklist in the repository fails validation with its line", () => {
    lookback(["init"]);
    const file = path.join(dir, "checklists/county-self-check.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^title: /m, "tittle: "));
    const v = lookback(["validate", "--format", "github"]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^::error file=checklists\/county-self-check\.yaml,line=\d+,col=\d+/m);
  });

  it("refuses to overwrite, names the files, writes nothing, and prints no stack", () => {
    writeFileSync(path.join(dir, "README.md"), "our own readme\n");
    mkdirSync(path.join(dir, "checklists"));
    writeFileSync(path.join(dir, "checklists/county-self-check.yaml"), "id: ours\n");
    const r = lookback(["init", "."]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("2 file(s) already exist in .; nothing was written:");
    expect(r.stderr).toContain("  checklists/county-self-check.yaml");
    expect(r.stderr).toContain("  README.md");
    expect(r.stderr).toContain("--force");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(tree(dir)).toEqual(["README.md", "checklists/county-self-check.yaml"]);
    expect(readFileSync(path.join(dir, "README.md"), "utf8")).toBe("our own readme\n");
  });

  it("says it in Chinese too", () => {
    writeFileSync(path.join(dir, ".gitignore"), "x\n");
    const r = lookback(["init", "--lang", "zh"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("中已有 1 个同名文件；未写入任何文件");
  });

  it("overwrites with --force and marks what it replaced", () => {
    writeFileSync(path.join(dir, "README.md"), "our own readme\n");
    const r = lookback(["init", "--force"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}README\.md \(replaced\)$/m);
    expect(readFileSync(path.join(dir, "README.md"), "utf8")).toContain("lookback validate");
    expect(lookback(["validate"]).code).toBe(0);
  });

  it("refuses a DIR that is a file, even with --force", () => {
    writeFileSync(path.join(dir, "repo"), "");
    const r = lookback(["init", "repo", "--force"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("a file where a folder is needed");
  });

  it("lists its examples under --help", () => {
    const r = lookback(["init", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n {2}\$ lookback init /);
  });
});
