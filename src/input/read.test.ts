// Reading files from outside: regular files only, refused at once otherwise (a FIFO never
// blocks), and capped while reading, whatever stat says.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyBounded, readBounded } from "./read.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-read-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasMkfifo = process.platform !== "win32" && spawnSync("mkfifo", ["--version"]).status === 0;

describe("readBounded", () => {
  it("reads a regular file, also through a symbolic link", () => {
    const file = path.join(dir, "a.txt");
    writeFileSync(file, "学习 ok");
    symlinkSync(file, path.join(dir, "link.txt"));
    for (const f of [file, path.join(dir, "link.txt")]) {
      const r = readBounded(f, 100);
      expect(r.ok && r.bytes.toString("utf8")).toBe("学习 ok");
    }
  });

  it("refuses past the limit, and accepts exactly the limit", () => {
    const file = path.join(dir, "big.txt");
    writeFileSync(file, Buffer.alloc(1000, 0x61));
    expect(readBounded(file, 999)).toMatchObject({ ok: false, refusal: { kind: "too-large", limit: 999 } });
    expect(readBounded(file, 1000).ok).toBe(true);
  });

  it("counts what it reads, not what stat says: a /proc file reports size 0", () => {
    const r = readBounded("/proc/self/status", 10);
    expect(r).toMatchObject({ ok: false, refusal: { kind: "too-large" } });
  });

  it.skipIf(!existsSync("/dev/zero"))("refuses a device without reading it", () => {
    expect(readBounded("/dev/zero", 1024)).toEqual({
      ok: false,
      refusal: { kind: "not-regular", fileKind: "device" },
    });
  });

  it.skipIf(!hasMkfifo)("refuses a FIFO at once, with no writer and nothing to read", () => {
    const fifo = path.join(dir, "pipe.yaml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const t0 = Date.now();
    expect(readBounded(fifo, 1024)).toEqual({
      ok: false,
      refusal: { kind: "not-regular", fileKind: "fifo" },
    });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it.skipIf(process.platform === "win32")("refuses a socket and a folder", async () => {
    const sock = path.join(dir, "s.sock");
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(readBounded(sock, 10)).toMatchObject({ ok: false, refusal: { kind: "not-regular" } });
    } finally {
      server.close();
    }
    expect(readBounded(dir, 10)).toEqual({
      ok: false,
      refusal: { kind: "not-regular", fileKind: "directory" },
    });
  });

  it("says a missing file is missing", () => {
    expect(readBounded(path.join(dir, "nope"), 10)).toMatchObject({
      ok: false,
      refusal: { kind: "missing" },
    });
  });
});

describe("copyBounded", () => {
  it("copies a regular file and refuses one past the limit", () => {
    const file = path.join(dir, "c.bin");
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
    const dest = path.join(dir, "c.copy");
    expect(copyBounded(file, dest, 4 * 1024 * 1024)).toEqual({ ok: true, bytes: 3 * 1024 * 1024 });
    expect(copyBounded(file, path.join(dir, "c2.copy"), 1024 * 1024)).toMatchObject({
      ok: false,
      refusal: { kind: "too-large" },
    });
  });
});
