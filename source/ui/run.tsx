/**
 * Starts the dashboard in the alternate screen, drawing through FrameWriter so only changed cells
 * reach the terminal, and guarantees the terminal comes back: on q,
 * Ctrl+C, SIGTERM, SIGHUP, SIGINT and uncaught errors the normal screen and cursor are restored
 * (Ink 6.8 has no alternate-screen option and its signal-exit handling skips 'exit'; see
 * stack-notes.md).
 */
import { render } from 'ink';
import type { Session } from '../session.js';
import type { Options } from '../cli/flags.js';
import { App } from './app.js';
import { FrameStats } from './frame-stats.js';
import { FrameWriter } from './frame-writer.js';

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?1049l\x1b[?25h';

export async function runDashboard(o: Options, session: Session): Promise<void> {
  const { host, warnings, player, recorder } = session;
  const out = process.stdout;
  const writer = new FrameWriter(out, out.columns || 80, out.rows || 24);
  const stats = new FrameStats(process.env['PARATOP_STATS']);
  if (stats.enabled) writer.onFlushed = () => stats.end();
  const onResize = (): void => writer.resize(out.columns || 80, out.rows || 24);
  out.on('resize', onResize);
  // Anything written to stderr while the dashboard is up (a Node warning, a stray log line) would
  // land in the middle of the screen and scroll it: hold it and print it once the screen is back.
  const err = process.stderr;
  const errWrite = err.write;
  const held: (string | Uint8Array)[] = [];
  err.write = ((chunk: string | Uint8Array): boolean => {
    held.push(chunk);
    return true;
  }) as typeof err.write;
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    err.write = errWrite;
    writer.close();
    out.off('resize', onResize);
    stats.save({ bytes: writer.bytesWritten, updates: writer.frames });
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
    } catch {
      // stdin already closed: nothing to restore there
    }
    out.write(LEAVE);
    for (const chunk of held) err.write(chunk);
    held.length = 0;
  };
  // Raw mode before the first frame, not when Ink's input effect gets round to it: the first frame
  // goes out at once, and keys typed in between would be echoed by the tty (an Enter's newline
  // scrolls the screen) and handed over as a cooked line ending in \n.
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  out.write(ENTER);
  process.on('exit', restore);
  const app = render(
    <App host={host} refreshMs={1000} initialSpeed={Number.isFinite(o.speed) ? o.speed : 100} color={o.color} ascii={o.ascii} warnings={warnings} player={player} recorder={recorder} contrast={o.contrast} onRepaint={() => writer.repaint()} onRefresh={stats.enabled ? () => stats.begin() : undefined} onModelStepped={stats.enabled ? () => stats.modelDone() : undefined} />,
    // debug: Ink hands each whole frame to `writer`, which sends only what changed.
    { stdout: writer as unknown as NodeJS.WriteStream, debug: true, exitOnCtrlC: false, patchConsole: false },
  );
  const bye = (code: number): void => {
    app.unmount();
    restore();
    process.exit(code);
  };
  process.on('SIGTERM', () => bye(128 + 15));
  process.on('SIGHUP', () => bye(128 + 1));
  process.on('SIGINT', () => bye(128 + 2));
  process.on('uncaughtException', (e) => {
    app.unmount();
    restore();
    process.stderr.write(`paratop: internal error: ${e.stack ?? e.message}\n`);
    process.exit(70);
  });
  await app.waitUntilExit();
  restore();
  for (const w of warnings) process.stderr.write(`paratop: ${w}\n`);
}
