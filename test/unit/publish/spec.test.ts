// --publish specs and what ss says is listening: the rules, on literal inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPublish, listenValue, overlaps, parsePublish, parsePublishList } from '../../../src/publish/spec.js';
import { parseListeners } from '../../../src/publish/ports.js';

test('[ADDRESS:]HOSTPORT:PORT, with /tcp allowed', () => {
  assert.equal(parsePublish('8080:80'), { address: '', hostPort: 8080, port: 80 });
  assert.equal(parsePublish('127.0.0.1:8443:443/tcp'), { address: '127.0.0.1', hostPort: 8443, port: 443 });
  assert.equal(parsePublish('[::1]:8080:80'), { address: '[::1]', hostPort: 8080, port: 80 });
  assert.is(formatPublish(parsePublish('127.0.0.1:8443:443/tcp')), '127.0.0.1:8443:443');
  assert.is(listenValue(parsePublish('8080:80')), '8080');
  assert.is(listenValue(parsePublish('[::1]:8080:80')), '[::1]:8080');
});

test('bad specs are one-line usage errors naming the spec', () => {
  const bad: [string, RegExp][] = [
    ['80', /expected \[ADDRESS:\]HOSTPORT:PORT/],
    ['0:80', /host port 0 is not a port/],
    ['8080:70000', /port 70000 is not a port/],
    ['300.1.1.1:80:80', /300\.1\.1\.1 is not an IPv4 address/],
    ['53:53/udp', /only TCP can be published .* UDP is not supported/],
    ['x:80:80', /expected/],
    ['8080:80\nExecStart=/bin/sh', /expected/],
  ];
  for (const [spec, re] of bad) assert.throws(() => parsePublish(spec), (e: Error) => re.test(e.message) && !e.message.includes('\n'), spec);
});

test('two publishes collide on the same host port unless both name different addresses', () => {
  assert.ok(overlaps(parsePublish('8080:80'), parsePublish('127.0.0.1:8080:81')));
  assert.not.ok(overlaps(parsePublish('127.0.0.1:8080:80'), parsePublish('127.0.0.2:8080:80')));
  assert.not.ok(overlaps(parsePublish('8080:80'), parsePublish('8081:80')));
  assert.throws(() => parsePublishList(['8080:80', '127.0.0.1:8080:81']), /host port 8080 is already published by --publish 8080:80/);
});

test('ss -Hltnp lines: address, port and the holder when ss names it', () => {
  const out = [
    'LISTEN 0      4096         0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=812,fd=3))',
    'LISTEN 0      5          127.0.0.1:8090      0.0.0.0:*    users:(("python3",pid=77,fd=3))',
    'LISTEN 0      4096            [::]:443          [::]:*',
    'LISTEN 0      4096               *:8081            *:*    users:(("systemd",pid=1,fd=40))',
  ].join('\n');
  assert.equal(parseListeners(out), [
    { address: '', port: 22, holder: 'sshd (pid 812)' },
    { address: '127.0.0.1', port: 8090, holder: 'python3 (pid 77)' },
    { address: '', port: 443, holder: '' },
    { address: '', port: 8081, holder: 'systemd (pid 1)' },
  ]);
});

test.run();
