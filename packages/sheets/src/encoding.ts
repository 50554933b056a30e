import { SheetError } from './errors.js';

/** The `charset` parameter of a content-type, lower-cased, if any. */
export function charsetOf(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m?.[1]?.toLowerCase();
}

function decoder(label: string, fatal: boolean): InstanceType<typeof TextDecoder> {
  try {
    return new TextDecoder(label, { fatal });
  } catch {
    throw new SheetError(
      `unknown charset "${label}"; send utf-8 or windows-1252, or no charset to let it be detected`,
      400,
      'UNKNOWN_CHARSET',
    );
  }
}

/**
 * Decodes a text upload. A byte order mark wins (UTF-8, UTF-16 LE/BE); then the request's `charset`, which must
 * decode without error; then UTF-8 when the bytes are valid UTF-8; else Windows-1252, which French Excel writes
 * for "CSV (séparateur: point-virgule)". A Windows-1252 file is never valid UTF-8 once it holds an accented
 * letter followed by an ASCII one, so the guess is safe for real sheets.
 */
export function decodeText(bytes: Uint8Array, charset?: string): { text: string; encoding: string } {
  const bom =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
      ? 'utf-8'
      : bytes[0] === 0xff && bytes[1] === 0xfe
        ? 'utf-16le'
        : bytes[0] === 0xfe && bytes[1] === 0xff
          ? 'utf-16be'
          : undefined;
  // TextDecoder drops the BOM of the encoding it decodes.
  if (bom) return { text: decoder(bom, false).decode(bytes), encoding: bom };
  if (charset) {
    const d = decoder(charset, true);
    try {
      return { text: d.decode(bytes), encoding: d.encoding };
    } catch {
      throw new SheetError(
        `the file is not valid ${d.encoding} as its charset says; send it with the right charset, or without one to let it be detected`,
        400,
        'BAD_ENCODING',
      );
    }
  }
  try {
    return { text: decoder('utf-8', true).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decoder('windows-1252', false).decode(bytes), encoding: 'windows-1252' };
  }
}
