// YAML → typed value or positioned diagnostics. Positions come from the YAML nodes
// themselves, for schema errors as much as for syntax errors.
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from "yaml";
import { z } from "zod";
import { type MessageKey, t } from "../i18n/index.js";
import type { Diagnostic } from "./diagnostics.js";
import type { SourceText } from "./source.js";

/** Far above any honest file, far below an alias bomb's blow-up. */
export const MAX_ALIAS_COUNT = 100;

export type Path = readonly (string | number)[];

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
  source: SourceText;
}

export interface Position {
  line: number;
  col: number;
}

export type ParseOutcome<T> =
  | { ok: true; value: T; parsed: ParsedYaml; diagnostics: Diagnostic[] }
  | { ok: false; parsed?: ParsedYaml; diagnostics: Diagnostic[] };

function diag(
  file: string,
  pos: Position,
  code: string,
  message: string,
  hint?: string,
  severity: Diagnostic["severity"] = "error",
): Diagnostic {
  return { file, line: pos.line, col: pos.col, severity, code, message, ...(hint ? { hint } : {}) };
}

/** Find the node at `path`, or the deepest existing ancestor, and the key node when the last step was a key. */
function locate(doc: Document.Parsed, path: Path): { offset: number; keyOffset?: number; found: boolean } {
  let node: unknown = doc.contents;
  let keyOffset: number | undefined;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node) && typeof seg === "string") {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { offset, found: false };
      keyOffset = rangeStart(pair.key);
      node = pair.value;
      offset = rangeStart(node) ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return { offset, found: false };
      node = item;
      keyOffset = undefined;
      offset = rangeStart(node) ?? offset;
    } else {
      return { offset, found: false };
    }
  }
  return keyOffset === undefined ? { offset, found: true } : { offset, keyOffset, found: true };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range ? range[0] : undefined;
  }
  return undefined;
}

export function positionAt(parsed: ParsedYaml, path: Path, which: "value" | "key" = "value"): Position {
  const found = locate(parsed.doc, path);
  const offset = which === "key" ? (found.keyOffset ?? found.offset) : found.offset;
  return parsed.lines.linePos(offset);
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return t("type.null");
  if (Array.isArray(v)) return t("type.array");
  const key = `type.${typeof v}` as MessageKey;
  return ["string", "number", "boolean", "object", "undefined"].includes(typeof v) ? t(key) : typeof v;
}

function pathText(path: Path): string {
  let s = "";
  for (const seg of path) s += typeof seg === "number" ? `[${seg}]` : s === "" ? seg : `.${seg}`;
  return s;
}

function where(path: Path): string {
  return path.length === 0 ? t("where.root") : t("where.in", { path: pathText(path) });
}

/** The zod schema that describes the value at `path`, to list the keys allowed there. */
function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const seg of [...path, null]) {
    while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) {
      s = s.unwrap() as z.ZodType;
    }
    if (seg === null || s === undefined) break;
    if (s instanceof z.ZodObject && typeof seg === "string") s = (s.shape as Record<string, z.ZodType>)[seg];
    else if (s instanceof z.ZodArray && typeof seg === "number") s = s.element as z.ZodType;
    else return undefined;
  }
  return s;
}

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagPrev = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagPrev + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagPrev = tmp;
    }
  }
  return prev[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** Turn zod issues into diagnostics placed on the offending YAML node. */
export function issuesToDiagnostics(
  parsed: ParsedYaml,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
): Diagnostic[] {
  const file = parsed.source.file;
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    const field = String([...path].reverse().find((p) => typeof p === "string") ?? "");
    const actual = valueAt(value, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const target = schemaAt(schema, path);
        const allowed = target instanceof z.ZodObject ? Object.keys(target.shape as object) : [];
        for (const key of issue.keys) {
          const suggestion = closest(key, allowed);
          out.push(
            diag(
              file,
              positionAt(parsed, [...path, key], "key"),
              "unknown-key",
              t("diag.unknownKey", { key, where: where(path) }),
              suggestion
                ? t("diag.unknownKey.didYouMean", { suggestion })
                : t("diag.unknownKey.allowed", { allowed: allowed.join(", ") }),
            ),
          );
        }
        break;
      }
      case "invalid_type": {
        if (actual === undefined) {
          const parent = path.slice(0, -1);
          out.push(
            diag(
              file,
              positionAt(parsed, parent),
              "missing-field",
              t("diag.missingField", { field, where: where(parent) }),
              t("diag.missingField.hint", { field }),
            ),
          );
        } else {
          const expected = t(`type.${issue.expected === "array" ? "array" : issue.expected}` as MessageKey);
          out.push(
            diag(
              file,
              positionAt(parsed, path),
              "wrong-type",
              t("diag.wrongType", { field: pathText(path), expected, actual: typeName(actual) }),
              issue.expected === "string" ? t("diag.wrongType.hint", { field }) : undefined,
            ),
          );
        }
        break;
      }
      case "invalid_value": {
        out.push(
          diag(
            file,
            positionAt(parsed, path),
            "bad-value",
            t("diag.badValue", { field: pathText(path), value: String(actual) }),
            t("diag.badValue.hint", { allowed: issue.values.map(String).join(", ") }),
          ),
        );
        break;
      }
      case "invalid_format": {
        out.push(
          field === "id"
            ? diag(file, positionAt(parsed, path), "bad-id", t("diag.badId", { value: String(actual) }), t("diag.badId.hint"))
            : diag(file, positionAt(parsed, path), "bad-format", t("diag.invalid", { field, message: issue.message })),
        );
        break;
      }
      case "too_small": {
        const isList = Array.isArray(actual);
        const hintKey: MessageKey | undefined =
          field === "items" ? "diag.emptyList.hint.items" : field === "sections" ? "diag.emptyList.hint.sections" : undefined;
        out.push(
          isList
            ? diag(
                file,
                positionAt(parsed, path, "key"),
                "empty-list",
                t("diag.emptyList", { field: pathText(path) }),
                hintKey ? t(hintKey) : undefined,
              )
            : diag(
                file,
                positionAt(parsed, path),
                "empty-text",
                t("diag.emptyText", { field: pathText(path) }),
                t("diag.emptyText.hint"),
              ),
        );
        break;
      }
      default:
        out.push(
          diag(file, positionAt(parsed, path), "invalid", t("diag.invalid", { field: pathText(path), message: issue.message })),
        );
    }
  }
  return out;
}

