/**
 * Starts the dashboard in the alternate screen, drawing through FrameWriter so only changed cells
 * reach the terminal, and guarantees the terminal comes back: on q,
 * Ctrl+C, SIGTERM, SIGHUP, SIGINT and uncaught errors the normal screen and cursor are restored,
 * and lent to the shell on Ctrl+Z or SIGTSTP until the process is continued
 * (Ink 6.8 has no alternate-screen option and its signal-exit handling skips 'exit'; see
 * stack-notes.md).
 */
import { render } from 'ink';
import type { Session } from '../session.js';
import type { Options } from '../cli/flags.js';
import { terminalLine } from '../output/sanitize.js';
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
  // Ctrl+Z and SIGTSTP, as a curses program (htop, top, xentop) takes them: the normal screen and
  // the cooked tty go back to the shell, the process stops, and `fg` brings the screen back,
  // drawn whole at the terminal's size then. Raw mode turns off the tty's own Ctrl+Z, so the key
  // sends SIGTSTP to the process group itself (with `npm start`, npm and its shell stop too, and
  // the job is the shell's again). The handler stands aside and re-raises the signal, whose
  // default action stops the process; in an orphaned process group (no shell to continue it) the
  // kernel discards it and the screen is back at once.
  let suspended = false;
  const lend = (): void => {
    if (suspended || restored) return;
    suspended = true;
    writer.suspend();
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
    } catch {
      // stdin already closed
    }
    out.write(LEAVE);
  };
  const takeBack = (): void => {
    if (!suspended || restored) return;
    suspended = false;
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    out.write(ENTER);
    // A resize while stopped signalled the shell (the foreground then), not this process, so
    // Node's size is stale: read it again as Node does on SIGWINCH (tty.WriteStream's
    // _refreshSize, which emits 'resize' if it changed; raising SIGWINCH would do the same, later).
    const refresh = (out as unknown as { _refreshSize?: () => void })._refreshSize;
    if (typeof refresh === 'function') refresh.call(out);
    onResize();
    writer.resume();
  };
  const onStop = (): void => {
    lend();
    process.off('SIGTSTP', onStop);
    process.kill(process.pid, 'SIGTSTP');
    // Runs once the process is continued (or at once if the signal was discarded).
    setImmediate(() => {
      process.on('SIGTSTP', onStop);
      takeBack();
    });
  };
  process.on('SIGTSTP', onStop);
  const suspend = (): void => {
    lend();
    try {
      process.kill(0, 'SIGTSTP');
    } catch {
      onStop();
    }
  };
  const app = render(
    <App host={host} refreshMs={1000} initialSpeed={Number.isFinite(o.speed) ? o.speed : 100} color={o.color} ascii={o.ascii} warnings={warnings} player={player} recorder={recorder} contrast={o.contrast} vcpuLines={o.vcpus} repeatHeader={o.repeatHeader} onRepaint={() => writer.repaint()} onSuspend={suspend} onRefresh={stats.enabled ? () => stats.begin() : undefined} onModelStepped={stats.enabled ? () => stats.modelDone() : undefined} />,
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
  for (const w of warnings) process.stderr.write(`paratop: ${terminalLine(w)}\n`);
}
