// The text format of `getfattr --dump` and `setfattr --restore`: the one batch
// way to read and write xattrs of many files (Node has no xattr API).
//   # file: PATH
//   name=value
//   (blank line)
// In PATH, getfattr writes "\", newline and CR as \ooo octal; setfattr reads
// any \ooo back. Values stay in getfattr's own encodings ("text", 0x…, 0s…).

export interface XattrRecord {
  path: string;
  attrs: Array<[name: string, value: string]>;
}

export function quotePath(p: string): string {
  let out = '';
  for (const byte of Buffer.from(p, 'utf8')) {
    out += byte < 0x20 || byte === 0x7f || byte === 0x5c ? '\\' + byte.toString(8).padStart(3, '0') : String.fromCharCode(byte);
  }
  // Bytes ≥ 0x80 were kept as latin1 chars above: turn them back into UTF-8 text.
  return Buffer.from(out, 'latin1').toString('utf8');
}

export function unquotePath(q: string): string {
  const bytes = Buffer.from(q, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const oct = bytes.subarray(i + 1, i + 4).toString('latin1');
    if (bytes[i] === 0x5c && /^[0-7]{3}$/.test(oct)) {
      out.push(parseInt(oct, 8));
      i += 3;
    } else out.push(bytes[i]!);
  }
  return Buffer.from(out).toString('utf8');
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
