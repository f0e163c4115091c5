// What kind of file a piece of evidence is, from its first bytes: a photo named .pdf is still a
// photo. The name's extension only tells apart formats that share a container (a .docx and an
// .xlsx are both zip files, a .doc and an .xls both OLE compound files) and names plain text.

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0): boolean =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (head: Uint8Array, text: string, at = 0): boolean =>
  startsWith(
    head,
    [...text].map((c) => c.charCodeAt(0)),
    at,
  );

const ZIP_KINDS: Record<string, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  ofd: "application/ofd",
};
const OLE_KINDS: Record<string, string> = {
  doc: "application/msword",
  xls: "application/vnd.ms-excel",
  ppt: "application/vnd.ms-powerpoint",
  wps: "application/vnd.ms-works",
  et: "application/vnd.ms-excel",
};
const TEXT_KINDS: Record<string, string> = {
  csv: "text/csv",
  md: "text/markdown",
  html: "text/html",
  htm: "text/html",
  xml: "application/xml",
  json: "application/json",
  yaml: "application/yaml",
  yml: "application/yaml",
};

/** The name's extension, lower-case, without the dot. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

/** ISO base media (MP4, MOV, M4A, HEIC): `ftyp` and its brand. */
function isoMedia(head: Uint8Array): string | undefined {
  if (!ascii(head, "ftyp", 4)) return undefined;
  const brand = String.fromCharCode(...head.subarray(8, 12));
  if (/^(heic|heix|heim|heis|mif1|msf1)$/.test(brand)) return "image/heic";
  if (/^(M4A |M4B )$/.test(brand)) return "audio/mp4";
  if (brand === "qt  ") return "video/quicktime";
  return "video/mp4";
}

function riff(head: Uint8Array): string | undefined {
  if (!ascii(head, "RIFF")) return undefined;
  if (ascii(head, "WEBP", 8)) return "image/webp";
  if (ascii(head, "WAVE", 8)) return "audio/wav";
  if (ascii(head, "AVI ", 8)) return "video/x-msvideo";
  return undefined;
}

/** Magic numbers of the formats evidence comes in: photos, scans, documents, recordings. */
function byMagic(head: Uint8Array, ext: string): string | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (ascii(head, "GIF87a") || ascii(head, "GIF89a")) return "image/gif";
  if (ascii(head, "BM") && head.length >= 14) return "image/bmp";
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]))
    return "image/tiff";
  if (ascii(head, "%PDF-")) return "application/pdf";
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]))
    return ZIP_KINDS[ext] ?? "application/zip";
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    return OLE_KINDS[ext] ?? "application/x-ole-storage";
  if (ascii(head, "Rar!")) return "application/vnd.rar";
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return "application/x-7z-compressed";
  if (ascii(head, "ID3") || startsWith(head, [0xff, 0xfb]) || startsWith(head, [0xff, 0xf3]))
    return "audio/mpeg";
  if (ascii(head, "#!AMR")) return "audio/amr";
  if (ascii(head, "OggS")) return "audio/ogg";
  if (ascii(head, "fLaC")) return "audio/flac";
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return "video/webm";
  return riff(head) ?? isoMedia(head);
}

/** Text: valid UTF-8 (a piece cut at the end of the sample allowed) without NUL bytes. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    decoder.decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The media type of a file whose content starts with `head` (the first few kilobytes): from the
 * content, the extension only where the content leaves a choice; unknown bytes are
 * application/octet-stream.
 */
export function sniffMediaType(head: Uint8Array, name: string): string {
  const ext = extensionOf(name);
  const magic = byMagic(head, ext);
  if (magic) return magic;
  if (looksLikeText(head)) {
    const text = new TextDecoder().decode(head.subarray(0, 256)).trimStart().toLowerCase();
    if (text.startsWith("<svg") || (text.startsWith("<?xml") && ext === "svg")) return "image/svg+xml";
    return TEXT_KINDS[ext] ?? "text/plain";
  }
  return "application/octet-stream";
}
