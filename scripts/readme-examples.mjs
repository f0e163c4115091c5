#!/usr/bin/env node
// The examples of README.md and README.zh-CN.md are real output. Every ```text block whose
// first line is a `$ ` command is replayed, block after block, in a fresh folder (as the
// README tells the story: the guide, a check, the ledger, the follow-up…) by the built
// bin/lookback.js, in the README's language, 80 columns wide, and compared with what the
// README shows. Dates, times, ids and the home folder may differ; nothing else. A line `…`
// alone stands for any lines left out. A block preceded by `<!-- example: terminal -->` is
// run in a pseudo-terminal (`script`), as a person at a terminal would see it.
//
//   npm run build && node scripts/readme-examples.mjs            compare, print the differences
//   npm run build && node scripts/readme-examples.mjs --update   write the real output back
//
// test/readme-examples.test.ts runs the comparison in CI.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lookback.js");

export const READMES = [
  { file: "README.md", lang: "en", home: "/home/clerk", sep: "/" },
  { file: "README.zh-CN.md", lang: "zh", home: "C:\\Users\\clerk", sep: "\\" },
];

const ELISION = /^\s*…{1,2}\s*$/;
/** A pseudo-terminal for the blocks that show what a terminal shows (util-linux `script`). */
export const HAS_SCRIPT = spawnSync("script", ["--version"]).status === 0;
const TERMINAL = "<!-- example: terminal -->";

/** The example blocks of a README: their commands with the output shown under each. */
export function parseExamples(markdown) {
  const lines = markdown.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```text" || !lines[i + 1]?.startsWith("$ ")) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== "```") end++;
    const terminal = lines.slice(Math.max(0, i - 2), i).some((l) => l.trim() === TERMINAL);
    const commands = [];
    for (let k = start; k < end; k++) {
      if (lines[k].startsWith("$ ")) commands.push({ line: k, command: lines[k].slice(2), expected: [] });
      else commands.at(-1).expected.push(lines[k]);
    }
    // A blank line before the next command separates commands; it is not output.
    for (const c of commands.slice(0, -1)) if (c.expected.at(-1) === "") c.expected.pop();
    blocks.push({ start, end, terminal, commands });
    i = end;
  }
  return blocks;
}

