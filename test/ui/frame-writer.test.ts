import { describe, expect, it } from 'vitest';
import { FrameWriter } from '../../source/ui/frame-writer.js';

/** A writer on a 20x4 terminal, and what reached the terminal since the last call of `take`. */
function terminal() {
  const chunks: string[] = [];
  const w = new FrameWriter({ write: (s: string) => chunks.push(s) }, 20, 4);
  const take = (): string => chunks.splice(0).join('');
  return { w, take };
}

const frame = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('FrameWriter', () => {
  it('draws the first frame whole, then only what changed, and nothing for an unchanged frame', () => {
    const { w, take } = terminal();
    w.write(frame('paratop', 'web01  50.0', 'db01   10.0'));
    const first = take();
    expect(first).toContain('\x1b[2J');
    expect(first).toContain('web01  50.0');
    w.write(frame('paratop', 'web01  50.0', 'db01   10.0'));
    w.flush();
    expect(take()).toBe('');
    w.write(frame('paratop', 'web01  51.0', 'db01   10.0'));
    w.flush();
    const change = take();
    expect(change).not.toContain('\x1b[2J');
    expect(change).not.toContain('web01');
    expect(change).toContain('1');
    expect(change.length).toBeLessThan(40);
  });

  it('repaints the whole screen on Ctrl+L (repaint), the same frame again from a cleared terminal', () => {
    const { w, take } = terminal();
    w.write(frame('paratop', 'web01  50.0'));
    take();
    w.repaint();
    w.flush();
    const again = take();
    expect(again).toContain('\x1b[2J');
    expect(again).toContain('paratop');
    expect(again).toContain('web01  50.0');
  });
});
