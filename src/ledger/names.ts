// File and sheet names built from unit names typed by people: safe on Windows and POSIX
// alike (a clerk opens them on Windows), never a path, never a device name, unique within one
// export.

/** Characters Windows refuses in a file name, plus the path separators of every system. */
const FORBIDDEN = /[/\\:*?"<>|]/g;
/** C0 and C1 controls, and the bidi overrides that can disguise an extension (…xslx.exe). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** CON, PRN, AUX, NUL, COM1-9, LPT1-9 (also with superscript digits), with or without an extension. */
const RESERVED =
  /^(con|prn|aux|nul|com[1-9\u00b9\u00b2\u00b3]|lpt[1-9\u00b9\u00b2\u00b3]|conin\$|conout\$)$/i;

/** Bytes of a name: ext4 and most systems cap a name at 255 bytes; we stay well under. */
export const MAX_NAME_BYTES = 200;
const FALLBACK = "unit";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

let segmenter: Intl.Segmenter | undefined;

/** Cut `s` to at most `max` UTF-8 bytes without splitting a character (a grapheme, so no half emoji). */
export function truncateBytes(s: string, max: number): string {
  if (bytes(s) <= max) return s;
  let out = "";
  let used = 0;
  // Created on first need: loading the segmentation data costs more than most exports' long names.
  segmenter ??= new Intl.Segmenter("zh", { granularity: "grapheme" });
  for (const { segment } of segmenter.segment(s)) {
    const b = bytes(segment);
    if (used + b > max) break;
    out += segment;
    used += b;
  }
  return out;
}

/** Leading dots and spaces (hidden files, odd names), trailing dots and spaces (Windows drops them). */
const trimEnds = (s: string) => s.replace(/^[\s.]+/u, "").replace(/[\s.]+$/u, "");

/**
 * Make one name part safe: no separators, no controls, no hidden or trailing-dot names, no device
 * names, at most `maxBytes` bytes. Never empty.
 */
export function sanitizeFileStem(name: string, maxBytes = MAX_NAME_BYTES): string {
  return guardReserved(cleanStem(name, maxBytes));
}

/** Everything but the device-name check, which belongs to the whole name once the suffix is on. */
function cleanStem(name: string, maxBytes: number): string {
  let s = name.normalize("NFC").replace(CONTROL, "").replace(FORBIDDEN, "_");
  s = s.replace(/\s+/gu, " ");
  s = trimEnds(s);
  s = trimEnds(truncateBytes(s, maxBytes));
  return s === "" ? FALLBACK : s;
}

/** Windows treats "CON", "con.txt", "CON.x-整改台账.xlsx" alike: the part before the first dot decides. */
const guardReserved = (name: string): string =>
  RESERVED.test((name.split(".")[0] ?? "").trimEnd()) ? `_${name}` : name;

/** A key under which two names collide on a case-insensitive file system (Windows, macOS). */
const foldKey = (name: string) => name.normalize("NFC").toLowerCase();

/** The name as a person reads it, before it is made safe: NFC, one space between words. */
const plain = (name: string) => name.normalize("NFC").replace(/\s+/gu, " ").trim();

/** The first characters of a unit's id: enough to tell two units apart, stable across exports. */
const ID_MARK_CHARS = 8;

/**
 * File names for several units at once: `<unit><suffix><ext>`, each safe and unique among
 * themselves and against `taken` (e.g. the summary file). A unit given with its id whose name
 * cannot be used as it is (a character Windows refuses, a name cut short) gets `~` and the start
 * of its id after the name: `a/b` and `a:b` are `a_b~3f2a9c1e` and `a_b~77c0d412`, the same in
 * every export, never one file for two units. Colliding names still get `(2)`, `(3)`… after the
 * unit part, as a last guard; the order of `units` decides who keeps the plain name then.
 */
export function uniqueFileNames(
  units: readonly (string | { name: string; id: string })[],
  opts: { suffix: string; ext: string; taken?: readonly string[]; maxBytes?: number },
): string[] {
  const namer = new FileNamer(opts);
  return units.map((unit) => namer.name(unit));
}

/**
 * uniqueFileNames one name at a time, in the order the units come: a province's units need not
 * be held to be named. `used` (the names given so far) may be handed to a namer of other names
 * that must differ from these.
 */
export class FileNamer {
  readonly used: Set<string>;
  private readonly budget: number;
  constructor(
    private readonly opts: {
      suffix: string;
      ext: string;
      taken?: readonly string[];
      maxBytes?: number;
      used?: Set<string>;
    },
  ) {
    this.used = opts.used ?? new Set();
    for (const t of opts.taken ?? []) this.used.add(foldKey(t));
    const maxBytes = opts.maxBytes ?? MAX_NAME_BYTES;
    // Room for the suffix, the extension, an id mark and a "(9999)" counter.
    this.budget = Math.max(8, maxBytes - bytes(opts.suffix) - bytes(opts.ext) - 6 - (ID_MARK_CHARS + 1));
  }

  name(unit: string | { name: string; id: string }): string {
    const name = typeof unit === "string" ? unit : unit.name;
    let stem = cleanStem(name, this.budget);
    if (typeof unit !== "string" && stem !== plain(name)) stem = `${stem}~${unit.id.slice(0, ID_MARK_CHARS)}`;
    for (let n = 1; ; n++) {
      const file = guardReserved(`${stem}${n === 1 ? "" : `(${n})`}${this.opts.suffix}${this.opts.ext}`);
      const key = foldKey(file);
      if (!this.used.has(key)) {
        this.used.add(key);
        return file;
      }
    }
  }
}

/** Excel: at most 31 characters, none of : \ / ? * [ ], not blank, not "History". */
const SHEET_FORBIDDEN = /[:\\/?*[\]]/g;
export const MAX_SHEET_CHARS = 31;

/** Valid and unique sheet names, in order. Apostrophes become ’ (exceljs does not quote them in print titles). */
export function uniqueSheetNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((raw) => {
    let base = raw
      .normalize("NFC")
      .replace(CONTROL, "")
      .replace(SHEET_FORBIDDEN, "_")
      .replace(/'/g, "’")
      .trim();
    if (base === "" || base.toLowerCase() === "history") base = `Sheet${used.size + 1}`;
    for (let n = 1; ; n++) {
      const tail = n === 1 ? "" : `(${n})`;
      // Excel counts UTF-16 units; cut between code points so no surrogate is left alone.
      let head = "";
      for (const ch of base) {
        if (head.length + ch.length > MAX_SHEET_CHARS - tail.length) break;
        head += ch;
      }
      const name = head.trimEnd() + tail;
      if (!used.has(name.toLowerCase())) {
        used.add(name.toLowerCase());
        return name;
      }
    }
  });
}

/** An extension worth keeping as it is: a dot and up to 10 letters or digits. */
const EXTENSION = /\.[\p{L}\p{N}]{1,10}$/u;

/**
 * Names for files a person named (evidence: `签到表.jpg`, `CON.jpg`, `../x.pdf`, `a. `), each
 * safe on Windows and POSIX, never a path, unique among themselves (a case-insensitive file system
 * counts `A.jpg` and `a.JPG` as one): the extension kept, `(2)` before it on a clash.
 */
export function uniqueEntryNames(names: readonly string[], maxBytes = MAX_NAME_BYTES): string[] {
  const used = new Set<string>();
  return names.map((raw) => {
    const base = raw.normalize("NFC").split(/[/\\]/).at(-1) ?? "";
    const ext = trimEnds(base).match(EXTENSION)?.[0]?.replace(FORBIDDEN, "_").replace(CONTROL, "") ?? "";
    const stem = cleanStem(
      ext ? trimEnds(base).slice(0, -ext.length) : base,
      Math.max(16, maxBytes - bytes(ext) - 8),
    );
    for (let n = 1; ; n++) {
      const name = guardReserved(`${stem}${n === 1 ? "" : `(${n})`}${ext}`);
      const key = foldKey(name);
      if (!used.has(key)) {
        used.add(key);
        return name;
      }
    }
  });
}
