// Self time by function of a V8 .cpuprofile (node --cpu-prof), largest first: for profile-create.ts.
//   node dist/bench/cpuprofile-summary.js FILE.cpuprofile [TOP=30]
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map<number, number>();
let total = 0;
p.samples.forEach((id, i) => {
  const d = p.timeDeltas[i]! / 1000;
  byId.set(id, (byId.get(id) ?? 0) + d);
  total += d;
});
const self = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of p.nodes) {
  const f = n.callFrame;
  const file = f.url.split('/').pop() || '(native)';
  const k = `${f.functionName || '(anon)'} ${file}:${f.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + (byId.get(n.id) ?? 0));
  byFile.set(file, (byFile.get(file) ?? 0) + (byId.get(n.id) ?? 0));
}
console.log(`profile total ${total.toFixed(0)} ms`);
const top = Number(process.argv[3] ?? 30);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);

// Wall span of named functions: from the first to the last sample with the function on the stack (async functions resume with themselves on it).
const names = (process.env.SPANS ?? '').split(',').filter(Boolean);
if (names.length) {
  const parent = new Map<number, number>();
  for (const n of p.nodes as (Node & { children?: number[] })[]) for (const c of n.children ?? []) parent.set(c, n.id);
  const fnOf = new Map(p.nodes.map((n) => [n.id, n.callFrame.functionName]));
  const spans = new Map<string, [number, number]>();
  let t = 0;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i]! / 1000;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = fnOf.get(cur)!;
      if (names.includes(f)) {
        const s = spans.get(f);
        spans.set(f, s ? [s[0], t] : [t, t]);
      }
    }
  });
  for (const n of names) {
    const s = spans.get(n);
    console.log(s ? `${n}: ${s[0].toFixed(0)}–${s[1].toFixed(0)} ms (${(s[1] - s[0]).toFixed(0)} ms)` : `${n}: not sampled`);
  }
}
