// YAML → typed value or positioned diagnostics. Positions come from the YAML nodes
// themselves, for schema errors as much as for syntax errors.
import type { Document, LineCounter, YAMLError } from "yaml";
// zod's core, not the classic or mini API: works with schemas built with either.
import * as z from "zod/v4/core";
import { type MessageKey, t } from "../i18n/index.js";
import { LIMITS } from "../input/limits.js";
import { closest } from "../util/similar.js";
import type { Diagnostic } from "./diagnostics.js";
import { quickYamlValue } from "./fast.js";
import { yamlLib } from "./lib.js";
import type { SourceText } from "./source.js";

/** Far above any honest file, far below an alias bomb's blow-up (the yaml library's own default). */
export const MAX_ALIAS_COUNT = 100;

export type Path = readonly (string | number)[];

export interface ParsedYaml {
  /**
   * The document as `yaml` nodes, which know their positions. After the quick pass
   * (src/yaml/fast.ts) it is composed only when first read, i.e. when a diagnostic needs a position.
   */
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly source: SourceText;
}

export interface Position {
  line: number;
  col: number;
}

export type ParseOutcome<T> =
  | {
      ok: true;
      value: T;
      /** The value as parsed, before the schema: it keeps keys such as `__proto__` that an object rebuilt by zod drops. */
      raw: unknown;
      parsed: ParsedYaml;
      diagnostics: Diagnostic[];
    }
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

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range ? range[0] : undefined;
  }
  return undefined;
}

/** The YAML node at `path` (or its deepest existing ancestor), and the key node when the last step was a key. */
function locate(doc: Document.Parsed, path: Path): { node: unknown; offset: number; keyOffset?: number } {
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  let node: unknown = doc.contents;
  let keyOffset: number | undefined;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node) && typeof seg === "string") {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return { node: undefined, offset };
      keyOffset = rangeStart(pair.key);
      node = pair.value;
      offset = rangeStart(node) ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return { node: undefined, offset };
      node = item;
      keyOffset = undefined;
      offset = rangeStart(node) ?? offset;
    } else {
      return { node: undefined, offset };
    }
  }
  return keyOffset === undefined ? { node, offset } : { node, offset, keyOffset };
}

/** 1-based line and column of the node at `path` (its key with which="key"); the nearest ancestor if absent. */
export function positionAt(parsed: ParsedYaml, path: Path, which: "value" | "key" = "value"): Position {
  const found = locate(parsed.doc, path);
  const offset = which === "key" ? (found.keyOffset ?? found.offset) : found.offset;
  return parsed.lines.linePos(offset);
}

/** The text of the scalar at `path` exactly as written in the file (e.g. `1.0`, not the number 1). */
function sourceAt(parsed: ParsedYaml, path: Path): string | undefined {
  const { node } = locate(parsed.doc, path);
  if (!yamlLib().isScalar(node) || !node.range) return undefined;
  return parsed.source.text.slice(node.range[0], node.range[1]).trim();
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
  switch (typeof v) {
    case "string":
      return t("type.string");
    case "number":
      return Number.isFinite(v) ? t("type.number") : t("type.notFinite");
    case "boolean":
      return t("type.boolean");
    case "object":
      return t("type.object");
    default:
      return typeof v;
  }
}

/** Lists whose elements have a name in the catalogs ("section 2", "第 2 个环节"). */
const KNOWN_LISTS = new Set(["sections", "items", "method", "override", "remove", "grades", "verifies"]);

/** Words for a list element: "section 2 `opinions`" / "第 2 个环节 `opinions`". */
function elementLabel(list: string, index: number, element: unknown, withId = true): string {
  const id =
    withId && element && typeof element === "object" && !Array.isArray(element) && "id" in element
      ? (element as { id: unknown }).id
      : undefined;
  const n = index + 1;
  const known = KNOWN_LISTS.has(list);
  const label = known ? t(`where.list.${list}` as MessageKey) : list;
  if (!known) return t("where.elementRaw", { list, n });
  return typeof id === "string" && id !== ""
    ? t("where.elementWithId", { list: label, n, id })
    : t("where.element", { list: label, n });
}

/**
 * A location in words a clerk can follow, e.g. "section 2 `opinions` › item 1 `open-door`"
 * (the line and column already say exactly where; this says what it is).
 */
