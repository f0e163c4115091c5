// Where a part of a checklist was written: the file, the checklist it belongs to, and the path
// to the YAML node. A checklist that extends another is made of parts of several files, and a
// problem found in it is reported in the file, line and column its part came from.
import type { Diagnostic, Severity } from "../yaml/diagnostics.js";
import { makeDiagnostic, type ParsedYaml, type Path, type Position, positionAt } from "../yaml/parse.js";

export interface Place {
  checklistId: string;
  /** Absolute path of the YAML file. */
  file: string;
  builtin: boolean;
  parsed: ParsedYaml;
  /** Path to the node in that file, e.g. ["sections", 0, "items", 2, "weight"]. */
  path: Path;
}

/** The same file, another node. */
export function placeAt(place: Place, path: Path): Place {
  return { ...place, path };
}

/** 1-based line and column (computed only when asked: it needs the YAML nodes). */
export function positionOf(place: Place, which: "value" | "key" = "value"): Position {
  return positionAt(place.parsed, place.path, which);
}

export function diagnosticAt(
  place: Place,
  code: string,
  message: string,
  opts: { hint?: string | undefined; severity?: Severity; which?: "value" | "key" } = {},
): Diagnostic {
  return makeDiagnostic(
    place.file,
    positionOf(place, opts.which),
    code,
    message,
    opts.hint,
    opts.severity ?? "error",
  );
}

/**
 * Where the parts of a checklist were written, by their indices in the checklist as resolved:
 * `head(["scoring", "grades", 1])`, `part(0)` for section 1, `part(0, 2, ["verifies", 0])`
 * for the first `verifies` entry of its third item.
 */
export interface Locator {
  head(path: Path): Place;
  part(section: number, item?: number, rest?: Path): Place;
}

/** A Locator for a checklist complete in one file: the indices are the file's own. */
export function locateInFile(file: Omit<Place, "path">): Locator {
  return {
    head: (path) => ({ ...file, path }),
    part: (section, item, rest = []) => ({
      ...file,
      path: ["sections", section, ...(item === undefined ? [] : ["items", item]), ...rest],
    }),
  };
}
