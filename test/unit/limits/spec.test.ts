// Resource limits as the command line gives them: parsed against a host of a
// known size, rendered as systemd's settings, refused in one line when wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatLimits, limitLines, parseAssignment, parseCpu, parseIoWeight, parseMemory, parseRecordedLimits, parseTasks } from '../../../src/limits/spec.js';

const host = { memoryBytes: 8 * 1024 ** 3, cpus: 2 };

test('sizes in powers of 1024, percent of one CPU, whole numbers', () => {
  assert.is(parseMemory('512M', host), 512 * 1024 ** 2);
  assert.is(parseMemory('1.5G', host), 1.5 * 1024 ** 3);
  assert.is(parseMemory('64KiB', host), 64 * 1024);
  assert.is(parseMemory('8G', host), 8 * 1024 ** 3);
  assert.is(parseCpu('50', host), 50);
  assert.is(parseCpu('200%', host), 200);
  assert.is(parseTasks('5'), 5);
  assert.is(parseIoWeight('10000'), 10000);
});

test('bad values: one line naming the option and the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => parseMemory('10QB', host), /^--memory '10QB': expected a size like 512M/],
    [() => parseMemory('-1G', host), /^--memory '-1G': expected a size/],
    [() => parseMemory('9G', host), /^--memory '9G': above the host's memory \(8192M\)$/],
    [() => parseMemory('100', host), /below one page/],
    [() => parseCpu('201', host), /^--cpu '201': must be 1 to 200 \(percent of one CPU; this host has 2\)$/],
    [() => parseCpu('0', host), /must be 1 to 200/],
    [() => parseTasks('-5'), /^--tasks '-5': expected a whole number/],
    [() => parseIoWeight('0'), /^--io-weight '0': must be 1 to 10000/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: Error) => re.test(e.message) && !e.message.includes('\n'), String(re));
});

test("set's KEY=VALUE: none lifts a limit, unknown keys are refused", () => {
  assert.equal(parseAssignment('memory=1G', host), ['memory', 1024 ** 3]);
  assert.equal(parseAssignment('io-weight=300', host), ['ioWeight', 300]);
  assert.equal(parseAssignment('tasks=none', host), ['tasks', undefined]);
  assert.throws(() => parseAssignment('swap=1G', host), /expected KEY=VALUE with KEY one of memory, cpu, tasks, io-weight/);
  assert.throws(() => parseAssignment('memory=lots', host), /^memory= 'lots': expected a size/);
});

test("rendered as systemd's settings and as the record's words, which read back", () => {
  const l = { memory: 268435456, cpu: 50, tasks: 64, ioWeight: 200 };
  assert.equal(limitLines(l), ['MemoryMax=268435456', 'CPUQuota=50%', 'TasksMax=64', 'IOWeight=200']);
  assert.equal(formatLimits(l), ['memory=268435456', 'cpu=50', 'tasks=64', 'io-weight=200']);
  assert.equal(parseRecordedLimits(formatLimits(l)), l);
  assert.equal(limitLines({}), []);
});

test.run();
