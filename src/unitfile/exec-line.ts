// Exec*= values: prefix flags, then argv split by systemd's quoting rules.

export interface ExecLine {
  /** '-', '@', '+', '!', '!!', ':' in the order given */
  flags: string[];
  argv: string[];
}

export function splitExecLine(value: string): ExecLine {
  let s = value.trim();
  const flags: string[] = [];
  for (;;) {
    if (s.startsWith('!!')) {
      flags.push('!!');
      s = s.slice(2);
    } else if (/^[-@+!:|]/.test(s)) {
      flags.push(s[0]!);
      s = s.slice(1);
    } else break;
  }
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === quote) quote = undefined;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(cur);
  return { flags, argv };
}