/** Split a command line into words, honouring "double quotes". */
function words(command) {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

// What may differ from one run to the next.
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const ID = /\b[0-9a-f]{8}\b/g;
const DATE = /\d{4}-\d\d-\d\d/g;
const TIME = /\b\d\d:\d\d(:\d\d)?\b/g;

function normalize(line, home) {
  return line
    .replace(ISO, "<instant>")
    .replace(UUID, "<uuid>")
    .replace(ID, "<id>")
    .replace(DATE, "<date>")
    .replace(TIME, "<time>")
    .replace(home, () => "<home>")
    .replace(/\s+$/, "");
}

/** The README's home folder (`C:\Users\clerk\x`) and the sandbox's (`/tmp/…/x`) both as `<home>/x`. */
function homeNormalizer(readme, sandboxHome) {
  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const theirs = new RegExp(`${esc(readme.home)}((?:${esc(readme.sep)}[^\\s${esc(readme.sep)}]+)*)`, "g");
  const ours = new RegExp(`${esc(sandboxHome)}((?:/[^\\s/]+)*)`, "g");
  return (line) =>
    normalize(
      line
        .replace(theirs, (_, rest) => `<home>${rest.split(readme.sep).join("/")}`)
        .replace(ours, (_, rest) => `<home>${rest}`),
      "<home>",
    );
}

/** Does `actual` read as `expected` (with `…` lines standing for any lines)? Pairs of matched lines too. */
export function matchLines(expected, actual, norm) {
  const segments = [[]];
  for (const e of expected) {
    if (ELISION.test(e)) segments.push([]);
    else segments.at(-1).push(e);
  }
  const pairs = [];
  const same = (seg, at) => seg.every((e, k) => at + k < actual.length && norm(e) === norm(actual[at + k]));
  const take = (seg, at) => {
    for (const [k, e] of seg.entries()) pairs.push([e, actual[at + k]]);
  };
  if (segments.length === 1) {
    const ok = expected.length === actual.length && same(expected, 0);
    if (ok) take(expected, 0);
    return { ok, pairs };
  }
  const first = segments[0];
  const last = segments.at(-1);
  if (!same(first, 0)) return { ok: false, pairs };
  take(first, 0);
  let at = first.length;
  for (const seg of segments.slice(1, -1)) {
    let found = -1;
    for (let p = at; p + seg.length <= actual.length - last.length; p++) {
      if (same(seg, p)) {
        found = p;
        break;
      }
    }
    if (found < 0) return { ok: false, pairs };
    take(seg, found);
    at = found + seg.length;
  }
  const tail = actual.length - last.length;
  if (tail < at || !same(last, tail)) return { ok: false, pairs };
  take(last, tail);
  return { ok: true, pairs };
}

/** Files the README's commands take as given, made when a command first names them. */
function fixtures(lang) {
  const answers = (dest) => copyFileSync(path.join(root, "docs", "answers-example.yaml"), dest);
  return {
    "answers.yaml": answers,
    "回答文件.yaml": answers,
    // The supervision group's answers file of the README's inspection section.
    "inspection.yaml": (dest) => {
      const readme = readFileSync(path.join(root, "README.md"), "utf8");
      const start = readme.indexOf("```yaml\nunit: 南昌县莲塘第一中学\nchecklist: inspection");
      writeFileSync(dest, readme.slice(start + 8, readme.indexOf("```", start + 8)));
    },
    "gbk.yaml": (dest) => copyFileSync(path.join(root, "test", "fixtures", "checklists", "gbk.yaml"), dest),
    // A copy of the self-check with a typo: `tittle:` for `title:`.
    草稿: (dest) => {
      mkdirSync(dest, { recursive: true });
      const text = readFileSync(path.join(root, "checklists", "self-check.yaml"), "utf8");
      writeFileSync(path.join(dest, "self-check.yaml"), text.replace(/^title:/m, "tittle:"));
    },
    // A school's proof: a photo and a scan (their first bytes are those of a JPEG and a PDF).
    照片: (dest) => {
      mkdirSync(dest, { recursive: true });
      writeFileSync(
        path.join(dest, "签到表.jpg"),
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(240_000, 1)]),
      );
      writeFileSync(
        path.join(dest, "会议记录.pdf"),
        Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(52_000, 2)]),
      );
    },
    // What a second school sends back: its own database after its check.
    收回: (dest) => {
      mkdirSync(dest, { recursive: true });
      const file = path.join(dest, "..", ".answers-莲塘二小.yaml");
      const text = readFileSync(path.join(root, "docs", "answers-example.yaml"), "utf8");
      writeFileSync(file, text.replace(/^unit: .*$/m, "unit: 南昌县莲塘第二小学"));
      lookback(
        ["--db", path.join(dest, "莲塘二小.db"), "check", "--answers", file],
        path.dirname(dest),
        lang,
      );
      rmSync(file);
    },
  };
}

function env(lang) {
  return {
    ...process.env,
    LOOKBACK_LANG: lang,
    NO_COLOR: "1",
    LOOKBACK_DB: "",
    COLUMNS: "",
    LOOKBACK_DEBUG: "",
  };
}

function lookback(args, cwd, lang, terminal = false) {
  const r = terminal
    ? spawnSync("script", ["-qec", [process.execPath, bin, ...args].map(shellQuote).join(" "), "/dev/null"], {
        cwd,
        encoding: "utf8",
        input: "",
        env: env(lang),
      })
    : spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: env(lang) });
  const out = (r.stdout ?? "").replace(/\r\n/g, "\n");
  // What a person reads: the output, and the messages when the command failed.
  const text = r.status === 0 ? out : out + (r.stderr ?? "");
  return { code: r.status, lines: text.replace(/\n$/, "").split("\n") };
}

const shellQuote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The README ids seen so far → the ids of this run, from lines that match; when the output
 * differs (and is being rewritten), from the lines at the same place before the first `…`
 * and after the last.
 */
function learnIds(pairs, ids, expected, actual) {
  let aligned = pairs;
  if (!aligned) {
    const first = expected.findIndex((l) => ELISION.test(l));
    const head = first < 0 ? expected.length : first;
    const tail = first < 0 ? 0 : expected.length - 1 - expected.findLastIndex((l) => ELISION.test(l));
    aligned = [
      ...expected.slice(0, head).map((e, k) => [e, actual[k] ?? ""]),
      ...expected.slice(expected.length - tail).map((e, k) => [e, actual[actual.length - tail + k] ?? ""]),
    ];
  }
  for (const [e, a] of aligned) {
    const theirs = e.match(ID) ?? [];
    const ours = a.match(ID) ?? [];
    if (theirs.length === ours.length) for (const [k, id] of theirs.entries()) ids.set(id, ours[k]);
  }
}

/**
 * A command as it must be run now: ids (or their first letters) replaced by this run's, with as
 * many letters as the README gives, or more where this run's ids happen to share them (two of
 * this run's ids beginning with the same four letters would make the README's four ambiguous).
 */
