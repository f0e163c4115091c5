// The portable SQL of the store writes parameters as `?`; PostgreSQL numbers them `$1, $2…`.
// Only a `?` that is SQL is renumbered: never one inside a string literal ('…', E'…' with
// backslash escapes, $tag$…$tag$), a quoted identifier ("…") or a comment (-- … and nested
// /* … */). Statements are few and repeated, so each translation is kept (bounded).

export interface Numbered {
  text: string;
  /** How many parameters the statement takes. */
  count: number;
}

const cache = new Map<string, Numbered>();
const CACHE_LIMIT = 2000;

/** `sql` with its `?` placeholders numbered for PostgreSQL. */
export function numberPlaceholders(sql: string): Numbered {
  const hit = cache.get(sql);
  if (hit) return hit;
  const out = translate(sql);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(sql, out);
  return out;
}

/** Where the literal, identifier or comment starting at `i` ends (the index after it). */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === "'" || c === '"') {
    // E'…' strings take backslash escapes; standard strings and identifiers double the quote.
    const backslashes = c === "'" && /[eE]/.test(sql[i - 1] ?? "") && !/\w/.test(sql[i - 2] ?? "");
    for (let j = i + 1; j < sql.length; j++) {
      if (backslashes && sql[j] === "\\") j++;
      else if (sql[j] === c) {
        if (sql[j + 1] === c) j++;
        else return j + 1;
      }
    }
    return sql.length;
  }
  if (c === "-" && next === "-") {
    const end = sql.indexOf("\n", i);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === "/" && next === "*") {
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql[j] === "/" && sql[j + 1] === "*") {
        depth++;
        j += 2;
      } else if (sql[j] === "*" && sql[j + 1] === "/") {
        depth--;
        j += 2;
      } else j++;
    }
    return j;
  }
  if (c === "$") {
    // A dollar quote: $$ or $tag$ (a tag is an identifier, not a $1 parameter).
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
    if (m && !/\w/.test(sql[i - 1] ?? "")) {
      const end = sql.indexOf(m[0], i + m[0].length);
      return end < 0 ? sql.length : end + m[0].length;
    }
  }
  return i;
}

function translate(sql: string): Numbered {
  let text = "";
  let count = 0;
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "?") {
      text += `${sql.slice(from, i)}$${++count}`;
      from = ++i;
      continue;
    }
    if (c === "'" || c === '"' || c === "-" || c === "/" || c === "$") {
      const end = skipQuoted(sql, i);
      if (end > i) {
        i = end;
        continue;
      }
    }
    i++;
  }
  return { text: text + sql.slice(from), count };
}
