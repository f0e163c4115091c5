// The quick first pass over a YAML file, for the common case: one plain, valid document.
//
// The `yaml` library is the exact parser here: its nodes carry the positions every diagnostic
// needs and its errors have codes we turn into advice. It is also slow to start: cold, it takes
// ~80 ms to load and read the three built-in checklists, more than Node takes to boot. js-yaml
// 5 reads them in about half that and, like `yaml`, passes the whole YAML test suite with the
// YAML 1.2 core schema by default — so for a document both accept, both give the same value.
//
// So a file is read here first and handed to `yaml` only when there is something to say about
// it (a syntax error, a schema error, a warning: see ParsedYaml's lazy `doc`) or when it uses
// anything beyond plain mappings, sequences and scalars (anchors, aliases, tags, directives,
// several documents, keys that are not plain words), where the two libraries' conventions could
// differ. Then the slow path decides, exactly as before; this pass never reports anything.
import { constructFromEvents, EVENT_ID, type Event, parseEvents, SCALAR_STYLE } from "js-yaml";

/** js-yaml's mark for "no anchor / no tag" in an event's source ranges. */
const NO_RANGE = -1;

/**
 * A mapping key this pass takes: a plain (unquoted) word. Keys such as `1`, `true`, `~`, `[a]`
 * or `"__proto__"` become JS keys by rules that differ between libraries (`yaml` turns a null
 * key into "", js-yaml into "null"), and no checklist or answers file has them unless by
 * mistake — which the slow path reports.
 */
const WORD_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
const CORE_WORDS = new Set(["null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"]);

/** Whether the events are one document of plain mappings, sequences and scalars only. */
function isPlain(events: readonly Event[], text: string): boolean {
  let documents = 0;
  // For each open collection: is it a mapping, and is its next child a key?
  const stack: { mapping: boolean; expectKey: boolean }[] = [];
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents++;
        if (documents > 1 || event.directives.length > 0) return false;
        stack.push({ mapping: false, expectKey: false });
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== NO_RANGE || event.tagStart !== NO_RANGE) return false;
        const parent = stack[stack.length - 1];
        if (parent?.mapping) {
          if (parent.expectKey) {
            if (event.type !== EVENT_ID.SCALAR || event.style !== SCALAR_STYLE.PLAIN) return false;
            const key = text.slice(event.valueStart, event.valueEnd);
            if (!WORD_KEY.test(key) || CORE_WORDS.has(key)) return false;
          }
          parent.expectKey = !parent.expectKey;
        }
        if (event.type !== EVENT_ID.SCALAR)
          stack.push({ mapping: event.type === EVENT_ID.MAPPING, expectKey: true });
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        break;
      default: // an alias
        return false;
    }
  }
  return documents === 1;
}

/**
 * The value of `text` when it is one plain, valid YAML document; `undefined` when it is not,
 * or might not be: the caller then parses it with `yaml`, which says exactly what is wrong.
 */
export function quickYamlValue(text: string): { value: unknown } | undefined {
  try {
    const events = parseEvents(text, {});
    if (!isPlain(events, text)) return undefined;
    const documents = constructFromEvents(events, { source: text, maxAliases: 0 });
    return documents.length === 1 ? { value: documents[0] } : undefined;
  } catch {
    // Not valid YAML (or past js-yaml's depth limit): the slow path has the words for it.
    return undefined;
  }
}
