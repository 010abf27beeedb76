// Values from outside the unit (package file lists, --copy paths, the host's
// /run, labels) written into generated units, each the way systemd 252 parses
// the setting it lands in (systemd.syntax(7), systemd.exec(5)). What no
// quoting can carry is refused, naming the value, before anything is written:
// a newline or any other control character (a newline would start a new
// setting: `ExecStartPre=+/usr/bin/touch /root/pwned`), and names that are not
// UTF-8 (systemd hands every setting over D-Bus, which carries UTF-8 only).
import { UsageError } from '../errors.js';

const CONTROL = /[\x00-\x1f\x7f]/;
// A lone surrogate is a byte of a non-UTF-8 name (payload/bytes.ts); U+FFFD is what a decoder made of one.
const NOT_UTF8 = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\ufffd/;

/** Refuse what no unit-file quoting can hold. `what` names the value's source, e.g. "--copy" or "path". */
export function checkUnitValue(what: string, value: string): void {
  if (CONTROL.test(value)) {
    throw new UsageError(`${what} ${JSON.stringify(value)}: has a control character (newline, tab, …), which cannot be written into a unit file`);
  }
  if (NOT_UTF8.test(value)) throw new UsageError(`${what} ${JSON.stringify(value)}: is not UTF-8, which cannot be written into a unit file`);
}

/**
 * One path of BindPaths=/BindReadOnlyPaths=. systemd splits the value at
 * whitespace and ':' with EXTRACT_UNQUOTE|EXTRACT_UNESCAPE_SEPARATORS: a
 * backslash keeps a separator or a backslash literal, quotes group, and then
 * each word is expanded for % specifiers. So ' ', ':' and '\' get a '\', a
 * quote is wrapped in the other quote, '%' becomes '%%'.
 */
export function bindPathWord(what: string, p: string): string {
  checkUnitValue(what, p);
  if (!p.startsWith('/')) throw new UsageError(`${what} ${JSON.stringify(p)}: not an absolute path`);
  let out = '';
  for (const c of p) {
    if (c === '%') out += '%%';
    else if (c === ' ' || c === ':' || c === '\\') out += '\\' + c;
    else if (c === "'") out += `"'"`;
    else if (c === '"') out += `'"'`;
    else out += c;
  }
  return out;
}

/** BindPaths= item SOURCE:DEST (one line per item, so no item can run into another). */
export function bindPathItem(what: string, source: string, dest: string): string {
  // The host path first: an error names it, not its copy in the tree.
  const d = bindPathWord(what, dest);
  return `${bindPathWord(what, source)}:${d}`;
}

/**
 * The inverse of bindPathItem: [SOURCE, DEST] of an item it wrote, or
 * undefined for any other (one bindPathItem would not write back as it is).
 */
export function readBindPathItem(item: string): [source: string, dest: string] | undefined {
  const words = [''];
  let quote = '';
  for (let i = 0; i < item.length; i++) {
    const c = item[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else words[words.length - 1] += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\' && i + 1 < item.length) words[words.length - 1] += item[++i];
    else if (c === ':') words.push('');
    else words[words.length - 1] += c;
  }
  if (quote || words.length !== 2) return undefined;
  const [source, dest] = words.map((w) => w.replace(/%%/g, '%')) as [string, string];
  try {
    return bindPathItem('path', source, dest) === item ? [source, dest] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One argument of an Exec*= command line: systemd splits it with
 * EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE, then expands % specifiers per word and
 * $VAR at run time. Written in double quotes with '\' and '"' escaped,
 * '%' as '%%' and '$' as '$$' (a plain path is left as it is).
 */
export function execArgument(what: string, arg: string): string {
  checkUnitValue(what, arg);
  if (/^[A-Za-z0-9_@.\/+%-]*$/.test(arg)) return arg.replace(/%/g, '%%');
  return '"' + arg.replace(/[\\"]/g, (c) => '\\' + c).replace(/%/g, '%%').replace(/\$/g, '$$$$') + '"';
}

/** An SELinux context as SELinuxContext= takes it whole: user:role:type:s0[-s0]:cA,cB, nothing else. */
export function checkContextValue(what: string, context: string): string {
  if (!/^[A-Za-z0-9_.]+:[A-Za-z0-9_.]+:[A-Za-z0-9_.]+:s0(?:-s0)?(?::c\d{1,4}(?:[,.]c\d{1,4})*)?$/.test(context)) {
    throw new UsageError(`${what} ${JSON.stringify(context)}: not an SELinux context that can be written into a unit file`);
  }
  return context;
}
