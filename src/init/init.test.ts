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
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checklistJsonSchemaText } from "../checklist/json-schema.js";
import { validateFiles } from "../checklist/load.js";
import { packageRoot } from "../paths.js";
import { type InitFile, MODELINE, planInit, withModeline } from "./plan.js";
import { listSelfPackage, packSelf } from "./tarball.js";
import { writeInitFiles } from "./write.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lookback-init-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every file below `root`, relative, with forward slashes. */
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

/** Read a ustar archive back: name → bytes, checking each header's checksum. */
function untar(gz: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(gz);
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at + 512 <= tar.length) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const str = (from: number, len: number) =>
      h
        .subarray(from, from + len)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const size = Number.parseInt(str(124, 12), 8);
    const stored = Number.parseInt(str(148, 8), 8);
    let sum = 0;
    h.forEach((b, i) => {
      sum += i >= 148 && i < 156 ? 32 : b;
    });
    expect(sum).toBe(stored);
    const prefix = str(345, 155);
    const name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    out.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const files = (...names: string[]): InitFile[] =>
  names.map((name) => ({ path: name, content: `content of ${name}\n`, kind: "checklist" }));

describe("withModeline", () => {
  it("adds the modeline to a checklist that has none", () => {
    expect(withModeline("id: x\n")).toBe(`${MODELINE}\nid: x\n`);
  });
  it("replaces a modeline that points elsewhere, keeping BOM and CRLF", () => {
    const text = "\uFEFF# yaml-language-server: $schema=https://example.org/s.json\r\nid: x\r\n";
    expect(withModeline(text)).toBe(`\uFEFF${MODELINE}\r\nid: x\r\n`);
  });
  it("leaves a correct modeline alone", () => {
    expect(withModeline(`${MODELINE}\nid: x\n`)).toBe(`${MODELINE}\nid: x\n`);
  });
});

