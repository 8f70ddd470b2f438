import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_RUN_FLAGS } from '../../source/bench/dashboard.js';

const root = join(import.meta.dirname, '..', '..');

describe('npm start', () => {
  it('runs the dashboard with the Node flags the bench measures it with', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const run = pkg.scripts.start!.split('&&').at(-1)!.trim().split(/\s+/);
    expect(run).toEqual(['node', ...NODE_RUN_FLAGS, 'dist/paratop.js']);
  });

  it('uses flags this Node accepts (a flag V8 dropped would stop npm start)', () => {
    const r = spawnSync(process.execPath, [...NODE_RUN_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