function describePath(path: Path, value: unknown, lastId = true): string {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const next = path[i + 1];
    if (typeof seg === "string" && typeof next === "number") {
      const isLast = i + 2 >= path.length;
      parts.push(elementLabel(seg, next, valueAt(value, path.slice(0, i + 2)), lastId || !isLast));
      i++;
    } else parts.push(`\`${seg}\``);
  }
  return parts.join(t("where.sep"));
}

/** " in section 2 `opinions`"; for the top level either " at the top level" or nothing. */
function where(parent: Path, value: unknown, sayRoot: boolean, lastId = true): string {
  if (parent.length === 0) return sayRoot ? t("where.root") : "";
  return t("where.in", { path: describePath(parent, value, lastId) });
}

/** What is wrong, named for the message: "`version`", or "item 3" for a list element, or "the file". */
function subject(path: Path, value: unknown): { field: string; parent: Path; key: string } {
  const last = path[path.length - 1];
  if (last === undefined) return { field: t("where.file"), parent: [], key: "" };
  if (typeof last === "string") return { field: `\`${last}\``, parent: path.slice(0, -1), key: last };
  const list = path[path.length - 2];
  const parent = path.slice(0, -2);
  if (typeof list !== "string") return { field: describePath(path, value), parent, key: "" };
  return { field: elementLabel(list, last, valueAt(value, path)), parent, key: list };
}

/** The zod schema that describes the value at `path`, to list the keys allowed there. */
function schemaAt(schema: z.$ZodType, path: Path): z.$ZodType | undefined {
  let s: z.$ZodType | undefined = schema;
  for (const seg of [...path, null]) {
    while (s instanceof z.$ZodOptional || s instanceof z.$ZodDefault || s instanceof z.$ZodNullable) {
      s = s._zod.def.innerType;
    }
    if (seg === null || s === undefined) break;
    if (s instanceof z.$ZodObject && typeof seg === "string") s = s._zod.def.shape[seg];
    else if (s instanceof z.$ZodArray && typeof seg === "number") s = s._zod.def.element;
    else return undefined;
  }
  return s;
}

/** The keys an object schema allows; none for anything else. */
function allowedKeys(schema: z.$ZodType | undefined): string[] {
  return schema instanceof z.$ZodObject ? Object.keys(schema._zod.def.shape) : [];
}

const pathKey = (path: Path) => JSON.stringify(path);

