// Display width: how many terminal columns a string takes (a CJK character takes two, a
// combining mark none), as string-width counts them. string-width builds an emoji regex per
// character, segments every string and creates its Intl.Segmenter on load (~10 ms): a
// 30,000-row table measured with it took seconds, and every --help paid the segmenter. Plain
// ASCII and plain CJK text — nearly everything lookback prints — take a loop over char codes;
// strings with emoji, marks, escapes or astral characters are segmented (the segmenter made on
// first need) and counted by string-width's rules, but for one: string-width 7 counts every
// pictograph two columns, © ™ ✔ ❤ included, which terminals draw in one; here only emoji shown
// as emoji (RGI emoji: ✅, ❤️, 👍🏽) take two. A test holds the two equal on everything else.
import { eastAsianWidth } from "get-east-asian-width";
import stripAnsi from "strip-ansi";

/** Characters whose width needs grapheme segmentation or ANSI stripping. */
const COMPLEX =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence (colour) takes no columns.
  /[\x1b\x9b\p{M}\p{Extended_Pictographic}\p{Default_Ignorable_Code_Point}\u{10000}-\u{10FFFF}\uD800-\uDFFF]/u;
const ASCII = /^[\x20-\x7e]*$/;
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

let segmenter: Intl.Segmenter | undefined;
let emoji: RegExp | undefined;
function segments(s: string) {
  segmenter ??= new Intl.Segmenter();
  return segmenter.segment(s);
}
// Built at run time: the `v` flag (RGI emoji sequences) is newer than the language level compiled to.
const SETS: string = "v";
function isEmoji(g: string): boolean {
  emoji ??= new RegExp("^\\p{RGI_Emoji}$", SETS);
  return emoji.test(g);
}

/** The width of one grapheme cluster, by string-width's rules. */
function clusterWidth(g: string): number {
  const c = g.codePointAt(0) ?? 0;
  if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return 0;
  if ((c >= 0x200b && c <= 0x200f) || c === 0xfeff) return 0;
  if (
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    (c >= 0xfe20 && c <= 0xfe2f)
  )
    return 0;
  if ((c >= 0xd800 && c <= 0xdfff) || (c >= 0xfe00 && c <= 0xfe0f)) return 0;
  if (IGNORABLE.test(g)) return 0;
  if (isEmoji(g)) return 2;
  return eastAsianWidth(c);
}

function complexWidth(s: string): number {
  let width = 0;
  for (const { segment } of segments(stripAnsi(s))) width += clusterWidth(segment);
  return width;
}

/** Columns of one UTF-16 unit of a string with no complex characters; the common CJK blocks first. */
function unitWidth(c: number): number {
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return 0;
  if (c < 0x7f) return 1;
  // CJK ideographs, kana, CJK punctuation, hangul, full-width forms: all wide.
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x30ff && c !== 0x303f)) return 2;
  if ((c >= 0xac00 && c <= 0xd7a3) || (c >= 0xff01 && c <= 0xff60)) return 2;
  return eastAsianWidth(c);
}

export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  if (COMPLEX.test(s)) return complexWidth(s);
  let width = 0;
  for (let i = 0; i < s.length; i++) width += unitWidth(s.charCodeAt(i));
  return width;
}

/** The user-perceived characters of a string, each with its width: for cutting without splitting one. */
function* graphemes(s: string): Generator<{ text: string; width: number }> {
  if (!COMPLEX.test(s)) {
    for (const ch of s) yield { text: ch, width: displayWidth(ch) };
    return;
  }
  for (const { segment } of segments(s)) yield { text: segment, width: displayWidth(segment) };
}

/** The longest head of `s` that fits in `width` columns. */
function head(s: string, width: number): string {
  if (!COMPLEX.test(s)) {
    let used = 0;
    let i = 0;
    for (; i < s.length; i++) {
      const w = unitWidth(s.charCodeAt(i));
      if (used + w > width) break;
      used += w;
    }
    return s.slice(0, i);
  }
  let out = "";
  let used = 0;
  for (const g of graphemes(s)) {
    if (used + g.width > width) break;
    out += g.text;
    used += g.width;
  }
  return out;
}

