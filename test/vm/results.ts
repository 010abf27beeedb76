// What the VM's journey leaves behind, parsed: its results file (lines
// "ok NAME", "not ok NAME: why", "data KEY VALUE", "done") and the AVC denials
// of its audit log.

export interface Results {
  ok: string[];
  notOk: string[];
  data: Map<string, string>;
  done: boolean;
}

export function parseResults(text: string): Results {
  const r: Results = { ok: [], notOk: [], data: new Map(), done: false };
  for (const line of text.split('\n')) {
    if (line.startsWith('ok ')) r.ok.push(line.slice(3));
    else if (line.startsWith('not ok ')) r.notOk.push(line.slice(7));
    else if (line.startsWith('data ')) {
      const [key, ...value] = line.slice(5).split(' ');
      r.data.set(key!, value.join(' '));
    } else if (line === 'done') r.done = true;
  }
  return r;
}

export interface AvcDenial {
  perms: string[];
  scontext: string;
  tcontext: string;
  tclass: string;
  permissive: string;
  comm: string;
  line: string;
}

/** type=AVC … avc:  denied  { read } for … comm="cat" … scontext=… tcontext=… tclass=file permissive=0 */
export function parseAvcDenials(auditLog: string): AvcDenial[] {
  const out: AvcDenial[] = [];
  for (const line of auditLog.split('\n')) {
    const m = /avc:\s+denied\s+\{([^}]*)\}/.exec(line);
    if (!m) continue;
    const field = (k: string) => new RegExp(`\\b${k}=("([^"]*)"|\\S+)`).exec(line)?.[2] ?? new RegExp(`\\b${k}=(\\S+)`).exec(line)?.[1] ?? '';
    out.push({
      perms: m[1]!.trim().split(/\s+/),
      scontext: field('scontext'),
      tcontext: field('tcontext'),
      tclass: field('tclass'),
      permissive: field('permissive'),
      comm: field('comm'),
      line,
    });
  }
  return out;
}
