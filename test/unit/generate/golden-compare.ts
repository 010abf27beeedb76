// Compares what the generator makes with the golden files on disk, both ways:
// a generated file without a golden file, a golden file nothing generates, and
// a difference are each a problem. Never writes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface GoldenProblem {
  name: string;
  kind: 'missing golden file' | 'golden file not generated' | 'differs';
}

export function compareGolden(dir: string, generated: Map<string, string>): GoldenProblem[] {
  const onDisk = existsSync(dir) ? readdirSync(dir).sort() : [];
  const problems: GoldenProblem[] = [];
  for (const [name, content] of [...generated].sort(([a], [b]) => a.localeCompare(b))) {
    const file = path.join(dir, name);
    if (!existsSync(file)) problems.push({ name, kind: 'missing golden file' });
    else if (readFileSync(file, 'utf8') !== content) problems.push({ name, kind: 'differs' });
  }
  for (const name of onDisk) if (!generated.has(name)) problems.push({ name, kind: 'golden file not generated' });
  return problems;
}
