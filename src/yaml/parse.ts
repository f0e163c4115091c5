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

/** The words for kinds of value: zod's names for an expected type ("int" is a number) and typeof's. */
const TYPE_WORDS: Partial<Record<string, MessageKey>> = {
  string: "type.string",
  number: "type.number",
  int: "type.number",
  boolean: "type.boolean",
  array: "type.array",
  object: "type.object",
  null: "type.null",
};

/** A kind of value named for a message, or the name itself for a kind the catalogs do not name. */
function typeWord(name: string): string {
  const key = TYPE_WORDS[name];
  return key ? t(key) : name;
}

/** The kind of a value found in the file. */
const typeName = (v: unknown): string =>
  typeof v === "number" && !Number.isFinite(v)
    ? t("type.notFinite")
    : typeWord(v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

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

/** Where a zod issue points, in the terms its diagnostic needs. */
interface IssueSite {
  parsed: ParsedYaml;
  /** The whole value the schema checked. */
  value: unknown;
  path: Path;
  /** The value at `path` (undefined when it is missing). */
  actual: unknown;
  /** What is wrong, named for the message; its parent and its key (see subject()). */
  field: string;
  parent: Path;
  key: string;
}

function siteOf(parsed: ParsedYaml, value: unknown, path: Path): IssueSite {
  return { parsed, value, path, actual: valueAt(value, path), ...subject(path, value) };
}

/** A diagnostic at the site's value (or its key), for the file being checked. */
function at(
  site: IssueSite,
  which: "value" | "key",
  code: string,
  message: string,
  hint?: string,
): Diagnostic {
  return diag(site.parsed.source.file, positionAt(site.parsed, site.path, which), code, message, hint);
}

/** " in section 2 `opinions`" for the site's parent: where the message says the problem is. */
const inParent = (site: IssueSite, lastId = true) => where(site.parent, site.value, false, lastId);

/**
 * `tittle: …` makes zod report both the unknown `tittle` and the missing `title`: the paths of
 * the missing fields that an unknown key's did-you-mean already names, so that they are said once.
 */
function explainedByTypos(
  issues: readonly z.$ZodIssue[],
  paths: readonly Path[],
  value: unknown,
  schema: z.$ZodType,
): Set<string> {
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
  return explained;
}

/** One diagnostic per unknown key (at most `max`), with the key likely meant or the keys allowed there. */
function unknownKeys(
  site: IssueSite,
  keys: readonly string[],
  schema: z.$ZodType,
  max: number,
): Diagnostic[] {
  const allowed = allowedKeys(schemaAt(schema, site.path));
  return keys.slice(0, max).map((k) => {
    const suggestion = closest(k, allowed);
    return diag(
      site.parsed.source.file,
      positionAt(site.parsed, [...site.path, k], "key"),
      "unknown-key",
      t("diag.unknownKey", { key: k, where: where(site.path, site.value, true) }),
      suggestion
        ? t("diag.unknownKey.didYouMean", { suggestion })
        : t("diag.unknownKey.allowed", { allowed: allowed.join(", ") }),
    );
  });
}

/** A missing field, an empty list or text (a key with nothing after it), or a value of the wrong type. */
function wrongType(site: IssueSite, expected: string, explained: ReadonlySet<string>): Diagnostic[] {
  const { actual, field, key } = site;
  if (actual === undefined) {
    if (explained.has(pathKey(site.path))) return [];
    return [
      diag(
        site.parsed.source.file,
        positionAt(site.parsed, site.parent),
        "missing-field",
        t("diag.missingField", { field: key, where: where(site.parent, site.value, true) }),
        t("diag.missingField.hint", { field: key }),
      ),
    ];
  }
  if (actual === null && expected === "array") return [emptyList(site)];
  if (actual === null && expected === "string") return [emptyText(site, "key")];
  return [
    at(
      site,
      "value",
      "wrong-type",
      t("diag.wrongType", {
        field,
        expected: typeWord(expected),
        actual: typeName(actual),
        where: inParent(site),
      }),
      wrongTypeHint(expected, actual, key, sourceAt(site.parsed, site.path)),
    ),
  ];
}

const emptyList = (site: IssueSite): Diagnostic =>
  at(
    site,
    "key",
    "empty-list",
    t("diag.emptyList", { field: site.field, where: inParent(site) }),
    emptyListHint(site.key),
  );

const emptyText = (site: IssueSite, which: "value" | "key"): Diagnostic =>
  at(
    site,
    which,
    "empty-text",
    t("diag.emptyText", { field: site.field, where: inParent(site) }),
    t("diag.emptyText.hint"),
  );

/** A value that is not one of the allowed words (`per: leaders`), with the one likely meant. */
function badValue(site: IssueSite, values: readonly unknown[]): Diagnostic {
  const allowed = values.map(String);
  const suggestion = typeof site.actual === "string" ? closest(site.actual, allowed) : undefined;
  return at(
    site,
    "value",
    "bad-value",
    t("diag.badValue", { field: site.field, value: String(site.actual), where: inParent(site) }),
    suggestion
      ? t("diag.badValue.didYouMean", { suggestion, allowed: allowed.join(", ") })
      : t("diag.badValue.hint", { allowed: allowed.join(", ") }),
  );
}

/** A text of the wrong form: an id that is not kebab-case, or any other pattern. */
function badFormat(site: IssueSite, message: string): Diagnostic {
  if (site.key === "id") {
    // Not "item 2 `Bad_Id`": the id being wrong is the point.
    const where = inParent(site, false);
    return at(
      site,
      "value",
      "bad-id",
      t("diag.badId", { value: String(site.actual), where }),
      t("diag.badId.hint"),
    );
  }
  return invalid(site, "bad-format", message);
}

function invalid(site: IssueSite, code: string, message: string): Diagnostic {
  return at(site, "value", code, t("diag.invalid", { field: site.field, where: inParent(site), message }));
}

/** What one zod issue becomes: usually one diagnostic; none, or one per unknown key (at most `max`). */
function issueDiagnostics(
  site: IssueSite,
  issue: z.$ZodIssue,
  schema: z.$ZodType,
  explained: ReadonlySet<string>,
  max: number,
): Diagnostic[] {
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownKeys(site, issue.keys, schema, max);
    case "invalid_type":
      return wrongType(site, issue.expected, explained);
    case "invalid_value":
      return [badValue(site, issue.values)];
    case "invalid_format":
      return [badFormat(site, issue.message)];
    case "too_small":
    case "too_big":
      if (typeof site.actual === "number") return [outOfRange(site, issue, schema)];
      return [Array.isArray(site.actual) ? emptyList(site) : emptyText(site, "value")];
    default:
      return [invalid(site, "invalid", issue.message)];
  }
}