/** Turn zod issues into diagnostics placed on the offending YAML node. */
export function issuesToDiagnostics(
  parsed: ParsedYaml,
  value: unknown,
  issues: readonly z.$ZodIssue[],
  schema: z.$ZodType,
): Diagnostic[] {
  const file = parsed.source.file;
  const out: Diagnostic[] = [];
  const paths = issues.map((issue) => issue.path.filter((p): p is string | number => typeof p !== "symbol"));
  // `tittle: …` makes zod report both the unknown `tittle` and the missing `title`: say it once.
  const explained = new Set<string>();
  issues.forEach((issue, i) => {
    if (issue.code !== "unrecognized_keys") return;
    const path = paths[i]!;
    const allowed = allowedKeys(schemaAt(schema, path));
    for (const key of issue.keys) {
      const suggestion = closest(key, allowed);
      if (suggestion && valueAt(value, [...path, suggestion]) === undefined) {
        explained.add(pathKey([...path, suggestion]));
      }
    }
  });

  const full = () => out.length > LIMITS.diagnosticsPerFile;
  issues.forEach((issue, i) => {
    if (full()) return;
    const path = paths[i]!;
    const actual = valueAt(value, path);
    const { field, parent, key } = subject(path, value);
    const at = (which: "value" | "key" = "value") => positionAt(parsed, path, which);
    const push = (pos: Position, code: string, message: string, hint?: string) =>
      out.push(diag(file, pos, code, message, hint));
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(schemaAt(schema, path));
        for (const k of issue.keys) {
          if (full()) break;
          const suggestion = closest(k, allowed);
          push(
            positionAt(parsed, [...path, k], "key"),
            "unknown-key",
            t("diag.unknownKey", { key: k, where: where(path, value, true) }),
            suggestion
              ? t("diag.unknownKey.didYouMean", { suggestion })
              : t("diag.unknownKey.allowed", { allowed: allowed.join(", ") }),
          );
        }
        break;
      }
      case "invalid_type": {
        if (actual === undefined) {
          if (explained.has(pathKey(path))) break;
          push(
            positionAt(parsed, parent),
            "missing-field",
            t("diag.missingField", { field: key, where: where(parent, value, true) }),
            t("diag.missingField.hint", { field: key }),
          );
        } else if (actual === null && issue.expected === "array") {
          push(
            at("key"),
            "empty-list",
            t("diag.emptyList", { field, where: where(parent, value, false) }),
            emptyListHint(key),
          );
        } else if (actual === null && issue.expected === "string") {
          push(
            at("key"),
            "empty-text",
            t("diag.emptyText", { field, where: where(parent, value, false) }),
            t("diag.emptyText.hint"),
          );
        } else {
          const expected = expectedName(issue.expected);
          push(
            at(),
            "wrong-type",
            t("diag.wrongType", {
              field,
              expected,
              actual: typeName(actual),
              where: where(parent, value, false),
            }),
            wrongTypeHint(issue.expected, actual, key, sourceAt(parsed, path)),
          );
        }
        break;
      }
      case "invalid_value": {
        const allowed = issue.values.map(String);
        const suggestion = typeof actual === "string" ? closest(actual, allowed) : undefined;
        push(
          at(),
          "bad-value",
          t("diag.badValue", { field, value: String(actual), where: where(parent, value, false) }),
          suggestion
            ? t("diag.badValue.didYouMean", { suggestion, allowed: allowed.join(", ") })
            : t("diag.badValue.hint", { allowed: allowed.join(", ") }),
        );
        break;
      }
      case "invalid_format": {
        if (key === "id") {
          push(
            at(),
            "bad-id",
            // Not "item 2 `Bad_Id`": the id being wrong is the point.
            t("diag.badId", { value: String(actual), where: where(parent, value, false, false) }),
            t("diag.badId.hint"),
          );
        } else {
          push(
            at(),
            "bad-format",
            t("diag.invalid", { field, where: where(parent, value, false), message: issue.message }),
          );
        }
        break;
      }
      case "too_small":
      case "too_big": {
        if (typeof actual === "number") {
          const bound = String(
            (issue as { minimum?: unknown; maximum?: unknown })[
              issue.code === "too_small" ? "minimum" : "maximum"
            ],
          );
          push(
            at(),
            "out-of-range",
            t(issue.code === "too_small" ? "diag.tooSmall" : "diag.tooBig", {
              field,
              bound,
              value: String(actual),
              where: where(parent, value, false),
            }),
            rangeHint(schemaAt(schema, path)),
          );
        } else if (Array.isArray(actual)) {
          push(
            at("key"),
            "empty-list",
            t("diag.emptyList", { field, where: where(parent, value, false) }),
            emptyListHint(key),
          );
        } else {
          push(
            at(),
            "empty-text",
            t("diag.emptyText", { field, where: where(parent, value, false) }),
            t("diag.emptyText.hint"),
          );
        }
        break;
      }
      default:
        push(
          at(),
          "invalid",
          t("diag.invalid", { field, where: where(parent, value, false), message: issue.message }),
        );
    }
  });
  return capDiagnostics(file, out);
}

/** The allowed range of a number field, from its schema's bounds: "from 0 to 100". */
function rangeHint(schema: z.$ZodType | undefined): string | undefined {
  if (!schema) return undefined;
  let min: number | undefined;
  let max: number | undefined;
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def as { check?: string; value?: unknown };
    if (def.check === "greater_than" && typeof def.value === "number") min = def.value;
    if (def.check === "less_than" && typeof def.value === "number") max = def.value;
  }
  if (min !== undefined && max !== undefined) return t("diag.range.between", { min, max });
  if (min !== undefined) return t("diag.range.atLeast", { min });
  return undefined;
}

/**
 * " in section 2 `opinions`" (or " at the top level"): where a node is, in the words the
 * schema's own messages use, for the checks made after the schema (src/checklist/).
 */
export function whereIn(path: Path, value: unknown): string {
  return where(path, value, true);
}

function expectedName(expected: string): string {
  switch (expected) {
    case "string":
      return t("type.string");
    case "number":
    case "int":
      return t("type.number");
    case "boolean":
      return t("type.boolean");
    case "array":
      return t("type.array");
    case "object":
      return t("type.object");
    default:
      return expected;
  }
}

