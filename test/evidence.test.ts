// 佐证材料 as files, the way a school and the bureau meet them on the built CLI: attach (and the
// same photo kept once), refuse what must not be read (a 2 GB file by its size, a link to
// /etc/passwd), carry the files to the bureau (twice changes nothing, a tampered one is refused
// alone), export them beside the ledgers with links a second reader follows, and close on proof.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lookbackOn } from "./helpers/cli.js";
import { hasOpenpyxl, xlsxLinks } from "./helpers/readers.js";

// Able to trace here (a container may forbid ptrace).
const hasStrace = spawnSync("strace", ["-o", "/dev/null", "true"]).status === 0;

const MINI = path.resolve("test/fixtures/rectify/v1/mini.yaml");
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(2000, 3),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 5)]);

/** A link's target as a path: %XX escapes undone (the target is UTF-8 text, escaped only where a URI needs it). */
const unquote = (href: string) =>
  href.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

let dir: string;
let db: string;
const lookback = lookbackOn(
  () => db,
  () => dir,
);
const run = (args: string[]) => lookback(["--checklists", "cl", ...args]);
const json = <T>(args: string[]): T => {
  const r = run([...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

interface Listed {
  count: number;
  files: {
    id: string;
    name: string;
    sha256: string;
    mediaType: string;
    itemKey: string;
    rectificationId: string | null;
  }[];
}

/** A unit's check of the mini checklist: a.one fails (a rectification), the rest pass. */
function checkUnit(unit: string, extra = ""): string {
  const file = path.join(dir, `${unit}.yaml`);
  writeFileSync(
    file,
    `unit: ${unit}
checklist: ${extra ? "proof" : "mini"}
respondent: 张老师
leaders: [李书记]
answers:
  a.one:
    result: fail
    rectification: { problem: 学习时间不足, measure: 每周集中学习, owner: 刘主任, deadline: +30 }
  a.two: pass
  a.three: pass
  lead.x@李书记: pass
`,
  );
  const r = run(["check", "--answers", file]);
  expect(r.code, r.stderr).toBe(0);
  const rects = json<{ rectifications: { id: string; unit: { name: string } }[] }>([
    "rectify",
    "list",
    "--unit",
    unit,
  ]);
  return rects.rectifications[0]!.id.slice(0, 8);
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-evidence-"));
  db = path.join(dir, "school.db");
  mkdirSync(path.join(dir, "cl"));
  copyFileSync(MINI, path.join(dir, "cl", "mini.yaml"));
  writeFileSync(
    path.join(dir, "cl", "proof.yaml"),
    readFileSync(MINI, "utf8")
      .replace("id: mini", "id: proof")
      .replace('source: "测试用"', 'source: "测试用"\nrectify:\n  require_evidence_to_close: true'),
  );
  mkdirSync(path.join(dir, "photos"));
  writeFileSync(path.join(dir, "photos", "签到表.jpg"), JPEG);
  writeFileSync(path.join(dir, "photos", "会议记录.pdf"), PNG);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("attaching", () => {
  it("to a rectification and to an item's answer; the same photo twice is stored once; the type from the content", () => {
    const id = checkUnit("莲塘一小");
    const added = run(["evidence", "add", id, "photos/签到表.jpg", "photos/会议记录.pdf", "--by", "张老师"]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`Attached 2 file(s) to rectification ${id} (a.one) of 莲塘一小:`);
    const again = run(["evidence", "add", "a.two", "--unit", "莲塘一小", "photos"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("2 of them were held already");
    const listed = json<Listed>(["evidence", "list"]);
    expect(listed.files.map((f) => [f.name, f.itemKey, f.rectificationId !== null])).toEqual([
      ["签到表.jpg", "a.one", true],
      ["会议记录.pdf", "a.one", true],
      ["会议记录.pdf", "a.two", false],
      ["签到表.jpg", "a.two", false],
    ]);
    // A PNG named .pdf is a PNG.
    expect(listed.files.find((f) => f.name === "会议记录.pdf")?.mediaType).toBe("image/png");
    const sqlite = new Database(db, { readonly: true });
    const contents = sqlite.prepare("SELECT count(*) AS n FROM evidence_contents").get() as { n: number };
    sqlite.close();
    expect(contents.n).toBe(2);
    // 跟踪问效: the rectification's history says what was attached.
    expect(run(["rectify", "show", id]).stdout).toContain("佐证材料 added / 附加佐证材料 (2): 签到表.jpg");
  });

  it("a 2 GB sparse file is refused by its size, without reading a byte of it (strace)", () => {
    const id = checkUnit("莲塘一小");
    const big = path.join(dir, "录像.mp4");
    expect(spawnSync("truncate", ["-s", "2G", big]).status).toBe(0);
    const r = run(["evidence", "add", id, "录像.mp4"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: Nothing was attached: 录像.mp4 is 2048 MB, over the 20 MB limit for one evidence file.",
    );
    expect(json<Listed>(["evidence", "list"]).count).toBe(0);
  });

  it.skipIf(!hasStrace)("the 2 GB file is opened (for its size) and never read (strace -y)", () => {
    const id = checkUnit("莲塘一小");
    expect(spawnSync("truncate", ["-s", "2G", path.join(dir, "big.mp4")]).status).toBe(0);
    const traced = spawnSync(
      "strace",
      [
        "-f",
        "-y",
        "-e",
        "trace=openat,read,pread64",
        "-o",
        path.join(dir, "trace"),
        process.execPath,
        "bin/lookback.js",
        "--db",
        db,
        "--checklists",
        path.join(dir, "cl"),
        "evidence",
        "add",
        id,
        path.join(dir, "big.mp4"),
      ],
      { encoding: "utf8", env: { ...process.env, LOOKBACK_LANG: "en" } },
    );
    expect(traced.status, traced.stderr).toBe(2);
    const trace = readFileSync(path.join(dir, "trace"), "utf8").split("\n");
    // -y: every descriptor is shown with its path, so a read of the file names it.
    expect(trace.some((l) => l.includes("openat(") && l.includes("big.mp4"))).toBe(true);
    expect(trace.filter((l) => /\bp?read(64)?\(\d+</.test(l) && l.includes("big.mp4>"))).toEqual([]);
  });

  it("a symbolic link to /etc/passwd is refused, given or inside a folder; nothing is attached", () => {
    const id = checkUnit("莲塘一小");
    symlinkSync("/etc/passwd", path.join(dir, "passwd.jpg"));
    const r = run(["evidence", "add", id, "passwd.jpg"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("passwd.jpg is a symbolic link");
    symlinkSync("/etc/passwd", path.join(dir, "photos", "link.jpg"));
    const folder = run(["evidence", "add", id, "photos"]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(path.join("photos", "link.jpg"));
    expect(json<Listed>(["evidence", "list"]).count).toBe(0);
  });

  it("a FIFO is refused without waiting for a writer", () => {
    const id = checkUnit("莲塘一小");
    if (spawnSync("mkfifo", [path.join(dir, "pipe.jpg")]).status !== 0) return;
    const r = run(["evidence", "add", id, "pipe.jpg"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("pipe.jpg is not an ordinary file (it is a named pipe (FIFO))");
  });

  it("the unit's cap: refused naming the unit, its total and the cap", () => {
    const id = checkUnit("莲塘一小");
    const r = lookback(["--checklists", "cl", "evidence", "add", id, "photos", "--max-unit-mb", "0.005"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /莲塘一小 holds 0 MB of evidence; with these 2 file\(s\) it would hold 0 MB, over/,
    );
  });

  it("the unit's cap is checked before a byte is stored; a content the unit holds counts once", () => {
    const id = checkUnit("莲塘一小");
    const MB = 1024 * 1024;
    const pattern = (n: number, seed: number) => Buffer.alloc(n, seed);
    writeFileSync(path.join(dir, "录像1.bin"), pattern(1.5 * MB, 1));
    writeFileSync(path.join(dir, "照片.bin"), pattern(0.3 * MB, 2));
    writeFileSync(path.join(dir, "录像2.bin"), pattern(3 * MB, 3));
    const cap = ["--max-unit-mb", "2"];
    expect(run(["evidence", "add", id, "录像1.bin", ...cap]).code).toBe(0);
    // 1.5 MB held + 1.5 + 0.3 by their sizes is over 2 MB, but the first is held already: 1.8 MB.
    const again = run(["evidence", "add", "a.two", "--unit", "莲塘一小", "录像1.bin", "照片.bin", ...cap]);
    expect(again.code, again.stderr).toBe(0);
    const before = json<Listed>(["evidence", "list"]);
    expect(before.count).toBe(3);
    const r = run(["evidence", "add", "a.three", "--unit", "莲塘一小", "录像2.bin", ...cap]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "error: Nothing was attached: 莲塘一小 holds 1.8 MB of evidence; with these 1 file(s) it would hold 4.8 MB, over the 2 MB limit for one unit.",
    );
    expect(r.stderr).toContain("--max-unit-mb or LOOKBACK_EVIDENCE_MAX_UNIT_MB");
    expect(json<Listed>(["evidence", "list"])).toEqual(before);
    // Over a lower cap, the unit still takes a content it holds (nothing grows), and nothing new.
    const lower = ["--max-unit-mb", "1"];
    const held = run(["evidence", "add", "a.three", "--unit", "莲塘一小", "录像1.bin", ...lower]);
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toContain("1 of them were held already");
    const more = run(["evidence", "add", "a.three", "--unit", "莲塘一小", "照片.bin", "录像2.bin", ...lower]);
    expect(more.code).toBe(2);
    expect(more.stderr).toContain(
      "莲塘一小 holds 1.8 MB of evidence; with these 2 file(s) it would hold 4.8 MB",
    );
    const env = lookback([
      "--checklists",
      "cl",
      "evidence",
      "add",
      "a.three",
      "--unit",
      "莲塘一小",
      "录像2.bin",
    ]);
    expect(env.code, env.stderr).toBe(0);
  });

  it.skipIf(!hasStrace)(
    "a file over the unit's cap by its size is refused without being read (strace -y)",
    () => {
      const id = checkUnit("莲塘一小");
      writeFileSync(path.join(dir, "held.bin"), Buffer.alloc(700_000, 1));
      writeFileSync(path.join(dir, "over.bin"), Buffer.alloc(1_500_000, 2));
      expect(run(["evidence", "add", id, "held.bin", "--max-unit-mb", "1"]).code).toBe(0);
      const traced = spawnSync(
        "strace",
        ["-f", "-y", "-e", "trace=openat,read,pread64", "-o", path.join(dir, "trace")].concat(
          [process.execPath, "bin/lookback.js", "--db", db, "--checklists", path.join(dir, "cl")],
          [
            "evidence",
            "add",
            id,
            path.join(dir, "over.bin"),
            path.join(dir, "held.bin"),
            "--max-unit-mb",
            "1",
          ],
        ),
        { encoding: "utf8", env: { ...process.env, LOOKBACK_LANG: "en" } },
      );
      expect(traced.status, traced.stderr).toBe(2);
      expect(traced.stderr).toContain(
        "莲塘一小 holds 0.7 MB of evidence; with these 2 file(s) it would hold 2.1 MB",
      );
      const trace = readFileSync(path.join(dir, "trace"), "utf8").split("\n");
      expect(trace.some((l) => l.includes("openat(") && l.includes("over.bin"))).toBe(true);
      expect(trace.filter((l) => /\bp?read(64)?\(\d+</.test(l) && l.includes("over.bin>"))).toEqual([]);
      // held.bin has the size of a content held: it is read, to know it is that content.
      expect(trace.some((l) => /\bp?read(64)?\(\d+</.test(l) && l.includes("held.bin>"))).toBe(true);
      expect(json<Listed>(["evidence", "list"]).count).toBe(1);
    },
  );

  it("removing keeps the file in the history", () => {
    const id = checkUnit("莲塘一小");
    run(["evidence", "add", id, "photos/签到表.jpg"]);
    const [file] = json<Listed>(["evidence", "list"]).files;
    const r = run(["evidence", "remove", file!.id.slice(0, 8), "--by", "王主任"]);
    expect(r.code, r.stderr).toBe(0);
    expect(json<Listed>(["evidence", "list"]).count).toBe(0);
    expect(json<Listed>(["evidence", "list", "--removed"]).count).toBe(1);
    expect(run(["rectify", "show", id]).stdout).toContain("佐证材料 removed: 签到表.jpg");
  });
});

describe("add --run", () => {
  it("attaches to the item's answer in the run named (its id or start), not only the latest; a wrong run is said", () => {
    const rect = checkUnit("莲塘一小");
    const again = run(["check", "--answers", path.join(dir, "莲塘一小.yaml"), "--new"]);
    expect(again.code, again.stderr).toBe(0);
    checkUnit("莲塘二小");
    const runs = json<{ runs: { runId: string; unit: string }[] }>(["status", "--unit", "莲塘一小"]).runs;
    expect(runs).toHaveLength(2);
    const [first, latest] = runs.map((r) => r.runId);
    const r = run(["evidence", "add", "a.two", "--run", first!.slice(0, 8), "photos/签到表.jpg", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const added = JSON.parse(r.stdout) as { unit: string; files: { answerId: string }[] };
    expect(added.unit).toBe("莲塘一小");
    const plain = run(["evidence", "add", "a.two", "--unit", "莲塘一小", "photos/会议记录.pdf", "--json"]);
    expect(plain.code, plain.stderr).toBe(0);
    const latestAnswer = (JSON.parse(plain.stdout) as { files: { answerId: string }[] }).files[0]!.answerId;
    const raw = new Database(db, { readonly: true });
    const runOf = (answerId: string) =>
      (raw.prepare("SELECT run_id FROM answers WHERE id = ?").get(answerId) as { run_id: string }).run_id;
    expect(runOf(added.files[0]!.answerId)).toBe(first);
    expect(runOf(latestAnswer)).toBe(latest);
    raw.close();

    const unknown = run(["evidence", "add", "a.two", "--run", "ffffffff", "photos/签到表.jpg"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No run with the id `ffffffff`.");
    expect(unknown.stderr).toContain("`lookback status --json` shows each run's runId");
    const other = run([
      "evidence",
      "add",
      "a.two",
      "--run",
      first!,
      "--unit",
      "莲塘二小",
      "photos/签到表.jpg",
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(
      `Run ${first!.slice(0, 8)} is 莲塘一小's run of mini, not the --unit or --checklist given.`,
    );
    const onRect = run(["evidence", "add", rect, "--run", first!, "photos/签到表.jpg"]);
    expect(onRect.code).toBe(2);
    expect(onRect.stderr).toContain(`--run goes with an item (such as study.film); \`${rect}\` is not one.`);
    expect(json<Listed>(["evidence", "list"]).count).toBe(2);
  });
});

describe("extract", () => {
  const bytesOf = (n: number, seed: number) => {
    const b = Buffer.allocUnsafe(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      b[i] = x >>> 24;
    }
    return b;
  };
  const leftovers = (folder: string) => readdirSync(folder).filter((n) => n.endsWith(".tmp"));

  it("writes a stored file back byte for byte: by id start (its name made safe, here) or by sha256 (--out, --json)", () => {
    const id = checkUnit("莲塘一小");
    const big = bytesOf(2.5 * 1024 * 1024 + 7, 5);
    writeFileSync(path.join(dir, "CON.mp4"), big);
    expect(run(["evidence", "add", id, "CON.mp4", "photos/签到表.jpg"]).code).toBe(0);
    const files = json<Listed>(["evidence", "list"]).files;
    const video = files.find((f) => f.name === "CON.mp4")!;
    mkdirSync(path.join(dir, "out"));
    const r = lookback(["evidence", "extract", video.id.slice(0, 8)], "en");
    expect(r.code, r.stderr).toBe(0);
    // CON is a device name on Windows: written as _CON.mp4.
    expect(r.stdout).toContain(
      `Wrote _CON.mp4 (2.5 MB, sha256 ${video.sha256.slice(0, 12)}), evidence ${video.id.slice(0, 8)}`,
    );
    expect(readFileSync(path.join(dir, "_CON.mp4")).equals(big)).toBe(true);
    const photo = files.find((f) => f.name === "签到表.jpg")!;
    const out = json<{ path: string; sha256: string; size: number }>([
      "evidence",
      "extract",
      photo.sha256,
      "--out",
      "out",
    ]);
    expect(out).toEqual({
      path: path.join(dir, "out", "签到表.jpg"),
      sha256: photo.sha256,
      size: JPEG.length,
    });
    expect(readFileSync(out.path).equals(JPEG)).toBe(true);
    const named = run(["evidence", "extract", photo.id, "--out", "out/收回.jpg"]);
    expect(named.code, named.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "out", "收回.jpg")).equals(JPEG)).toBe(true);
    expect(leftovers(path.join(dir, "out"))).toEqual([]);
  });

  it("never writes over a file there, nor into a folder that is missing; exit 2 naming it", () => {
    const id = checkUnit("莲塘一小");
    expect(run(["evidence", "add", id, "photos/签到表.jpg"]).code).toBe(0);
    const [file] = json<Listed>(["evidence", "list"]).files;
    writeFileSync(path.join(dir, "签到表.jpg"), "mine");
    const r = run(["evidence", "extract", file!.id.slice(0, 8)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${path.join(dir, "签到表.jpg")} exists already; nothing was written.`);
    expect(r.stderr).toContain("--out PATH");
    expect(readFileSync(path.join(dir, "签到表.jpg"), "utf8")).toBe("mine");
    const missing = run(["evidence", "extract", file!.id.slice(0, 8), "--out", "没有/x.jpg"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `The folder ${path.join(dir, "没有")} does not exist; nothing was written.`,
    );
    // A folder meant (the trailing slash), not there: said, and no file named 收回 written.
    const folder = run(["evidence", "extract", file!.id.slice(0, 8), "--out", "收回/"]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`The folder ${path.join(dir, "收回")} does not exist`);
    expect(existsSync(path.join(dir, "收回"))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it("an unknown id, an id start shared by several files, a damaged content: each said, nothing written", () => {
    const id = checkUnit("莲塘一小");
    const many = path.join(dir, "many");
    mkdirSync(many);
    // 17 files: two of them share the first digit of their ids (16 digits).
    for (let i = 0; i < 17; i++) writeFileSync(path.join(many, `${i}.pdf`), bytesOf(100, i + 1));
    expect(run(["evidence", "add", id, "many"]).code).toBe(0);
    const files = json<Listed>(["evidence", "list"]).files;
    const unknown = run(["evidence", "extract", "ffffffff-0000"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No evidence file with the id `ffffffff-0000`.");
    expect(unknown.stderr).toContain("`lookback evidence list` shows each file's id.");
    const first = [...new Set(files.map((f) => f.id[0]!))].find(
      (c) => files.filter((f) => f.id.startsWith(c)).length > 1,
    )!;
    const count = files.filter((f) => f.id.startsWith(first)).length;
    const ambiguous = run(["evidence", "extract", first]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(
      `\`${first}\` is the start of ${count} evidence files' ids; type more of it.`,
    );
    const raw = new Database(db);
    raw
      .prepare("UPDATE evidence_chunks SET data = ? WHERE hash = ?")
      .run(Buffer.alloc(100), files[0]!.sha256);
    raw.close();
    const damaged = run(["evidence", "extract", files[0]!.id, "--out", "damaged.pdf"]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain(`Evidence ${files[0]!.id.slice(0, 8)} is damaged in the database`);
    expect(existsSync(path.join(dir, "damaged.pdf"))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe("the answers file", () => {
  it("evidence_files are checked before anything is stored, each problem at its line", () => {
    const file = path.join(dir, "answers.yaml");
    writeFileSync(
      file,
      `unit: 莲塘一小
checklist: mini
respondent: 张老师
leaders: [李书记]
answers:
  a.one:
    result: fail
    rectification:
      problem: 学习时间不足
      measure: 每周集中学习
      owner: 刘主任
      deadline: +30
      evidence_files: [photos/签到表.jpg, 不存在.jpg]
  a.two: { result: pass, evidence_files: photos }
`,
    );
    const bad = run(["check", "--answers", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("answers.yaml:13:40");
    expect(bad.stderr).toContain("不存在.jpg: no such file or folder");
    expect(existsSync(db)).toBe(false);
    writeFileSync(file, readFileSync(file, "utf8").replace(", 不存在.jpg", ""));
    const ok = run(["check", "--answers", file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("Evidence files attached: 3.");
    // The run is not finished (a.three is not answered): applied again, it resumes, and attaches nothing twice.
    expect(run(["check", "--answers", file]).code).toBe(0);
    expect(json<Listed>(["evidence", "list"]).count).toBe(3);
  });
});

describe("to the bureau and back out", () => {
  it("import twice changes nothing; a tampered file is refused alone; the export links resolve", () => {
    const id = checkUnit("莲塘一小");
    run(["evidence", "add", id, "photos/签到表.jpg", "photos/会议记录.pdf"]);
    const school = db;
    const bureau = path.join(dir, "county.db");
    const county = (args: string[]) =>
      lookbackOn(
        () => bureau,
        () => dir,
      )(["--checklists", "cl", ...args]);
    const first = county(["import", school, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).totals.evidence).toMatchObject({ added: 2 });
    const second = JSON.parse(county(["import", school, "--json"]).stdout);
    expect(second.totals.evidence).toEqual({ added: 0, updated: 0, unchanged: 2, removed: 0 });

    // Another school sends a file whose photo was altered after it was attached.
    db = path.join(dir, "school2.db");
    const id2 = checkUnit("莲塘二小");
    run(["evidence", "add", id2, "photos/签到表.jpg", "photos/会议记录.pdf"]);
    const edit = new Database(db);
    edit
      .prepare("UPDATE evidence_chunks SET data = ? WHERE length(data) = ?")
      .run(Buffer.alloc(JPEG.length, 1), JPEG.length);
    edit.close();
    // The bureau holds the true photo already: the altered copy is the other school's own.
    rmSync(bureau);
    const tampered = county(["import", db]);
    expect(tampered.code, tampered.stderr).toBe(0);
    expect(tampered.stderr).toContain(
      "the evidence file 签到表.jpg (a.one) was not imported: its content does not match",
    );
    expect(
      JSON.parse(county(["evidence", "list", "--json"]).stdout).files.map((f: { name: string }) => f.name),
    ).toEqual(["会议记录.pdf"]);
  });

  it.skipIf(!hasOpenpyxl)(
    "export --with-evidence: tricky names written safely, every link opens an exported file",
    () => {
      const id = checkUnit("莲塘一小");
      const tricky = [
        "CON.jpg",
        "..jpg",
        "照片 📷.jpg",
        `${"很长的中文文件名".repeat(10)}.jpg`,
        "末尾点. .jpg",
        "a#b%c.jpg",
      ];
      for (const [i, name] of tricky.entries())
        writeFileSync(path.join(dir, "photos", name), Buffer.concat([JPEG, Buffer.from([i])]));
      expect(run(["evidence", "add", id, "photos"]).code).toBe(0);
      // Names as a hostile file could hold them: never a path out of the folder.
      const sqlite = new Database(db);
      sqlite.prepare("UPDATE evidence_files SET name = '../../逃逸.jpg' WHERE name = '..jpg'").run();
      sqlite.prepare("UPDATE evidence_files SET name = 'nul.txt' WHERE name = 'a#b%c.jpg'").run();
      sqlite.close();
      writeFileSync(path.join(dir, "photos", "a#b%c.jpg"), JPEG);
      run(["evidence", "add", "a.two", "--unit", "莲塘一小", "photos/a#b%c.jpg"]);
      const out = path.join(dir, "台账");
      const r = run(["export", "--unit", "莲塘一小", "--checklist", "mini", "--with-evidence", "--out", out]);
      expect(r.code, r.stderr).toBe(0);
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)],
        );
      const written = walk(out).map((f) => path.relative(out, f));
      expect(written.every((f) => !f.startsWith(".."))).toBe(true);
      expect(existsSync(path.join(dir, "逃逸.jpg"))).toBe(false);
      for (const f of written) {
        const base = path.basename(f);
        expect(base, f).not.toMatch(/^(con|nul)(\..*)?$/i);
        expect(base, f).not.toMatch(/[. ]$/);
        expect(Buffer.byteLength(base)).toBeLessThanOrEqual(255);
      }
      const ledger = path.join(out, "莲塘一小-整改台账.xlsx");
      const links = xlsxLinks(ledger);
      expect(links.length).toBeGreaterThanOrEqual(2);
      for (const l of links) {
        const target = path.join(path.dirname(ledger), unquote(l.target));
        expect(existsSync(target), `${l.sheet}!${l.cell} → ${l.target}`).toBe(true);
        if (!l.target.endsWith("/")) expect(statSync(target).isFile()).toBe(true);
      }
      const single = links.find((l) => l.sheet === "自查明细" && String(l.value).includes("a#b%c.jpg"));
      expect(single && readFileSync(path.join(out, unquote(single.target))).equals(JPEG)).toBe(true);
      // json lists the files with their hashes.
      const j = run([
        "export",
        "--unit",
        "莲塘一小",
        "--checklist",
        "mini",
        "--format",
        "json",
        "--out",
        path.join(dir, "j"),
      ]);
      expect(j.code, j.stderr).toBe(0);
      const doc = JSON.parse(readFileSync(path.join(dir, "j", "莲塘一小-整改台账.json"), "utf8"));
      expect(doc.rectifications[0].evidenceFiles[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    },
  );
});

describe("closing on proof", () => {
  it("a checklist that requires it refuses 销号 without a file, saying how to attach one", () => {
    const id = checkUnit("莲塘一小", "proof");
    expect(run(["rectify", "update", id, "--status", "done", "--progress", "已落实"]).code).toBe(0);
    const refused = run(["rectify", "update", id, "--status", "closed", "--by", "王主任"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${id} cannot be closed (销号) yet: the checklist proof requires proof`);
    expect(refused.stderr).toContain(`lookback evidence add ${id} FILE`);
    expect(run(["evidence", "add", id, "photos/签到表.jpg"]).code).toBe(0);
    const closed = run(["rectify", "update", id, "--status", "closed", "--by", "王主任"]);
    expect(closed.code, closed.stderr).toBe(0);
  });
});
