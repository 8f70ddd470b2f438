import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const modelDir = join(import.meta.dirname, '..', '..', 'source', 'model');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('source/model is pure and deterministic', () => {
  it('reads no wall clock, no Math.random, no timers, and imports nothing outside itself', () => {
    const bad: string[] = [];
    for (const f of files(modelDir)) {
      const text = readFileSync(f, 'utf8');
      if (/Date\.now|new Date\(|Math\.random|setTimeout|setInterval|performance\.now|process\./.test(text)) bad.push(`${relative(modelDir, f)}: wall clock or randomness`);
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1]!;
        if (!spec.startsWith('.')) bad.push(`${relative(modelDir, f)}: imports ${spec}`);
        else if (!join(f, '..', spec).startsWith(modelDir)) bad.push(`${relative(modelDir, f)}: imports ${spec} from outside the model`);
      }
    }
    expect(bad).toEqual([]);
  });
});
