import { createInflateRaw } from 'node:zlib';
import { SheetError, type SheetLimits } from './errors.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const RATIO_FROM_BYTES = 1_000_000;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const invalid = (message: string) => new SheetError(`not a valid XLSX file: ${message}`, 422, 'SHEET_INVALID');
const tooLarge = (message: string) => new SheetError(message, 413, 'SHEET_TOO_LARGE');

/**
 * Reads a zip's central directory (End Of Central Directory record, then one header per entry) without
 * decompressing anything, and refuses what the limits forbid: too many entries, a declared total or an entry
 * too large, an absurd compression ratio. Costs a walk over a few kilobytes, whatever the entries declare.
 */
export function zipDirectory(buf: Buffer, limits: SheetLimits): ZipEntry[] {
  if (buf.length < 22 || buf.readUInt32LE(0) !== LOCAL)
    throw new SheetError('not a readable XLSX file: not a zip archive');
  // The EOCD record is the last thing in the file, followed by a comment of at most 65,535 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new SheetError('not a readable XLSX file: no zip directory');
  const count = buf.readUInt16LE(eocd + 10);
  const dirSize = buf.readUInt32LE(eocd + 12);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff)
    throw invalid('ZIP64 archives are not accepted (a sheet never needs one)');
  if (count > limits.maxEntries)
    throw tooLarge(`the workbook has ${count} parts; at most ${limits.maxEntries} are accepted`);
  if (dirOffset + dirSize > eocd) throw invalid('the zip directory points outside the file');
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let p = dirOffset, n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== CENTRAL) throw invalid('the zip directory is damaged');
    const nameLength = buf.readUInt16LE(p + 28);
    const entry: ZipEntry = {
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLength),
    };
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    total += entry.size;
    if (entry.size > limits.maxUncompressedBytes || total > limits.maxUncompressedBytes) {
      throw tooLarge(
        `the workbook unpacks to more than ${limits.maxUncompressedBytes} bytes; at most ${limits.maxUncompressedBytes} are accepted`,
      );
    }
    if (entry.size > RATIO_FROM_BYTES && entry.size / Math.max(1, entry.compressedSize) > limits.maxCompressionRatio) {
      throw invalid(`a part is compressed more than ${limits.maxCompressionRatio}:1, which no real sheet is`);
    }
    if (entry.method !== 0 && entry.method !== 8)
      throw invalid(`a part uses zip method ${entry.method}; only stored and deflated parts are accepted`);
    entries.push(entry);
  }
  return entries;
}

/** Counts `<row` elements in worksheet XML chunks (not `<rows`): a cheap bound on rows before any XML is parsed. */
function rowCounter() {
  let tail = Buffer.alloc(0);
  let rows = 0;
  return {
    add(chunk: Buffer) {
      // The last 4 bytes of the previous chunk join this one, so a tag cut between chunks is counted once.
      const text = Buffer.concat([tail, chunk]);
      for (let i = text.indexOf('<row'); i >= 0 && i + 4 < text.length; i = text.indexOf('<row', i + 4)) {
        const next = text[i + 4];
        if (next === 0x20 || next === 0x3e || next === 0x2f) rows++;
      }
      tail = text.subarray(Math.max(0, text.length - 4));
    },
    rows: () => rows,
  };
}

/**
 * Inflates one entry as a stream (in zlib's thread pool, off the event loop), keeping nothing but a byte count
 * and, for a worksheet, a row count: memory stays at one chunk whatever the entry holds. Stops as soon as it
 * produces more than its declared size.
 */
function inflateCounting(raw: Buffer, declared: number, countRows: boolean): Promise<{ size: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const z = createInflateRaw();
    const counter = rowCounter();
    let size = 0;
    z.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > declared) {
        z.destroy();
        reject(invalid('a part is larger than the zip directory says'));
      } else if (countRows) counter.add(chunk);
    });
    z.on('end', () => resolve({ size, rows: counter.rows() }));
    z.on('error', () => reject(invalid('a part cannot be decompressed')));
    z.end(raw);
  });
}

function storedCount(raw: Buffer, countRows: boolean) {
  const counter = rowCounter();
  if (countRows) counter.add(raw);
  return { size: raw.length, rows: counter.rows() };
}

/**
 * Checks what the directory declares against what the entries hold: each entry is inflated with its declared
 * size as the most it may produce, so a directory that lies about a size is caught, never trusted. Worksheets
 * are counted for rows.
 */
export async function verifyZip(
  buf: Buffer,
  entries: ZipEntry[],
  limits: SheetLimits,
  headerRows: number,
): Promise<void> {
  for (const e of entries) {
    if (e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== LOCAL)
      throw invalid('a zip entry is missing');
    const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
    if (start + e.compressedSize > buf.length) throw invalid('a zip entry is truncated');
    const raw = buf.subarray(start, start + e.compressedSize);
    const worksheet = /^xl\/worksheets\/[^/]+\.xml$/.test(e.name);
    const { size, rows } = e.method === 0 ? storedCount(raw, worksheet) : await inflateCounting(raw, e.size, worksheet);
    if (size !== e.size) throw invalid('a part is not the size the zip directory says');
    if (worksheet && rows > limits.maxRows + headerRows)
      throw tooLarge(`a worksheet has more than ${limits.maxRows} rows; split the list`);
  }
}
