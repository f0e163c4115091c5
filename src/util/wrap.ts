// Wrapping text for a terminal by display width (a CJK character takes two columns): Latin
// words move whole to the next line, CJK text breaks between characters, and no line starts
// with closing punctuation (、，。）」…) nor ends with opening punctuation (（「《…) — the
// line-breaking rules (禁则) of Chinese typesetting. A library implementing the whole Unicode
// algorithm (UAX #14) took ~15 ms to load; the rules a checklist's text needs fit here.
import stringWidth from "string-width";

/** May not start a line: closing brackets and quotes, and the punctuation that follows a word. */
const NO_START = new Set([
  ..."、，。．：；？！）」』】〕〉》”’〗〙〛｝］％‰…‥—～·•ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ",
  ...",.;:?!)]}%",
]);
/** May not end a line: opening brackets and quotes. */
const NO_END = new Set([..."（「『【〔〈《“‘〖〘〚｛［", ..."([{"]);

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

/** Pieces between which a line may break: a Latin word (with what sticks to it), a space, or one wide character. */
function pieces(text: string): string[] {
  return (
    text.match(
      /[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]+|\s+|./gsu,
    ) ?? []
  );
}

const width = (s: string): number => (/^[\u0020-\u007e]*$/.test(s) ? s.length : stringWidth(s));

/**
 * Glue the pieces that must stay together: closing punctuation to what comes before it, opening
 * punctuation to what comes after it.
 */
function units(text: string): string[] {
  const out: string[] = [];
  let carry = "";
  for (const p of pieces(text)) {
    const first = [...p][0] ?? "";
    const last = [...p].at(-1) ?? "";
    if (/^\s+$/.test(p)) {
      if (carry) {
        out.push(carry);
        carry = "";
      }
      out.push(p);
      continue;
    }
    const piece = carry + p;
    carry = "";
    if (NO_START.has(first) && out.length > 0 && !/^\s+$/.test(out.at(-1) ?? "")) {
      out[out.length - 1] += piece;
    } else out.push(piece);
    if (NO_END.has(last) && WIDE.test(last)) carry = out.pop() ?? "";
    else if (NO_END.has(last) && piece.length === 1) carry = out.pop() ?? "";
  }
  if (carry) out.push(carry);
  return out;
}

/** Cut a unit wider than a line into lines of at most `columns` display columns. */
function hardCut(unit: string, columns: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const ch of unit) {
    if (width(line + ch) > columns && line !== "") {
      lines.push(line);
      line = "";
    }
    line += ch;
  }
  if (line) lines.push(line);
  return lines;
}

/** Lines of at most `columns` display columns (one unit wider than a line is cut where it falls). */
export function wrapText(text: string, columns: number): string[] {
  const cols = Math.max(4, Math.floor(columns));
  const out: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = "";
    for (const unit of units(paragraph)) {
      const blank = /^\s+$/.test(unit);
      if (width(line + unit) <= cols) {
        line += unit;
        continue;
      }
      if (blank) {
        out.push(line);
        line = "";
        continue;
      }
      if (line.trim() !== "") out.push(line.trimEnd());
      line = "";
      if (width(unit) <= cols) line = unit;
      else {
        const cut = hardCut(unit, cols);
        out.push(...cut.slice(0, -1));
        line = cut.at(-1) ?? "";
      }
    }
    out.push(line.trimEnd());
  }
  return out;
}

/** The same lines with `indent` before every line after the first (for text after a label). */
export function wrapIndented(text: string, columns: number, indent: string): string {
  const lines = wrapText(text, columns - width(indent));
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`)).join("\n");
}

/** Pad to a display width (CJK counts two), for lists whose columns must line up. */
export function padDisplay(text: string, columns: number, where: "start" | "end" = "end"): string {
  const pad = " ".repeat(Math.max(0, columns - width(text)));
  return where === "start" ? `${pad}${text}` : `${text}${pad}`;
}
