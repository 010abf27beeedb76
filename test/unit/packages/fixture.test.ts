// The sbxdemo service script does what the sandbox tests rely on: "started
// MESSAGE" and its pid in the state file, a log line per start and per HUP.
// Run here with its three paths pointed into a temp dir.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../../test/fixtures/rpm/sbxdemo/sbxdemo.sh', import.meta.url));
const until = async (cond: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

test('starts, records MESSAGE and pid, logs a reload on HUP, exits on TERM', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sbx-demo-'));
  try {
    const text = (await fs.readFile(script, 'utf8')).replace(/=\/(etc|var\/lib|var\/log)\/sbxdemo\//g, `=${tmp}/`);
    await fs.writeFile(path.join(tmp, 'run.sh'), text);
    await fs.writeFile(path.join(tmp, 'sbxdemo.conf'), '# comment\nMESSAGE=hello sandbox\n');
    const child = spawn('sh', [path.join(tmp, 'run.sh')], { stdio: 'ignore' });
    const log = path.join(tmp, 'sbxdemo.log');
    const read = (f: string) => fs.readFile(f, 'utf8').catch(() => '');
    await until(async () => (await read(log)).includes('started'), 'the start');
    assert.is(await read(path.join(tmp, 'state')), `started hello sandbox\npid ${child.pid}\n`);
    child.kill('SIGHUP');
    await until(async () => (await read(log)).includes('reloaded'), 'the reload');
    assert.is(child.exitCode, null, 'still running after HUP');
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
    assert.is(await read(log), `started hello sandbox (pid ${child.pid})\nreloaded\n`);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

test.run();
