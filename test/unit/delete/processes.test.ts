// Where delete looks for a sandbox's processes: every cgroup hierarchy that
// tracks units (on a hybrid host both the unified one and name=systemd), at
// the unit's cgroup path, also when the unit has none any more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cgroupMounts, defaultCgroup } from '../../../src/delete/processes.js';

test('hybrid layout (this build machine): the name=systemd and the unified mounts, not the controllers', () => {
  const mountinfo = [
    '30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
    '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
    '40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    '',
  ].join('\n');
  assert.equal(cgroupMounts(mountinfo), ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified']);
});

test('unified layout, and an escaped mount point', () => {
  assert.equal(cgroupMounts('28 22 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n'), ['/sys/fs/cgroup']);
  assert.equal(cgroupMounts('28 22 0:26 / /mnt/my\\040cg rw - cgroup2 none rw\n'), ['/mnt/my cg']);
});

test("a unit's cgroup path from its slice", () => {
  assert.is(defaultCgroup('system-apache2.slice', 'apache2@web.service'), '/system.slice/system-apache2.slice/apache2@web.service');
  assert.is(defaultCgroup('system.slice', 'x.service'), '/system.slice/x.service');
  assert.is(defaultCgroup('-.slice', 'x.service'), '/x.service');
});

test.run();
