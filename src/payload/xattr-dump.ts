// The text format of `getfattr --dump` and `setfattr --restore`: the one batch
// way to read and write xattrs of many files (Node has no xattr API).
//   # file: PATH
//   name=value
//   (blank line)
// In PATH, getfattr writes "\", newline and CR as \ooo octal; setfattr reads
// any \ooo back. Values stay in getfattr's own encodings ("text", 0x…, 0s…).

import { decodeName, encodeName } from './bytes.js';

export interface XattrRecord {
  path: string;
  attrs: Array<[name: string, value: string]>;
}

export function quotePath(p: string): string {
  // Control bytes, '\' and bytes that are not UTF-8 (bytes.ts) as \ooo; UTF-8 text as it is.
  return p.replace(/[\x00-\x1f\x7f\\]|(?<![\ud800-\udbff])[\udc80-\udcff]/g, (c) => {
    const code = c.charCodeAt(0);
    return '\\' + (code >= 0xdc80 ? code - 0xdc00 : code).toString(8).padStart(3, '0');
  });
}

export function unquotePath(q: string): string {
  const bytes = encodeName(q);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const oct = bytes.subarray(i + 1, i + 4).toString('latin1');
    if (bytes[i] === 0x5c && /^[0-7]{3}$/.test(oct)) {
      out.push(parseInt(oct, 8));
      i += 3;
    } else out.push(bytes[i]!);
  }
  return decodeName(Buffer.from(out));
}

export function formatDump(records: readonly XattrRecord[]): string {
  return records
    .filter((r) => r.attrs.length > 0)
    .map((r) => `# file: ${quotePath(r.path)}\n${r.attrs.map(([n, v]) => `${n}=${v}\n`).join('')}\n`)
    .join('');
}

export function parseDump(text: string): XattrRecord[] {
  const out: XattrRecord[] = [];
  let cur: XattrRecord | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) out.push((cur = { path: unquotePath(line.slice(8)), attrs: [] }));
    else if (cur && line !== '' && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      // getfattr prints a bare name for an empty value
      cur.attrs.push(eq < 0 ? [line, '""'] : [line.slice(0, eq), line.slice(eq + 1)]);
    }
  }
  return out;
}

/** An xattr value in getfattr's hex encoding. */
export function hexValue(bytes: Buffer): string {
  return '0x' + bytes.toString('hex');
}

/** Decode a value in any of getfattr's encodings. */
export function decodeValue(value: string): Buffer {
  if (value.startsWith('0x')) return Buffer.from(value.slice(2), 'hex');
  if (value.startsWith('0s')) return Buffer.from(value.slice(2), 'base64');
  const text = value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  return Buffer.from(unquotePath(text.replace(/\\"/g, '"')), 'utf8');
}
