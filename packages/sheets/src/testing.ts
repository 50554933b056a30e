import ExcelJS from 'exceljs';
import { createDeflateRaw, crc32, inflateRawSync } from 'node:zlib';
import { DEFAULT_SHEET_LIMITS } from './errors.js';
import { zipDirectory } from './zip.js';

// Test fixtures: real zip archives built byte by byte, for checking the limits against files a person (or an
// attacker) could send. Not used by services at run time.

/** One entry: its name, its deflated bytes, its real (or claimed) size and CRC. */
export interface RawEntry {
  name: string;
  deflated: Buffer;
  size: number;
  crc: number;
}

/** The entries of a zip (e.g. a workbook written by exceljs), decompressed. */
export function unzipEntries(zip: Buffer): Array<{ name: string; data: Buffer }> {
  return zipDirectory(zip, { ...DEFAULT_SHEET_LIMITS, maxCompressionRatio: Infinity }).map((e) => {
    const start = e.localOffset + 30 + zip.readUInt16LE(e.localOffset + 26) + zip.readUInt16LE(e.localOffset + 28);
    const raw = zip.subarray(start, start + e.compressedSize);
    return { name: e.name, data: e.method === 8 ? inflateRawSync(raw) : Buffer.from(raw) };
  });
}

/** An entry deflated from bytes in memory. */
export const entryOf = (name: string, data: Buffer): Promise<RawEntry> =>
  deflate([data]).then((deflated) => ({ name, deflated, size: data.length, crc: crc32(data) }));

/** An entry of `size` zero bytes, deflated in 1 MB steps: ~1000:1, so 450 MB take about 440 KB. */
export async function zerosEntry(name: string, size: number): Promise<RawEntry> {
  const mb = Buffer.alloc(1 << 20);
  const parts: Buffer[] = [];
  let crc = 0;
  for (let left = size; left > 0; left -= mb.length) {
    const part = left >= mb.length ? mb : mb.subarray(0, left);
    parts.push(part);
    crc = crc32(part, crc);
  }
  return { name, deflated: await deflate(parts), size, crc };
}

function deflate(parts: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    z.on('data', (c: Buffer) => out.push(c))
      .on('end', () => resolve(Buffer.concat(out)))
      .on('error', reject);
    for (const p of parts) z.write(p);
    z.end();
  });
}

/** A zip archive of deflated entries (local headers, central directory, End Of Central Directory record). */
export function zipArchive(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.deflated.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.deflated.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.deflated);
    centrals.push(central, name);
    offset += 30 + name.length + e.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A real workbook with one more entry (e.g. a bomb), as a crafted upload would be. */
export async function workbookWith(xlsx: Buffer, extra: RawEntry): Promise<Buffer> {
  const entries = await Promise.all(unzipEntries(xlsx).map((e) => entryOf(e.name, e.data)));
  return zipArchive([...entries, extra]);
}

/** A workbook read back with exceljs, for checking templates (services' tests need no exceljs of their own). */
export async function loadWorkbook(file: Buffer | ArrayBuffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file as ArrayBuffer);
  return book;
}
