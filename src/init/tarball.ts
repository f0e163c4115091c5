// lookback packs itself into the bureau's repository (tools/lookback-<version>.tgz) so that the
// CI workflow installs exactly this version, with no registry holding a package of that name.
// The tarball is what `npm pack` makes: gzip'd ustar, every entry under `package/`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as z from "zod/mini";

const PackageJson = z.object({
  name: z.string(),
  version: z.string(),
  files: z.optional(z.array(z.string())),
});

export interface SelfPackage {
  name: string;
  version: string;
  /** Paths relative to the package root, with forward slashes, sorted. */
  files: string[];
}

/** npm always ships these, whatever `files` says. */
const ALWAYS = /^(package\.json|readme(\..*)?|license(\..*)?|licence(\..*)?)$/i;

function walk(root: string, rel: string, out: string[]): void {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isDirectory()) {
    for (const entry of readdirSync(abs).sort()) walk(root, rel ? `${rel}/${entry}` : entry, out);
  } else out.push(rel);
}

/** The files `npm pack` would take from an installed (or checked-out) lookback. */
export function listSelfPackage(packageRoot: string): SelfPackage {
  const pkg = PackageJson.parse(JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8")));
  const files: string[] = readdirSync(packageRoot).filter(
    (f) => ALWAYS.test(f) && statSync(path.join(packageRoot, f)).isFile(),
  );
  for (const entry of pkg.files ?? []) walk(packageRoot, entry.replace(/\/+$/, ""), files);
  return { name: pkg.name, version: pkg.version, files: [...new Set(files)].sort() };
}

/** The ustar name/prefix split: name ≤ 100 bytes, prefix ≤ 155 bytes, cut at a slash. */
function splitName(name: string): { name: string; prefix: string } {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: "" };
  for (let i = name.indexOf("/"); i !== -1; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  throw new Error(`path too long for a tar entry: ${name}`);
}

function header(entryName: string, size: number, mode: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  const { name, prefix } = splitName(entryName);
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, "0")}\0`;
  h.write(name, 0, 100, "utf8");
  h.write(octal(mode, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii"); // uid
  h.write(octal(0, 8), 116, "ascii"); // gid
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(mtime, 12), 136, "ascii");
  h.write("        ", 148, "ascii"); // checksum is computed with this field as spaces
  h.write("0", 156, "ascii"); // regular file
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

/** A fixed time (npm pack does the same) so that packing the same version twice gives the same bytes. */
const MTIME = Math.floor(Date.UTC(1985, 9, 26, 8, 15) / 1000);

export function packSelf(packageRoot: string): { fileName: string; bytes: Buffer; entries: number } {
  const pkg = listSelfPackage(packageRoot);
  const blocks: Buffer[] = [];
  for (const rel of pkg.files) {
    const abs = path.join(packageRoot, rel);
    const data = readFileSync(abs);
    const executable = (statSync(abs).mode & 0o111) !== 0 || rel.startsWith("bin/");
    blocks.push(header(`package/${rel}`, data.length, executable ? 0o755 : 0o644, MTIME), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad > 0) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  const safeName = pkg.name.replace(/^@/, "").replace(/\//g, "-");
  return {
    fileName: `${safeName}-${pkg.version}.tgz`,
    bytes: gzipSync(Buffer.concat(blocks), { level: 9 }),
    entries: pkg.files.length,
  };
}
