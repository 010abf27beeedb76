// Text from templates/ with {{name}} placeholders. Comment lines at the top of a
// template describe it and are not copied into what it generates.
import { readFileSync } from 'node:fs';
import { projectFile } from '../install-paths.js';

export function loadTemplate(name: string): string {
  return readFileSync(projectFile('templates', name), 'utf8');
}

export function fillTemplate(text: string, vars: Record<string, string>, name = 'template'): string {
  const body = text.replace(/^(#[^\n]*\n)+/, '');
  return body.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    const v = vars[key];
    if (v === undefined) throw new Error(`internal: ${name} uses {{${key}}} which has no value`);
    return v;
  });
}
