// File names are bytes; Node's string paths are UTF-8. A name that is not
// UTF-8 (a \xff byte, which any web upload can make) would turn into U+FFFD
// and then not be found. Such a name travels in a string the way Python's
// surrogateescape carries it: each byte that is not part of valid UTF-8
// becomes the lone surrogate U+DC00+byte (U+DC80…U+DCFF), which no UTF-8 text
// decodes to, and it becomes those bytes again wherever it reaches the kernel
// (fsPath) or a child (encodeName).

const LONE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
const LONE_ALL = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

/** Bytes → string; valid UTF-8 decodes as usual, every other byte as U+DC00+byte. */
export function decodeName(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!text.includes('\ufffd') || Buffer.from(text, 'utf8').equals(bytes)) return text;
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    const seq = n ? bytes.subarray(i, i + n) : undefined;
    const s = seq && seq.length === n ? seq.toString('utf8') : undefined;
    // A sequence is valid when it decodes to one character that encodes back to it.
    if (s !== undefined && !s.includes('\ufffd') && Buffer.from(s, 'utf8').equals(seq!)) {
      out += s;
      i += n;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i += 1;
    }
  }
  return out;
}

/** String → the bytes it stands for (the inverse of decodeName). */
export function encodeName(s: string): Buffer {
  if (!LONE.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of s.matchAll(LONE_ALL)) {
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'), Buffer.from([m[0].charCodeAt(0) - 0xdc00]));
    last = m.index! + 1;
  }
  parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** Does the name hold a byte that is not UTF-8? */
export function hasRawBytes(s: string): boolean {
  return LONE.test(s);
}

/** A path for node:fs: the string itself, or its bytes when it holds a non-UTF-8 byte. */
export function fsPath(s: string): string | Buffer {
  return LONE.test(s) ? encodeName(s) : s;
}