function emptyListHint(key: string): string | undefined {
  if (key === "items") return t("diag.emptyList.hint.items");
  if (key === "sections") return t("diag.emptyList.hint.sections");
  return undefined;
}

function wrongTypeHint(
  expected: string,
  actual: unknown,
  key: string,
  written: string | undefined,
): string | undefined {
  if (
    expected === "string" &&
    (typeof actual === "number" || typeof actual === "boolean") &&
    key &&
    written
  ) {
    return t("diag.wrongType.hint.quote", { example: `${key}: "${written}"` });
  }
  if (expected === "boolean") return t("diag.wrongType.hint.boolean");
  if (expected === "number") return t("diag.wrongType.hint.number", { example: `${key || "weight"}: 2` });
  if (expected === "array") return t("diag.wrongType.hint.list");
  if (expected === "object") return t("diag.wrongType.hint.object");
  return undefined;
}

/**
 * Keys written twice in one mapping, in file order, at most `max`. Linear: the `yaml` library's
 * own check (uniqueKeys) compares every key with every other, minutes for 60,000 keys.
 */
function duplicateKeys(
  doc: Document.Parsed,
  lines: LineCounter,
  max: number,
): { key: string; offset: number; firstLine: number }[] {
  const { isScalar, visit } = yamlLib();
  const found: { key: string; offset: number; firstLine: number }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        const start = rangeStart(pair.key);
        if (k === undefined || start === undefined) continue;
        const first = seen.get(k);
        if (first === undefined) seen.set(k, start);
        else {
          found.push({ key: k, offset: start, firstLine: lines.linePos(first).line });
          if (found.length >= max) return visit.BREAK;
        }
      }
      return undefined;
    },
  });
  return found.sort((a, b) => a.offset - b.offset);
}

/** Keys of every mapping in a parsed value, counting up to `max + 1` (then it stops). */
export function countKeys(value: unknown, max: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && n <= max) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const k of Object.keys(v)) {
      n++;
      stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return n;
}

/** A limit's diagnostic, at the top of the file: `key` and `key.hint` from the catalog. */
function limitDiagnostic(
  file: string,
  code: string,
  key: "diag.tooManyProblems" | "diag.tooManyKeys",
  max: number,
): Diagnostic {
  return diag(file, { line: 1, col: 1 }, code, t(key, { max }), t(`${key}.hint`));
}

/** The diagnostic that ends a long list: checking stopped at the limit. */
export const stoppedDiagnostic = (file: string): Diagnostic =>
  limitDiagnostic(file, "too-many-problems", "diag.tooManyProblems", LIMITS.diagnosticsPerFile);

/** At most the per-file limit of diagnostics, with a last line saying the rest were not checked. */
export function capDiagnostics(file: string, diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= LIMITS.diagnosticsPerFile) return diagnostics;
  return [...diagnostics.slice(0, LIMITS.diagnosticsPerFile), stoppedDiagnostic(file)];
}

/** Offset of the first alias node (`*name`, optionally a given name) in the document. */
function aliasOffset(doc: Document.Parsed, name?: string): number | undefined {
  const { visit } = yamlLib();
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      if (name !== undefined && node.source !== name) return undefined;
      offset = rangeStart(node);
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Where an unclosed quote was opened: the parser notices only at the end of the file, but the
 * clerk needs the line where the text starts.
 */
function unclosedQuoteOffset(doc: Document.Parsed, text: string, errorOffset: number): number {
  let offset = errorOffset;
  yamlLib().visit(doc, {
    Scalar(_, node) {
      if ((node.type !== "QUOTE_DOUBLE" && node.type !== "QUOTE_SINGLE") || !node.range) return;
      const raw = text.slice(node.range[0], node.range[1]).trimEnd();
      const quote = node.type === "QUOTE_DOUBLE" ? '"' : "'";
      if (raw.length < 2 || !raw.endsWith(quote)) offset = node.range[0];
    },
  });
  return offset;
}

/** A YAML syntax error in words a clerk can act on, for the mistakes people really make. */
function syntaxDiagnostic(file: string, pos: Position, err: YAMLError): Diagnostic {
  const detail = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? err.message;
  const say = (message: MessageKey, hint: MessageKey, params = {}) =>
    diag(file, pos, "yaml-syntax", t(message, params), t(hint, params));
  switch (err.code) {
    case "TAB_AS_INDENT":
      return say("diag.syntax.tab", "diag.syntax.tab.hint");
    case "BLOCK_AS_IMPLICIT_KEY":
      return say("diag.syntax.colon", "diag.syntax.colon.hint");
    case "BLOCK_IN_FLOW":
      return say("diag.syntax.blockInFlow", "diag.syntax.blockInFlow.hint");
    case "MULTILINE_IMPLICIT_KEY":
      return say("diag.syntax.notKeyValue", "diag.syntax.notKeyValue.hint");
    case "BAD_SCALAR_START": {
      const char = /character (\S)\s*$/.exec(detail)?.[1] ?? detail.slice(-1);
      return say("diag.syntax.badStart", "diag.syntax.badStart.hint", { char });
    }
    case "MISSING_CHAR":
      if (/quote/i.test(detail)) return say("diag.syntax.unclosedQuote", "diag.syntax.unclosedQuote.hint");
      break;
    case "BAD_INDENT":
      if (/end with an? [\]}]/.test(detail))
        return say("diag.syntax.unclosedBracket", "diag.syntax.unclosedBracket.hint");
      return say("diag.syntax.indent", "diag.syntax.indent.hint");
    default:
      break;
  }
  return diag(file, pos, "yaml-syntax", t("diag.syntax", { message: detail }), t("diag.syntax.hint"));
}

