// Reading an input file safely: a regular file only, size limit counted while reading (before
// any parsing), BOM removal, UTF-8 or a clear refusal.
import { createRequire } from "node:module";
import { type MessageKey, t } from "../i18n/index.js";
import { LIMITS, megabytes } from "../input/limits.js";
import type { InputKind } from "../input/messages.js";
import { readBounded } from "../input/read.js";
import type { Diagnostic } from "./diagnostics.js";

export const MAX_FILE_BYTES = LIMITS.checklistBytes;

/** The byte limit of each kind of YAML input. */
const YAML_LIMITS: Record<Extract<InputKind, "checklist" | "answers" | "template">, number> = {
  checklist: LIMITS.checklistBytes,
  answers: LIMITS.answersBytes,
  template: LIMITS.templateBytes,
};

export interface SourceText {
  file: string;
  /** The text with any UTF-8 BOM removed (CRLF kept: positions stay true to the file). */
  text: string;
  /** sha256 of `text` (computed when first read: most commands never need it). */
  readonly hash: string;
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

// node:crypto takes ~5 ms to load; `validate` and `list` never hash, so it is required on first use.
const requireBuiltin = createRequire(import.meta.url);

export function sha256(text: string): string {
  const { createHash } = requireBuiltin("node:crypto") as typeof import("node:crypto");
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A SourceText whose hash is computed on first read. */
export function sourceText(file: string, text: string): SourceText {
  let hash: string | undefined;
  return {
    file,
    text,
    get hash() {
      hash ??= sha256(text);
      return hash;
    },
  };
}

/** Guess what a non-UTF-8 file is, for the message only. */
function guessEncoding(bytes: Buffer): string {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return "UTF-16";
  }
  try {
    const decoded = new TextDecoder("gb18030", { fatal: true }).decode(bytes);
    if (/[\u4e00-\u9fff]/.test(decoded)) return "GBK/GB18030";
  } catch {
    // not GBK either
  }
  return t("diag.notUtf8.unknownEncoding");
}

/** Offset of the first byte that breaks UTF-8, so the message can point at its line. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    const c1 = bytes[i + 1] ?? 0;
    if (
      (b === 0xe0 && c1 < 0xa0) ||
      (b === 0xed && c1 > 0x9f) ||
      (b === 0xf0 && c1 < 0x90) ||
      (b === 0xf4 && c1 > 0x8f)
    ) {
      return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * 1-based line and column (in characters) of the first bad byte. A GBK character can look
 * like a valid UTF-8 pair, so the column goes back to the start of the run of non-ASCII
 * bytes: where the Chinese text that needs re-saving begins.
 */
function bytePosition(bytes: Uint8Array, bad: number): { line: number; col: number } {
  let offset = bad;
  while (offset > 0 && bytes[offset - 1]! >= 0x80) offset--;
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes.subarray(lineStart, offset));
  return { line, col: [...before].length + 1 };
}

export function readSource(
  file: string,
  what: keyof typeof YAML_LIMITS = "checklist",
  maxBytes: number = YAML_LIMITS[what],
): ReadResult {
  const read = readBounded(file, maxBytes);
  if (!read.ok) {
    const r = read.refusal;
    if (r.kind === "too-large") {
      // Rounded up, so a file just over the limit never reads as "5.0 MB, over the 5.0 MB limit".
      const mb = (n: number) => String(Math.ceil((n / 1024 / 1024) * 10) / 10);
      return {
        ok: false,
        diagnostic: at1(
          file,
          "file-too-large",
          t("diag.tooLarge", { size: mb(r.size), limit: megabytes(r.limit) }),
          t(`diag.tooLarge.hint.${what}` as MessageKey),
        ),
      };
    }
    if (r.kind === "not-regular") {
      return {
        ok: false,
        diagnostic: at1(
          file,
          "not-regular-file",
          t("diag.notRegular", { kind: t(`input.kind.${r.fileKind}` as MessageKey) }),
          t("input.notRegular.hint"),
        ),
      };
    }
    return { ok: false, diagnostic: at1(file, "unreadable", t("diag.unreadable", { message: r.message })) };
  }
  const bytes = read.bytes;
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      hasBom ? bytes.subarray(3) : bytes,
    );
  } catch {
    const body = hasBom ? bytes.subarray(3) : bytes;
    const bad = firstInvalidUtf8(body);
    return {
      ok: false,
      diagnostic: {
        ...at1(
          file,
          "not-utf8",
          t("diag.notUtf8", { encoding: guessEncoding(bytes) }),
          t("diag.notUtf8.hint"),
        ),
        ...(bad >= 0 ? bytePosition(body, bad) : {}),
      },
    };
  }
  return { ok: true, source: sourceText(file, text) };
}