/** A number outside its bounds (a negative weight), with the range the schema allows. */
function outOfRange(site: IssueSite, issue: z.$ZodIssue, schema: z.$ZodType): Diagnostic {
  const bounds = issue as { minimum?: unknown; maximum?: unknown };
  return at(
    site,
    "value",
    "out-of-range",
    t(issue.code === "too_small" ? "diag.tooSmall" : "diag.tooBig", {
      field: site.field,
      bound: String(issue.code === "too_small" ? bounds.minimum : bounds.maximum),
      value: String(site.actual),
      where: where(site.parent, site.value, false),
    }),
    rangeHint(schemaAt(schema, site.path)),
  );
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

/** Turn zod issues into diagnostics placed on the offending YAML node. */
export function issuesToDiagnostics(
  parsed: ParsedYaml,
  value: unknown,
  issues: readonly z.$ZodIssue[],
  schema: z.$ZodType,
): Diagnostic[] {
  const paths = issues.map((issue) => issue.path.filter((p): p is string | number => typeof p !== "symbol"));
  const explained = explainedByTypos(issues, paths, value, schema);
  const out: Diagnostic[] = [];
  // One past the per-file limit is enough to say that checking stopped: placing a diagnostic
  // walks the document, so a file of thousands of mistakes is not walked for each.
  const room = () => LIMITS.diagnosticsPerFile + 1 - out.length;
  for (const [i, issue] of issues.entries()) {
    if (room() <= 0) break;
    out.push(...issueDiagnostics(siteOf(parsed, value, paths[i]!), issue, schema, explained, room()));
  }
  return capDiagnostics(parsed.source.file, out);
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
  const diagnostics = syntaxDiagnostics(meaningful, lines, source);
  if (diagnostics.length > 0) return { parsed, diagnostics: capDiagnostics(file, diagnostics) };
  const second = meaningful[1];
  if (second) {
    const at = lines.linePos(second.range[0]);
    return {
      parsed,
      diagnostics: [diag(file, at, "multiple-documents", t("diag.multiDoc"), t("diag.multiDoc.hint"))],
    };
  }
  const value = documentValue(first, lines, file);
  if (!value.ok) return { parsed, diagnostics: [value.diagnostic] };
  if (tooManyKeys(value.value)) return { parsed, diagnostics: [keysDiagnostic(file)] };
  return { parsed, value: value.value, diagnostics: [] };
}

/** Syntax errors (the first of each line: one broken line often cascades) and duplicate keys, by position. */
function syntaxDiagnostics(
  meaningful: readonly Document.Parsed[],
  lines: LineCounter,
  source: SourceText,
): Diagnostic[] {
  const file = source.file;
  const diagnostics: Diagnostic[] = [];
  const linesWithError = new Set<number>();
  const max = LIMITS.diagnosticsPerFile;
  for (const doc of meaningful) {
    for (const err of doc.errors) {
      if (diagnostics.length > max) break;
      const pos = lines.linePos(err.pos[0]);
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
      const message = t("diag.duplicateKey.first", { key: d.key, line: d.firstLine });
      diagnostics.push(diag(file, pos, "duplicate-key", message, t("diag.duplicateKey.hint")));
    }
  }
  return diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The document as a value; an alias bomb or an alias to nothing is a diagnostic at the alias. */
function documentValue(
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
): { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/excessive alias count/i.test(message)) {
      const pos = lines.linePos(aliasOffset(doc) ?? 0);
      return {
        ok: false,
        diagnostic: diag(file, pos, "alias-bomb", t("diag.aliasBomb"), t("diag.aliasBomb.hint")),
      };
    }
    const unresolved = /^Unresolved alias.*: (.+)$/.exec(message)?.[1];
    if (unresolved !== undefined) {
      const pos = lines.linePos(aliasOffset(doc, unresolved) ?? 0);
      const text = t("diag.unknownAlias", { name: unresolved });
      return {
        ok: false,
        diagnostic: diag(file, pos, "unknown-alias", text, t("diag.unknownAlias.hint", { name: unresolved })),
      };
    }
    return {
      ok: false,
      diagnostic: diag(file, { line: 1, col: 1 }, "yaml-syntax", t("diag.syntax", { message })),
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