function withIds(command, ids) {
  const known = [...new Set(ids.values())];
  return command.replace(/\b[0-9a-f]{4,8}\b/g, (word) => {
    for (const [theirs, ours] of ids) {
      if (!theirs.startsWith(word)) continue;
      let n = word.length;
      while (n < ours.length && known.some((o) => o !== ours && o.startsWith(ours.slice(0, n)))) n++;
      return ours.slice(0, n);
    }
    return word;
  });
}

/** Replay one README; returns every command with what it printed and whether it matches. */
export function replay(readme, { sandbox } = {}) {
  const dir = sandbox ?? mkdtempSync(path.join(tmpdir(), "lbr-"));
  const home = path.join(dir, "home");
  mkdirSync(home, { recursive: true });
  const norm = homeNormalizer(readme, home);
  const made = fixtures(readme.lang);
  const ids = new Map();
  const markdown = readFileSync(path.join(root, readme.file), "utf8");
  const results = [];
  let cwd = home;
  try {
    for (const block of parseExamples(markdown)) {
      for (const c of block.commands) {
        const ran = withIds(c.command, ids);
        const argv = words(ran);
        if (argv[0] === "cd") {
          cwd = path.resolve(cwd, argv[1] ?? home);
          results.push({ ...c, block, ran, actual: [], ok: c.expected.length === 0 });
          continue;
        }
        if (argv[0] !== "lookback")
          throw new Error(`${readme.file}:${c.line + 1}: only lookback and cd can be replayed`);
        for (const [name, make] of Object.entries(made)) {
          if (argv.some((w) => w === name || w.startsWith(`${name}/`)) && !existsSync(path.join(cwd, name)))
            make(path.join(cwd, name));
        }
        if (block.terminal && !HAS_SCRIPT) {
          results.push({ ...c, block, ran, actual: c.expected, ok: true, skipped: true });
          continue;
        }
        const r = lookback(argv.slice(1), cwd, readme.lang, block.terminal);
        const { ok, pairs } = matchLines(c.expected, r.lines, norm);
        learnIds(ok ? pairs : undefined, ids, c.expected, r.lines);
        results.push({ ...c, block, ran, actual: r.lines, ok, code: r.code });
      }
    }
  } finally {
    if (!sandbox) rmSync(dir, { recursive: true, force: true });
  }
  return { results, home, ids };
}

/** The output as the README shows it: this machine's home folder written as the README's. */
function asShown(line, home, readme) {
  return line.replace(
    new RegExp(`${home.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}((?:/[^\\s/]+)*)`, "g"),
    (_, rest) => readme.home + rest.split("/").join(readme.sep),
  );
}

/**
 * Write the real output of the examples that differ into the README, keeping its elisions (as
 * many lines before and after each) and its ids (this run's are written back as the README's).
 */
function update(readme) {
  const file = path.join(root, readme.file);
  const lines = readFileSync(file, "utf8").split("\n");
  const { results, home, ids } = replay(readme);
  const back = new Map([...ids].map(([theirs, ours]) => [ours, theirs]));
  const asTheirs = (line) => asShown(line, home, readme).replace(ID, (id) => back.get(id) ?? id);
  const changed = results.filter((r) => !r.ok && !r.skipped);
  // Replace bottom-up so that line numbers stay right.
  for (const r of [...changed].sort((a, b) => b.line - a.line)) {
    const shown = r.actual.map(asTheirs);
    const first = r.expected.findIndex((l) => ELISION.test(l));
    let out = shown;
    if (first >= 0) {
      const after = r.expected.length - 1 - r.expected.findLastIndex((l) => ELISION.test(l));
      out = [...shown.slice(0, first), r.expected[first], ...shown.slice(shown.length - after)];
    }
    const next = results.find((x) => x.block === r.block && x.line > r.line);
    const stop = next ? next.line - (lines[next.line - 1] === "" ? 1 : 0) : r.block.end;
    lines.splice(r.line + 1, stop - r.line - 1, ...out);
  }
  writeFileSync(file, lines.join("\n"));
  return changed.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes("--update");
  let bad = 0;
  for (const readme of READMES) {
    if (write) {
      const changed = update(readme);
      console.log(`${readme.file}: ${changed} example(s) rewritten with the real output`);
      continue;
    }
    for (const r of replay(readme).results.filter((x) => !x.ok)) {
      bad++;
      console.log(
        `${readme.file}:${r.line + 1}: $ ${r.command}\n--- README\n${r.expected.join("\n")}\n--- real\n${r.actual.join("\n")}\n`,
      );
    }
  }
  if (!write) console.log(bad === 0 ? "README examples: all true" : `README examples: ${bad} differ`);
  process.exitCode = bad > 0 ? 1 : 0;
}