/** No content at all: what `---` with nothing after it, or a file of comments, parses to. */
function isEmptyNode(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return yamlLib().isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
}

/** The text as `yaml` documents, without the empty ones. */
function compose(text: string): { lines: LineCounter; meaningful: Document.Parsed[] } {
  const { LineCounter, parseAllDocuments } = yamlLib();
  const lines = new LineCounter();
  const all = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const docs = Array.isArray(all) ? all : [];
  // A lone `---` at the end of a file makes an empty document: harmless, not a second checklist.
  return { lines, meaningful: docs.filter((d) => d.errors.length > 0 || !isEmptyNode(d.contents)) };
}

/** A ParsedYaml for text the quick pass read: the `yaml` nodes are made when first asked for. */
function lazilyComposed(source: SourceText): ParsedYaml {
  let composed: { doc: Document.Parsed; lines: LineCounter } | undefined;
  const get = () => {
    if (!composed) {
      const { lines, meaningful } = compose(source.text);
      const doc = meaningful[0];
      // The quick pass read exactly one document, so `yaml` finds one too.
      if (!doc) throw new Error(`yaml found no document in ${source.file}, js-yaml did`);
      composed = { doc, lines };
    }
    return composed;
  };
  return {
    source,
    get doc() {
      return get().doc;
    },
    get lines() {
      return get().lines;
    },
  };
}

/** The value of trusted YAML text (e.g. a checklist snapshot stored by lookback itself). */
export function yamlValue(text: string): unknown {
  const quick = quickYamlValue(text);
  return quick ? quick.value : yamlLib().parse(text, { maxAliasCount: MAX_ALIAS_COUNT });
}

