import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crc32, crc32Js, readZip, writeZip } from "./zip.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-zip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("zip", () => {
  it("computes CRC-32 the same way natively and in JavaScript", () => {
    const check = Buffer.from("123456789");
    expect(crc32Js(check)).toBe(0xcbf43926);
    expect(crc32(check)).toBe(0xcbf43926);
    const big = Buffer.from("整改台账".repeat(5000));
    expect(crc32Js(big)).toBe(crc32(big));
  });

  it("round-trips entries, deflating what shrinks and storing what does not", () => {
    const entries = [
      { name: "xl/worksheets/sheet1.xml", data: Buffer.from("<row>整改</row>".repeat(500)) },
      { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
      { name: "tiny", data: Buffer.from("x") },
      { name: "empty", data: Buffer.alloc(0) },
    ];
    const zip = writeZip(entries);
    const back = readZip(zip);
    expect(back[0]?.name).toBe("[Content_Types].xml");
    expect(new Map(back.map((e) => [e.name, e.data.toString()]))).toEqual(
      new Map(entries.map((e) => [e.name, e.data.toString()])),
    );
    expect(zip.length).toBeLessThan(2000);
  });

  const python = spawnSync("/usr/bin/python3", ["-c", "import zipfile"]).status === 0;
  it.skipIf(!python)("writes archives that Python's zipfile verifies", () => {
    const file = path.join(dir, "a.zip");
    writeFileSync(
      file,
      writeZip([
        { name: "a.xml", data: Buffer.from("<a/>".repeat(1000)) },
        { name: "b.xml", data: Buffer.from("b") },
      ]),
    );
    const r = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), len(z.read('a.xml')))",
        file,
      ],
      { encoding: "utf8" },
    );
    expect(r.stdout.trim()).toBe("None 4000");
  });
});
