// Reading an input file safely: size limit before parsing, BOM removal, UTF-8 or a clear refusal.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { t } from "../i18n/index.js";
import type { Diagnostic } from "./diagnostics.js";

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface SourceText {
  file: string;
  /** The text with any UTF-8 BOM removed (CRLF kept: positions stay true to the file). */
  text: string;
  /** sha256 of `text`. */
  hash: string;
}

export type ReadResult = { ok: true; source: SourceText } | { ok: false; diagnostic: Diagnostic };

const at1 = (file: string, code: string, message: string, hint?: string): Diagnostic => ({
  file,
  line: 1,
  col: 1,
  severity: "error",
  code,
  message,
  ...(hint ? { hint } : {}),
});

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Guess what a non-UTF-8 file is, for the message only. */
function guessEncoding(bytes: Buffer): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return "UTF-16";
  }
  try {
    const decoded = new TextDecoder("gb18030", { fatal: true }).decode(bytes);
    if (/[\u4e00-\u9fff]/.test(decoded)) return "GBK/GB18030";
  } catch {
    // not GBK either
  }
  return "an unknown encoding";
}

export function readSource(file: string, maxBytes = MAX_FILE_BYTES): ReadResult {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > maxBytes) {
      const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
      return {
        ok: false,
        diagnostic: at1(
          file,
          "file-too-large",
          t("diag.tooLarge", { size: mb(size), limit: mb(maxBytes) }),
          t("diag.tooLarge.hint"),
        ),
      };
    }
    bytes = readFileSync(file);
  } catch (e) {
    return {
      ok: false,
      diagnostic: at1(file, "unreadable", t("diag.unreadable", { message: (e as Error).message })),
    };
  }
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(hasBom ? bytes.subarray(3) : bytes);
  } catch {
    return {
      ok: false,
      diagnostic: at1(
        file,
        "not-utf8",
        t("diag.notUtf8", { encoding: guessEncoding(bytes) }),
        t("diag.notUtf8.hint"),
      ),
    };
  }
  return { ok: true, source: { file, text, hash: sha256(text) } };
}
