// A unit file as systemd reads it (after Quadlet's model): ordered sections,
// each an ordered list of lines. Keys repeat and order matters, an empty
// assignment resets a list, '#'/';' start a comment only at the start of a
// line, and a trailing backslash continues the value on the next line. Every
// line keeps its raw text (for a byte-exact round trip) and its line number
// (so errors say file:line). The ini package can do none of this.
import { SandboxError } from '../errors.js';

export interface UnitEntry {
  kind: 'entry';
  key: string;
  /** Continuations joined with a space, as systemd does. */
  value: string;
  line: number;
  /** Original text (all physical lines), or undefined once changed. */
  raw?: string;
}

export interface UnitOther {
  kind: 'comment' | 'blank';
  raw: string;
  line: number;
}

export type UnitLine = UnitEntry | UnitOther;

export interface UnitSection {
  name: string;
  /** The header's raw text. */
  raw: string;
  line: number;
  lines: UnitLine[];
}

export class UnitFileError extends SandboxError {}

export class UnitFile {
  constructor(
    readonly file: string,
    /** Comments and blank lines before the first section. */
    readonly preamble: UnitOther[],
    readonly sectionList: UnitSection[],
    /** The text ended without a final newline. */
    readonly noFinalNewline = false,
  ) {}

  sections(): string[] {
    return this.sectionList.map((s) => s.name);
  }

  private section(name: string): UnitSection | undefined {
    return this.sectionList.find((s) => s.name === name);
  }

  entries(section: string): UnitEntry[] {
    return (this.section(section)?.lines ?? []).filter((l): l is UnitEntry => l.kind === 'entry');
  }

  has(section: string, key: string): boolean {
    return this.entries(section).some((e) => e.key === key);
  }

  /** All values of a list setting, after the last empty assignment (which resets the list). */
  getAll(section: string, key: string): string[] {
    let out: string[] = [];
    for (const e of this.entries(section)) {
      if (e.key !== key) continue;
      if (e.value === '') out = [];
      else out.push(e.value);
    }
    return out;
  }

  /** The last assignment wins; undefined when unset or reset by an empty assignment. */
  get(section: string, key: string): string | undefined {
    const all = this.entries(section).filter((e) => e.key === key);
    const last = all[all.length - 1];
    return last && last.value !== '' ? last.value : undefined;
  }

  addSection(name: string): void {
    if (!this.section(name)) this.sectionList.push({ name, raw: `[${name}]`, line: 0, lines: [] });
  }

  removeSection(name: string): void {
    const i = this.sectionList.findIndex((s) => s.name === name);
    if (i >= 0) this.sectionList.splice(i, 1);
  }

  /** Append after the last assignment of the key, or at the end of the section's entries. */
  add(section: string, key: string, value: string): void {
    this.addSection(section);
    const s = this.section(section)!;
    const entry: UnitEntry = { kind: 'entry', key, value, line: 0 };
    let at = -1;
    s.lines.forEach((l, i) => {
      if (l.kind === 'entry' && l.key === key) at = i;
    });
    if (at < 0) {
      // after the last entry, before trailing blank lines and comments
      s.lines.forEach((l, i) => {
        if (l.kind === 'entry') at = i;
      });
    }
    s.lines.splice(at + 1, 0, entry);
  }

  /** Replace every assignment of the key with one, where the first one was. */
  set(section: string, key: string, value: string): void {
    this.addSection(section);
    const s = this.section(section)!;
    const first = s.lines.findIndex((l) => l.kind === 'entry' && l.key === key);
    if (first < 0) return this.add(section, key, value);
    s.lines = s.lines.filter((l, i) => i === first || !(l.kind === 'entry' && l.key === key));
    s.lines[first] = { kind: 'entry', key, value, line: 0 };
  }

  unset(section: string, key: string): void {
    const s = this.section(section);
    if (s) s.lines = s.lines.filter((l) => !(l.kind === 'entry' && l.key === key));
  }

  clone(): UnitFile {
    return new UnitFile(
      this.file,
      this.preamble.map((l) => ({ ...l })),
      this.sectionList.map((s) => ({ ...s, lines: s.lines.map((l) => ({ ...l })) })),
      this.noFinalNewline,
    );
  }
}

export function parseUnitFile(text: string, file = 'unit file'): UnitFile {
  const physical = text.split('\n');
  const noFinalNewline = !text.endsWith('\n') && text !== '';
  if (!noFinalNewline) physical.pop();
  const preamble: UnitOther[] = [];
  const sections: UnitSection[] = [];
  let current: UnitSection | undefined;
  const push = (l: UnitLine) => {
    if (current) current.lines.push(l);
    else if (l.kind !== 'entry') preamble.push(l);
  };
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!;
    const line = i + 1;
    const t = raw.trim();
    if (t === '') {
      push({ kind: 'blank', raw, line });
      continue;
    }
    if (t.startsWith('#') || t.startsWith(';')) {
      push({ kind: 'comment', raw, line });
      continue;
    }
    if (t.startsWith('[')) {
      if (!t.endsWith(']') || t.length < 3) throw new UnitFileError(`${file}:${line}: malformed section header '${t}'`);
      current = { name: t.slice(1, -1), raw, line, lines: [] };
      sections.push(current);
      continue;
    }
    if (!current) throw new UnitFileError(`${file}:${line}: assignment outside of a section: '${t}'`);
    const eq = raw.indexOf('=');
    if (eq < 0) throw new UnitFileError(`${file}:${line}: missing '=': '${t}'`);
    const key = raw.slice(0, eq).trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) throw new UnitFileError(`${file}:${line}: invalid key '${key}'`);
    let value = raw.slice(eq + 1).trim();
    let rawText = raw;
    // A trailing backslash continues the value; comment lines inside are skipped, as systemd does.
    while (value.endsWith('\\') && i + 1 < physical.length) {
      value = value.slice(0, -1);
      i++;
      const next = physical[i]!;
      rawText += '\n' + next;
      const nt = next.trim();
      if (nt.startsWith('#') || nt.startsWith(';')) {
        value += '\\';
        continue;
      }
      value = (value.trimEnd() + ' ' + nt).trim();
    }
    current.lines.push({ kind: 'entry', key, value, line, raw: rawText });
  }
  return new UnitFile(file, preamble, sections, noFinalNewline);
}

export function serializeUnitFile(u: UnitFile): string {
  const out: string[] = u.preamble.map((l) => l.raw);
  u.sectionList.forEach((s, i) => {
    if (i > 0 && s.line === 0 && out.length && out[out.length - 1] !== '') out.push('');
    out.push(s.raw);
    for (const l of s.lines) out.push(l.kind === 'entry' ? (l.raw ?? `${l.key}=${l.value}`) : l.raw);
  });
  return out.join('\n') + (u.noFinalNewline ? '' : '\n');
}
