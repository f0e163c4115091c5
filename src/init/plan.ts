// What `lookback init` puts in a bureau's checklist repository, as a list of files
// computed in memory first: nothing is written until every target is known to be free.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { checklistJsonSchemaText } from "../checklist/json-schema.js";
import { packageRoot, templatesDir } from "../paths.js";
import { VERSION } from "../version.js";
import { COUNTY_CHECKLIST, COUNTY_CHECKLIST_PATH } from "./county.js";
import { repoReadme } from "./repo-readme.js";
import { packSelf } from "./tarball.js";
import { workflowYaml } from "./workflow.js";

export type InitFileKind = "checklist" | "schema" | "template" | "workflow" | "gitignore" | "readme" | "tool";

export interface InitFile {
  /** Relative to the repository root, with forward slashes. */
  path: string;
  content: string | Buffer;
  kind: InitFileKind;
}

export const SCHEMA_PATH = "schema/checklist.schema.json";
/** Relative to checklists/: editors (yaml-language-server) resolve it against the YAML file. */
export const MODELINE = "# yaml-language-server: $schema=../schema/checklist.schema.json";
const MODELINE_RE = /^# yaml-language-server:.*$/;

/** The built-in checklist text, with the modeline as its first line (added or corrected). */
export function withModeline(text: string): string {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = bom ? text.slice(1) : text;
  const newline = body.includes("\r\n") ? "\r\n" : "\n";
  const [first = "", ...rest] = body.split(newline);
  if (MODELINE_RE.test(first)) return bom + [MODELINE, ...rest].join(newline);
  return `${bom}${MODELINE}${newline}${body}`;
}

function filesUnder(dir: string, rel = ""): string[] {
  const abs = path.join(dir, rel);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(abs).sort()) {
    if (entry.startsWith(".")) continue;
    const child = rel ? `${rel}/${entry}` : entry;
    if (statSync(path.join(dir, child)).isDirectory()) out.push(...filesUnder(dir, child));
    else out.push(child);
  }
  return out;
}

const GITIGNORE = `# lookback: the check databases and the exported ledgers stay out of git
*.db
*.db-wal
*.db-shm
ledgers/
node_modules/
`;

export interface InitPlan {
  files: InitFile[];
  /** The name of the packed lookback under tools/ (the CI workflow installs it). */
  tarball: string;
}

export function planInit(roots: { templates?: string; pkg?: string } = {}): InitPlan {
  const templatesRoot = roots.templates ?? templatesDir;
  const self = packSelf(roots.pkg ?? packageRoot);
  const files: InitFile[] = [];
  // The county's own checklist, tailoring the built-in self-check. The built-ins themselves are
  // not copied: a copy would replace the built-in of its id, and a later fix to the built-in
  // would never reach the county (`lookback show self-check` prints them).
  files.push({ path: COUNTY_CHECKLIST_PATH, content: withModeline(COUNTY_CHECKLIST), kind: "checklist" });
  files.push({ path: SCHEMA_PATH, content: checklistJsonSchemaText(), kind: "schema" });
  for (const rel of filesUnder(templatesRoot)) {
    files.push({
      path: `templates/${rel}`,
      content: readFileSync(path.join(templatesRoot, rel)),
      kind: "template",
    });
  }
  files.push({
    path: ".github/workflows/lookback.yml",
    content: workflowYaml({ version: VERSION, tarball: self.fileName }),
    kind: "workflow",
  });
  files.push({ path: `tools/${self.fileName}`, content: self.bytes, kind: "tool" });
  files.push({ path: ".gitignore", content: GITIGNORE, kind: "gitignore" });
  files.push({
    path: "README.md",
    content: repoReadme({
      version: VERSION,
      tarball: self.fileName,
      checklists: files.filter((f) => f.kind === "checklist").map((f) => f.path),
      templates: files.filter((f) => f.kind === "template").map((f) => f.path),
    }),
    kind: "readme",
  });
  return { files, tarball: self.fileName };
}