/** The longest tail of `s` that fits in `width` columns. */
function tail(s: string, width: number): string {
  if (!COMPLEX.test(s)) {
    let used = 0;
    let i = s.length;
    for (; i > 0; i--) {
      const w = unitWidth(s.charCodeAt(i - 1));
      if (used + w > width) break;
      used += w;
    }
    return s.slice(i);
  }
  const all = [...graphemes(s)];
  let used = 0;
  let i = all.length;
  while (i > 0 && used + all[i - 1]!.width <= width) used += all[--i]!.width;
  return all
    .slice(i)
    .map((g) => g.text)
    .join("");
}

/**
 * Cut `s` to at most `width` columns, marking the cut with "…": at the end; in the middle
 * (names of one county share their beginning: 南昌县莲塘…一中学 keeps what tells them apart);
 * or at the start (a path, whose file name matters most). `known` is the width of `s` when
 * the caller has measured it already.
 */
export type Cut = "end" | "middle" | "start";

export function truncate(s: string, width: number, where: Cut = "end", known?: number): string {
  const w = known ?? displayWidth(s);
  if (w <= width) return s;
  if (width <= 1) return width === 1 ? "…" : "";
  if (where === "start") return `…${tail(s, width - 1)}`;
  if (where === "middle") {
    // A third before the cut, two thirds after: the end of a name is what tells it apart.
    const front = head(s, Math.floor((width - 1) / 3));
    const back = tail(s, width - 1 - displayWidth(front));
    return `${front}…${back}`;
  }
  return `${head(s, width - 1)}…`;
}

export function padEnd(s: string, width: number, known?: number): string {
  const w = known ?? displayWidth(s);
  return w >= width ? s : s + " ".repeat(width - w);
}

export function padStart(s: string, width: number, known?: number): string {
  const w = known ?? displayWidth(s);
  return w >= width ? s : " ".repeat(width - w) + s;
}

// Line breaking. A line may break after a space, or between two CJK characters; never
// before closing punctuation (，。、）」 …) nor after opening punctuation (（「“ …), the
// basic rule of Chinese typesetting (避头尾).
const NO_LINE_START = new Set([..."，。、；：？！）」』】〕〉》”’…—·%,.;:?!)]}"]);
const NO_LINE_END = new Set([..."（「『【〔〈《“‘([{"]);

/** Wrap one paragraph to `width` columns. Spaces at a break are dropped; a word longer than a line is cut. */
function wrapParagraph(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let lineWidth = 0;
  // The last place the line may break: index into `line`, and the width up to there.
  let breakAt = -1;
  let breakWidth = 0;
  let breakSkipsSpace = false;
  let prev = "";
  for (const g of graphemes(text)) {
    const ch = g.text;
    if (ch === " " && line === "") continue;
    const wideBoundary = (g.width === 2 || displayWidth(prev) === 2) && prev !== "" && prev !== " ";
    if (ch === " ") {
      breakAt = line.length;
      breakWidth = lineWidth;
      breakSkipsSpace = true;
    } else if (wideBoundary && !NO_LINE_START.has(ch) && !NO_LINE_END.has(prev)) {
      breakAt = line.length;
      breakWidth = lineWidth;
      breakSkipsSpace = false;
    }
    if (lineWidth + g.width > width && line.trim() !== "" && ch !== " ") {
      if (breakAt > 0) {
        lines.push(line.slice(0, breakAt).trimEnd());
        const skip = breakSkipsSpace ? 1 : 0;
        line = line.slice(breakAt + skip);
        lineWidth -= breakWidth + skip;
      }
      // No place to break, or what is left still does not fit: cut it where it is.
      if (lineWidth + g.width > width && line !== "") {
        lines.push(line.trimEnd());
        line = "";
        lineWidth = 0;
      }
      breakAt = -1;
    }
    line += ch;
    lineWidth += g.width;
    prev = ch;
  }
  if (line.trim() !== "" || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** Wrap text to `width` display columns; existing line breaks are kept. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  return text.split(/\r?\n/).flatMap((p) => (displayWidth(p) <= w ? [p] : wrapParagraph(p, w)));
}

/** `text` wrapped to `width`, every line after `indent` spaces, each styled (colour goes on after measuring). */
export function paragraph(
  text: string,
  width: number,
  indent = 0,
  style: (s: string) => string = (x) => x,
): string {
  const pad = " ".repeat(indent);
  return wrap(text, width - indent)
    .map((l) => pad + style(l))
    .join("\n");
}
