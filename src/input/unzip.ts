// Reading parts of a zip sent from outside (an XLSX roster) within a budget: at most so many
// entries, and at most so many bytes unzipped over all the parts read, counted by the inflater
// itself (`maxOutputLength`), never taken from the sizes the zip claims. Only the parts asked
// for are inflated, so a bomb hidden in a part nobody reads costs nothing.
import zlib from "node:zlib";

export class ZipRefusal extends Error {
  constructor(
    readonly reason: "not-zip" | "too-many-entries" | "too-large" | "unsupported" | "damaged",
    detail: string,
  ) {
    super(detail);
  }
}

interface EntryRef {
  method: number;
  compressedSize: number;
  localHeader: number;
}

export class BoundedZip {
  private readonly entries = new Map<string, EntryRef>();
  private unzipped = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly limits: { maxEntries: number; maxUnzippedBytes: number },
  ) {
    this.readDirectory();
  }

  /** Entry names, as the central directory lists them. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Bytes unzipped so far, over every part read. */
  get unzippedBytes(): number {
    return this.unzipped;
  }

  private readDirectory(): void {
    const buf = this.buf;
    // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65535 bytes).
    let eocd = -1;
    for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
      if (buf.readUInt32LE(p) === 0x06054b50) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) throw new ZipRefusal("not-zip", "no end of central directory");
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    if (count === 0xffff || p === 0xffffffff) throw new ZipRefusal("unsupported", "zip64");
    if (count > this.limits.maxEntries) throw new ZipRefusal("too-many-entries", String(count));
    for (let i = 0; i < count; i++) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) {
        throw new ZipRefusal("damaged", "bad central directory");
      }
      const method = buf.readUInt16LE(p + 10);
      const compressedSize = buf.readUInt32LE(p + 20);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      const localHeader = buf.readUInt32LE(p + 42);
      const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
      this.entries.set(name, { method, compressedSize, localHeader });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The part's bytes, inflated within what is left of the budget; undefined when absent. */
  read(name: string): Buffer | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    const buf = this.buf;
    const h = e.localHeader;
    if (h + 30 > buf.length || buf.readUInt32LE(h) !== 0x04034b50) throw new ZipRefusal("damaged", name);
    const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
    const end = start + e.compressedSize;
    if (end > buf.length) throw new ZipRefusal("damaged", name);
    const raw = buf.subarray(start, end);
    const left = this.limits.maxUnzippedBytes - this.unzipped;
    let out: Buffer;
    if (e.method === 0) {
      if (raw.length > left) throw new ZipRefusal("too-large", name);
      out = Buffer.from(raw);
    } else if (e.method === 8) {
      try {
        out = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, left) });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError)
          throw new ZipRefusal("too-large", name);
        throw new ZipRefusal("damaged", name);
      }
    } else throw new ZipRefusal("unsupported", `compression method ${e.method}`);
    this.unzipped += out.length;
    if (this.unzipped > this.limits.maxUnzippedBytes) throw new ZipRefusal("too-large", name);
    return out;
  }
}
