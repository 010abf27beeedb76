// What the test host sees: victim units outside every sandbox, files, owners.
import type { ProbeHost } from './runner.js';

export interface UnitState {
  active: string;
  mainPid: number;
}

/** A host process outside every sandbox, run by systemd as root with the test host's full set. */
export async function startVictim(h: ProbeHost, name: string): Promise<{ unit: string; pid: number }> {
  const unit = `sbxvictim-${name}.service`;
  await h.ok(`systemd-run -q --unit=${unit} --property=Type=exec sleep infinity`);
  const pid = await h.mainPid(unit);
  if (!(pid > 1)) throw new Error(`victim ${unit} has no main PID`);
  return { unit, pid };
}

export async function unitState(h: ProbeHost, unit: string): Promise<UnitState> {
  const out = await h.ok(`systemctl show -p ActiveState -p MainPID ${unit}`);
  return {
    active: /^ActiveState=(.*)$/m.exec(out)?.[1] ?? '',
    mainPid: Number(/^MainPID=(\d+)$/m.exec(out)?.[1] ?? 0),
  };
}

/** True when the victim is still active with the MainPID it had: nothing killed or replaced it. */
export async function victimUnharmed(h: ProbeHost, v: { unit: string; pid: number }): Promise<{ ok: boolean; evidence: string }> {
  const s = await unitState(h, v.unit);
  const alive = (await h.exec(['kill', '-0', String(v.pid)])).exitCode === 0;
  return {
    ok: s.active === 'active' && s.mainPid === v.pid && alive,
    evidence: `victim ${v.unit}: ${s.active}, MainPID ${s.mainPid} (was ${v.pid}), pid ${v.pid} ${alive ? 'alive' : 'gone'}`,
  };
}

export async function exists(h: ProbeHost, p: string): Promise<boolean> {
  return (await h.exec(['test', '-e', p])).exitCode === 0;
}

/** A file's text, or '' when it does not exist. */
export async function readOr(h: ProbeHost, p: string): Promise<string> {
  const r = await h.exec(['cat', p]);
  return r.exitCode === 0 ? r.stdout : '';
}
