// What the integration tests share: a booted test host and a way to run the
// real `sandbox` CLI inside it, as an admin would.
import path from 'node:path';
import { bootHost, findProjectDir, type ExecResult, type TestHost } from '../host/throwaway-host.js';

export const CLI = path.join(findProjectDir(), 'dist/src/cli.js');

export interface SandboxHost extends TestHost {
  sandbox(...args: string[]): Promise<ExecResult>;
  /** sh, failing the test with the output when the command fails. */
  ok(script: string): Promise<string>;
  mainPid(unit: string): Promise<number>;
  /** HTTP GET from inside the network namespace of a process. */
  curlIn(pid: number, url: string): Promise<ExecResult>;
}

export async function bootSandboxHost(name: string, bind: string[] = []): Promise<SandboxHost> {
  const h = await bootHost({ name, bind });
  const ext = h as SandboxHost;
  ext.sandbox = (...args) => h.exec(['node', CLI, ...args]);
  ext.ok = async (script) => {
    const r = await h.sh(script);
    if (r.exitCode !== 0) throw new Error(`'${script}' exited ${r.exitCode}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  ext.mainPid = async (unit) => Number((await ext.ok(`systemctl show -p MainPID --value ${unit}`)).trim());
  ext.curlIn = (pid, url) => h.exec(['nsenter', '-t', String(pid), '-n', 'curl', '-sS', '--max-time', '5', url]);
  return ext;
}

/** A line-by-line listing of a tree (path, type, mode, size, mtime) to compare before/after. */
export async function treeListing(h: TestHost, dirs: string[]): Promise<string> {
  const r = await h.sh(`find ${dirs.join(' ')} -xdev -printf '%p %y %m %s %T@\\n' 2>/dev/null | sort`);
  return r.stdout;
}