/** Lines that open a mapping entry (`key:` or `- key:`): at least one per key in block style. */
const KEY_LINE = /^[ \t]*(?:-[ \t]+)*[^\s#:][^\n:]*:(?=[ \t]|$)/gm;
function keyLines(text: string): number {
  let n = 0;
  KEY_LINE.lastIndex = 0;
  while (KEY_LINE.exec(text) !== null) n++;
  return n;
}

const tooManyKeys = (value: unknown) => countKeys(value, LIMITS.yamlKeys) > LIMITS.yamlKeys;

const keysDiagnostic = (file: string): Diagnostic =>
  limitDiagnostic(file, "too-many-keys", "diag.tooManyKeys", LIMITS.yamlKeys);

/**
 * Parse YAML text into one document; syntax errors, duplicate keys, several documents,
 * unresolved aliases, alias bombs and empty files become diagnostics.
 */
export function parseYaml(source: SourceText): {
  parsed?: ParsedYaml;
  value?: unknown;
  diagnostics: Diagnostic[];
} {
  const file = source.file;
  // Before any parser builds its events or nodes for them: a file of 200,000 keys costs
  // hundreds of megabytes to parse only to be refused.
  if (keyLines(source.text) > LIMITS.yamlKeys) return { diagnostics: [keysDiagnostic(file)] };
  const quick = quickYamlValue(source.text);
  if (quick) {
    const parsed = lazilyComposed(source);
    return tooManyKeys(quick.value)
      ? { parsed, diagnostics: [keysDiagnostic(file)] }
      : { parsed, value: quick.value, diagnostics: [] };
  }
  const { lines, meaningful } = compose(source.text);
  const first = meaningful[0];
  if (!first) {
    return { diagnostics: [diag(file, { line: 1, col: 1 }, "empty", t("diag.empty"), t("diag.empty.hint"))] };
  }
  const parsed: ParsedYaml = { doc: first, lines, source };
  const diagnostics: Diagnostic[] = [];
  const linesWithError = new Set<number>();
  const max = LIMITS.diagnosticsPerFile;
  for (const doc of meaningful) {
    for (const err of doc.errors) {
      if (diagnostics.length > max) break;
      const pos = lines.linePos(err.pos[0]);
      // One broken line often yields a cascade of errors; the first says what to fix.
      if (linesWithError.has(pos.line)) continue;
      linesWithError.add(pos.line);
      if (err.code === "MISSING_CHAR" && /quote/i.test(err.message)) {
        const at = lines.linePos(unclosedQuoteOffset(doc, source.text, err.pos[0]));
        diagnostics.push(syntaxDiagnostic(file, at, err));
      } else diagnostics.push(syntaxDiagnostic(file, pos, err));
    }
    for (const d of duplicateKeys(doc, lines, max + 1)) {
      const pos = lines.linePos(d.offset);
      if (linesWithError.has(pos.line)) continue;
      diagnostics.push(
        diag(
          file,
          pos,
          "duplicate-key",
          t("diag.duplicateKey.first", { key: d.key, line: d.firstLine }),
          t("diag.duplicateKey.hint"),
        ),
      );
    }
  }
  if (diagnostics.length > 0) {
    diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
    return { parsed, diagnostics: capDiagnostics(file, diagnostics) };
  }
  const second = meaningful[1];
  if (second) {
    return {
      parsed,
      diagnostics: [
        diag(
          file,
          lines.linePos(second.range[0]),
          "multiple-documents",
          t("diag.multiDoc"),
          t("diag.multiDoc.hint"),
        ),
      ],
    };
  }
  try {
    const value: unknown = first.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (tooManyKeys(value)) return { parsed, diagnostics: [keysDiagnostic(file)] };
    return { parsed, value, diagnostics };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/excessive alias count/i.test(message)) {
      const pos = lines.linePos(aliasOffset(first) ?? 0);
      return {
        parsed,
        diagnostics: [diag(file, pos, "alias-bomb", t("diag.aliasBomb"), t("diag.aliasBomb.hint"))],
      };
    }
    const unresolved = /^Unresolved alias.*: (.+)$/.exec(message)?.[1];
    if (unresolved !== undefined) {
      const pos = lines.linePos(aliasOffset(first, unresolved) ?? 0);
      return {
        parsed,
        diagnostics: [
          diag(
            file,
            pos,
            "unknown-alias",
            t("diag.unknownAlias", { name: unresolved }),
            t("diag.unknownAlias.hint", { name: unresolved }),
          ),
        ],
      };
    }
    return {
      parsed,
      diagnostics: [diag(file, { line: 1, col: 1 }, "yaml-syntax", t("diag.syntax", { message }))],
    };
  }
}

/**
 * Parse and check against a zod schema: a typed value, or every problem with its position.
 * The schema may be chosen from the value read (a checklist that extends another has its own).
 */
export function parseWithSchema<S extends z.$ZodType>(
  source: SourceText,
  schemaOf: S | ((value: unknown) => S),
): ParseOutcome<z.output<S>> {
  const { parsed, value, diagnostics } = parseYaml(source);
  if (!parsed || diagnostics.length > 0) return { ok: false, ...(parsed ? { parsed } : {}), diagnostics };
  const schema = typeof schemaOf === "function" ? schemaOf(value) : schemaOf;
  // jitless: zod would otherwise compile each object schema with `new Function` on its first
  // parse, which costs more than it saves in a command that checks a few files and exits.
  const result = z.safeParse(schema, value, { jitless: true });
  if (!result.success) {
    return {
      ok: false,
      parsed,
      diagnostics: issuesToDiagnostics(parsed, value, result.error.issues, schema),
    };
  }
  return { ok: true, value: result.data, raw: value, parsed, diagnostics: [] };
}

export { diag as makeDiagnostic };
