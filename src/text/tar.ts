/**
 * A reader of tar streams (POSIX ustar with pax and GNU long-name headers: what GNU tar and Debian's
 * source tarballs write), fed chunk by chunk, so a corpus can be read out of a compressed tarball as `xz -dc`
 * streams it, without unpacking it to disk. Only regular files are reported; a file's bytes are kept only
 * when `want` asks for them.
 *
 *   a 512-byte header: name[0,100) … size[124,136) octal … type[156] … ustar prefix[345,500)
 *   the body, padded to 512 bytes; type 'x' (pax: "len key=value\n" records, path=) and 'L' (GNU: the
 *   next entry's name) describe the entry after them; two zero blocks end the archive.
 */
import { GatescopeError } from "../errors";

const BLOCK = 512;

/** A regular file in the archive: its path and size in bytes, and its bytes when they were wanted. */
export interface TarFile {
  name: string;
  size: number;
  data: Buffer | null;
}

const field = (h: Buffer, from: number, length: number): string => {
  const raw = h.subarray(from, from + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString("utf8");
};

/** Parses the archive fed to `push`, calling `onFile` for each regular file. */
export class TarReader {
  private pending: Buffer = Buffer.alloc(0);
  private entry: { name: string; size: number; type: string; body: Buffer[] | null; left: number } | null = null;
  private longName: string | null = null;
  private ended = false;

  constructor(
    private readonly want: (name: string, size: number) => boolean,
    private readonly onFile: (file: TarFile) => void,
    private readonly what = "tar stream",
  ) {}

  /** The next bytes of the archive, in order. */
  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (!this.ended) {
      if (this.entry) {
        const padded = Math.ceil(this.entry.size / BLOCK) * BLOCK;
        const take = Math.min(this.entry.left, this.pending.length - at);
        if (take === 0 && this.entry.left > 0) break;
        const from = padded - this.entry.left; // offset in the padded body
        const useful = Math.max(0, Math.min(from + take, this.entry.size) - from);
        if (this.entry.body && useful > 0) this.entry.body.push(Buffer.from(this.pending.subarray(at, at + useful)));
        this.entry.left -= take;
        at += take;
        if (this.entry.left === 0) this.finishEntry();
        continue;
      }
      if (this.pending.length - at < BLOCK) break;
      const header = this.pending.subarray(at, at + BLOCK);
      at += BLOCK;
      if (header.every((b) => b === 0)) {
        this.ended = true; // the first of the two zero blocks
        break;
      }
      this.startEntry(header);
    }
    this.pending = this.pending.subarray(at);
  }

  /** Called once the stream has ended: an archive cut short is an error, not a shorter corpus. */
  end(): void {
    if (this.entry || (!this.ended && this.pending.length > 0))
      throw new GatescopeError(`${this.what}: expected a whole tar archive, got one that ends inside an entry`);
    if (!this.ended) throw new GatescopeError(`${this.what}: expected a tar archive's end blocks, got none`);
  }

  private startEntry(h: Buffer): void {
    const sum = h.reduce((s, b, i) => s + (i >= 148 && i < 156 ? 32 : b), 0);
    if (parseInt(field(h, 148, 8).trim(), 8) !== sum)
      throw new GatescopeError(`${this.what}: expected tar headers with valid checksums, got a damaged header`);
    const size = parseInt(field(h, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(h[156] || 48); // '\0' is an old tar's regular file
    const prefix = field(h, 345, 155);
    const name = this.longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    const meta = type === "x" || type === "L";
    const regular = type === "0" || type === "7";
    if (!meta) this.longName = null;
    const keep = meta || (regular && this.want(name, size));
    this.entry = { name, size, type, body: keep ? [] : null, left: Math.ceil(size / BLOCK) * BLOCK };
    if (this.entry.left === 0) this.finishEntry();
  }

  private finishEntry(): void {
    const e = this.entry!;
    this.entry = null;
    const data = e.body ? Buffer.concat(e.body) : null;
    if (e.type === "L") this.longName = data!.toString("utf8").replace(/\0+$/, "");
    else if (e.type === "x") this.longName = paxPath(data!) ?? this.longName;
    else if (e.type === "0" || e.type === "7") this.onFile({ name: e.name, size: e.size, data });
  }
}

/** The path= record of a pax header, if it has one. */
function paxPath(body: Buffer): string | null {
  let at = 0;
  let path: string | null = null;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = parseInt(body.subarray(at, space).toString("ascii"), 10);
    if (space < 0 || !(length > 0)) break;
    const record = body.subarray(space + 1, at + length - 1).toString("utf8");
    if (record.startsWith("path=")) path = record.slice(5);
    at += length;
  }
  return path;
}
