// Reading input files: the size limit comes before any decoding, a BOM is dropped,
// and a file that is not UTF-8 (GBK from Notepad, UTF-16) is refused with how to fix it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/index.js";
import { firstInvalidUtf8, MAX_FILE_BYTES, readSource } from "./source.js";

const FIXTURES = path.resolve("test/fixtures/checklists");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lookback-source-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => setLang("en"));

function write(name: string, data: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
}

describe("readSource", () => {
  it("refuses a file over 5 MB before reading it", () => {
    // Invalid UTF-8 throughout: had it been decoded, the complaint would be the encoding.
    const file = write("big.yaml", Buffer.alloc(MAX_FILE_BYTES + 1, 0xff));
    const r = readSource(file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic).toMatchObject({ code: "file-too-large", line: 1, col: 1, severity: "error" });
      expect(r.diagnostic.message).toBe("File is 5.1 MB, over the 5 MB limit; it was not read.");
    }
  });

  it("accepts a file of exactly the limit", () => {
    const file = write("edge.yaml", Buffer.alloc(MAX_FILE_BYTES, 0x20));
    expect(readSource(file).ok).toBe(true);
  });

  it("drops a UTF-8 BOM and keeps CRLF, so positions match the file", () => {
    const r = readSource(path.join(FIXTURES, "bom-crlf.yaml"));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.source.text.startsWith("# yaml-language-server")).toBe(true);
      expect(r.source.text).toContain("\r\n");
    }
  });

  it("refuses a GBK file, pointing at the first Chinese text and saying how to re-save it", () => {
    const r = readSource(path.join(FIXTURES, "gbk.yaml"));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      // Line 4 is `title: 测试清单`: the Chinese starts at column 8.
      expect(r.diagnostic).toMatchObject({ code: "not-utf8", line: 4, col: 8 });
      expect(r.diagnostic.message).toContain("not saved as UTF-8");
      expect(r.diagnostic.message).toContain("GBK");
      expect(r.diagnostic.hint).toContain("Save As");
      expect(r.diagnostic.hint).toContain("UTF-8");
    }
  });

  it("says the same in Chinese", () => {
    setLang("zh-CN");
    const r = readSource(path.join(FIXTURES, "gbk.yaml"));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic.message).toBe(
        "文件不是 UTF-8 编码（看起来是 GBK/GB18030），其中的中文无法正确读取。",
      );
      expect(r.diagnostic.hint).toContain("另存为");
    }
  });

  it("recognises UTF-16", () => {
    const file = write(
      "utf16.yaml",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("id: x\n", "utf16le")]),
    );
    const r = readSource(file);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic.message).toContain("UTF-16");
  });

  it("reports an unreadable path as a diagnostic, not a crash", () => {
    const r = readSource(path.join(dir, "missing.yaml"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic.code).toBe("unreadable");
  });
});

describe("firstInvalidUtf8", () => {
  it("finds the first byte that breaks UTF-8", () => {
    expect(firstInvalidUtf8(Buffer.from("学习 ok", "utf8"))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xff]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xe5, 0xad]))).toBe(0); // cut short
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0x80]))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
  });
});
