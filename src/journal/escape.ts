// A message is text from the sandbox: control characters in it would drive
// the admin's terminal (ESC[2J clears it, OSC sequences set its title). They
// are printed as C escapes, the way systemd's cescape() writes them (\a \b \t
// kept, \n starts an indented continuation line as in `journalctl -o short`,
// everything else below 0x20, DEL and the C1 controls as \xNN); bytes that are
// not UTF-8 are escaped the same way.

const NAMED: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r', 0x5c: '\\\\' };

const hex = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`;

/** Escape one line's worth of bytes (no '\n' in it); a tab is kept. */
function escapeLine(bytes: Buffer): string {
  let out = '';
  const text = new TextDecoder('utf-8', { fatal: false });
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x09) {
      out += '\t';
      i++;
    } else if (b < 0x20 || b === 0x7f || b === 0x5c) {
      out += NAMED[b] ?? hex(b);
      i++;
    } else if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
    } else {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
      const seq = bytes.subarray(i, i + len);
      const ch = len && seq.length === len ? text.decode(seq) : '\ufffd';
      const cp = ch.codePointAt(0)!;
      if (ch === '\ufffd' || ch.length === 0 || (cp >= 0x80 && cp <= 0x9f)) {
        // Not UTF-8, or a C1 control (U+0080-U+009F: U+009B is a CSI on some terminals).
        const n = ch === '\ufffd' ? 1 : len;
        for (const x of bytes.subarray(i, i + n)) out += hex(x);
        i += n;
      } else {
        out += ch;
        i += len;
      }
    }
  }
  return out;
}

/** The message as it may be shown: continuation lines indented by `indent` spaces. */
export function escapeMessage(message: Buffer, indent: number): string {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= message.length; i++) {
    if (i === message.length || message[i] === 0x0a) {
      lines.push(message.subarray(start, i));
      start = i + 1;
    }
  }
  while (lines.length > 1 && lines[lines.length - 1]!.length === 0) lines.pop();
  return lines.map(escapeLine).join('\n' + ' '.repeat(indent));
}