/** Parse YAML text into one document; syntax, duplicate keys, alias bombs and empty files become diagnostics. */
export function parseYaml(source: SourceText): { parsed?: ParsedYaml; value?: unknown; diagnostics: Diagnostic[] } {
  const file = source.file;
  const lines = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const first = list[0];
  if (!first || (first.contents === null && first.errors.length === 0)) {
    return { diagnostics: [diag(file, { line: 1, col: 1 }, "empty", t("diag.empty"), t("diag.empty.hint"))] };
  }
  const parsed: ParsedYaml = { doc: first, lines, source };
  const diagnostics: Diagnostic[] = [];
  for (const err of list.flatMap((d) => d.errors)) {
    const pos = lines.linePos(err.pos[0]);
    if (err.code === "DUPLICATE_KEY") {
      const key = source.text.slice(err.pos[0], err.pos[1]).trim();
      diagnostics.push(
        diag(file, pos, "duplicate-key", t("diag.duplicateKey", { key }), t("diag.duplicateKey.hint")),
      );
    } else {
      const message = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? err.message;
      diagnostics.push(diag(file, pos, "yaml-syntax", t("diag.syntax", { message }), t("diag.syntax.hint")));
    }
  }
  if (diagnostics.length > 0) return { parsed, diagnostics };
  const second = list[1];
  if (second) {
    const offset = rangeStart(second.contents) ?? second.range[0];
    return {
      parsed,
      diagnostics: [diag(file, lines.linePos(offset), "multiple-documents", t("diag.multiDoc"), t("diag.multiDoc.hint"))],
    };
  }
  try {
    const value: unknown = first.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { parsed, value, diagnostics };
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      return {
        parsed,
        diagnostics: [diag(file, { line: 1, col: 1 }, "alias-bomb", t("diag.aliasBomb"), t("diag.aliasBomb.hint"))],
      };
    }
    const message = (e as Error).message;
    return { parsed, diagnostics: [diag(file, { line: 1, col: 1 }, "yaml-syntax", t("diag.syntax", { message }))] };
  }
}

/** Parse and check against a zod schema: a typed value, or every problem with its position. */
export function parseWithSchema<S extends z.ZodType>(source: SourceText, schema: S): ParseOutcome<z.infer<S>> {
  const { parsed, value, diagnostics } = parseYaml(source);
  if (!parsed || diagnostics.length > 0) return { ok: false, ...(parsed ? { parsed } : {}), diagnostics };
  const result = schema.safeParse(value);
  if (!result.success) {
    return { ok: false, parsed, diagnostics: issuesToDiagnostics(parsed, value, result.error.issues, schema) };
  }
  return { ok: true, value: result.data, parsed, diagnostics: [] };
}

export { diag as makeDiagnostic };