describe("planInit", () => {
  const plan = planInit();
  const byPath = new Map(plan.files.map((f) => [f.path, f]));

  it("writes the county checklist, not copies of the built-ins, with the modeline on its first line", () => {
    const checklists = plan.files.filter((f) => f.kind === "checklist");
    expect(checklists.map((f) => f.path)).toEqual(["checklists/county-self-check.yaml"]);
    for (const f of checklists) expect(String(f.content).split("\n")[0]).toBe(MODELINE);
  });

  it("the county checklist extends the self-check with one change of each kind, clean under --strict", () => {
    const file = path.join(dir, "county-self-check.yaml");
    writeFileSync(file, String(byPath.get("checklists/county-self-check.yaml")?.content));
    const report = validateFiles([file], { strict: true, cwd: dir });
    expect(report.diagnostics).toEqual([]);
    const loaded = report.files[0]?.checklist;
    expect(loaded?.parents.map((p) => p.id)).toEqual(["self-check"]);
    const c = loaded!.checklist;
    const ids = (section: string) => c.sections.find((s) => s.id === section)?.items.map((i) => i.id);
    // remove
    expect(ids("study")).not.toContain("jiao-yulu-film");
    // add an item to a parent's section, placed with `after`
    expect(ids("study")?.slice(0, 2)).toEqual(["study-time", "meeting-spirit"]);
    // move a parent's item
    expect(ids("opinions")?.slice(0, 2)).toEqual(["open-door", "publicize"]);
    // override fields
    const ledger = c.sections
      .find((s) => s.id === "rectify-now")
      ?.items.find((i) => i.id === "ledger-specific");
    expect(ledger).toMatchObject({ weight: 2, text: "整改台账是否具体到事、到人？" });
    expect(ledger?.evidence).toContain("责任人");
    // add a section, placed with `after`
    expect(c.sections.map((s) => s.id)).toEqual([
      "study",
      "opinions",
      "rectify-now",
      "exposure",
      "six-checks",
    ]);
    // every item it adds traces to the notice, as the built-ins' do
    const notice = readFileSync(path.resolve("test/fixtures/notice.txt"), "utf8");
    for (const item of c.sections.flatMap((s) => s.items)) expect(notice, item.id).toContain(item.basis);
  });

  it("writes the JSON Schema where the modeline points, generated from the zod schema", () => {
    expect(MODELINE.endsWith("../schema/checklist.schema.json")).toBe(true);
    expect(byPath.get("schema/checklist.schema.json")?.content).toBe(checklistJsonSchemaText());
  });

  it("copies every file of the package's templates/ folder byte for byte", () => {
    const templates = readdirSync(path.join(packageRoot, "templates"));
    expect(templates.length).toBeGreaterThan(0);
    for (const name of templates) {
      const f = byPath.get(`templates/${name}`);
      expect(f, name).toBeDefined();
      expect(Buffer.from(f?.content ?? "")).toEqual(readFileSync(path.join(packageRoot, "templates", name)));
    }
  });

  it("has a workflow that installs the packed lookback from tools/ and validates with GitHub annotations", () => {
    const wf = parse(String(byPath.get(".github/workflows/lookback.yml")?.content)) as {
      on: Record<string, unknown>;
      jobs: { validate: { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] } };
    };
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
    const steps = wf.jobs.validate.steps;
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with?.["node-version"]).toBe(22);
    const runs = steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs[0]).toContain(`./tools/${plan.tarball}`);
    expect(runs[1]).toBe("npx --no-install lookback validate --format github");
    expect(byPath.has(`tools/${plan.tarball}`)).toBe(true);
  });

  it("ignores databases and ledgers, and writes a Chinese README that names the tarball", () => {
    expect(String(byPath.get(".gitignore")?.content)).toMatch(/^\*\.db$/m);
    expect(String(byPath.get(".gitignore")?.content)).toMatch(/^ledgers\/$/m);
    const readme = String(byPath.get("README.md")?.content);
    expect(readme).toContain("lookback validate");
    expect(readme).toContain(`npm install -g ./tools/${plan.tarball}`);
    expect(readme).toContain("yaml-language-server");
    expect(readme).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("packSelf", () => {
  it("packs the files npm would ship, readable back, byte for byte and under package/", () => {
    const pkg = listSelfPackage(packageRoot);
    expect(pkg.files).toContain("package.json");
    expect(pkg.files).toContain("bin/lookback.js");
    expect(
      pkg.files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.startsWith("bench/")),
    ).toBe(false);
    const packed = packSelf(packageRoot);
    expect(packed.fileName).toBe(`lookback-${pkg.version}.tgz`);
    const entries = untar(packed.bytes);
    expect([...entries.keys()]).toEqual(pkg.files.map((f) => `package/${f}`));
    for (const f of pkg.files)
      expect(entries.get(`package/${f}`)).toEqual(readFileSync(path.join(packageRoot, f)));
    // Reads and packs every shipped file: about 10 s alone, 37 s on a loaded two-core machine.
  }, 120_000);

  it("gives the same bytes twice (the tarball in git only changes with lookback)", () => {
    expect(packSelf(packageRoot).bytes.equals(packSelf(packageRoot).bytes)).toBe(true);
  });

  it("stores long paths with the ustar prefix field", () => {
    const root = path.join(dir, "pkg");
    const deep = `dist/${"a".repeat(60)}/${"b".repeat(60)}`;
    mkdirSync(path.join(root, deep), { recursive: true });
    writeFileSync(
      path.join(root, "package.json"),
      JSON.stringify({ name: "x", version: "1.0.0", files: ["dist/"] }),
    );
    writeFileSync(path.join(root, deep, "file.js"), "ok");
    const entries = untar(packSelf(root).bytes);
    expect(entries.get(`package/${deep}/file.js`)?.toString()).toBe("ok");
  });
});

describe("writeInitFiles", () => {
  it("writes every file into a new folder, through temporary files that do not remain", () => {
    const root = path.join(dir, "repo");
    const outcome = writeInitFiles(root, files("a/b.yaml", "c.txt"));
    expect(outcome).toEqual({ ok: true, written: ["a/b.yaml", "c.txt"], replaced: [] });
    expect(tree(root)).toEqual(["a/b.yaml", "c.txt"]);
    expect(readFileSync(path.join(root, "a/b.yaml"), "utf8")).toBe("content of a/b.yaml\n");
  });

  it("refuses when any file exists, names it, and writes nothing", () => {
    writeFileSync(path.join(dir, "c.txt"), "mine");
    const outcome = writeInitFiles(dir, files("a/b.yaml", "c.txt"));
    expect(outcome).toEqual({ ok: false, conflicts: [{ path: "c.txt", reason: "exists" }] });
    expect(tree(dir)).toEqual(["c.txt"]);
    expect(readFileSync(path.join(dir, "c.txt"), "utf8")).toBe("mine");
  });

  it("replaces existing files with force, and says which", () => {
    writeFileSync(path.join(dir, "c.txt"), "mine");
    const outcome = writeInitFiles(dir, files("a/b.yaml", "c.txt"), { force: true });
    expect(outcome).toEqual({ ok: true, written: ["a/b.yaml", "c.txt"], replaced: ["c.txt"] });
    expect(readFileSync(path.join(dir, "c.txt"), "utf8")).toBe("content of c.txt\n");
  });

  it("never replaces a folder, nor writes below a file, even with force", () => {
    mkdirSync(path.join(dir, "c.txt"));
    writeFileSync(path.join(dir, "a"), "a file where a folder is needed");
    const outcome = writeInitFiles(dir, files("a/b.yaml", "c.txt"), { force: true });
    expect(outcome).toEqual({
      ok: false,
      conflicts: [
        { path: "a", reason: "not-a-folder" },
        { path: "c.txt", reason: "folder" },
      ],
    });
    expect(existsSync(path.join(dir, "a/b.yaml"))).toBe(false);
  });

  it("removes what it staged when a write fails half way", () => {
    const root = path.join(dir, "repo");
    const bad: InitFile[] = [
      ...files("x/one.txt"),
      // A NUL byte in a path makes the write throw after the first file was staged.
      { path: "y/t\0wo.txt", content: "", kind: "readme" },
    ];
    expect(() => writeInitFiles(root, bad)).toThrow();
    expect(existsSync(root)).toBe(false);
  });
});
