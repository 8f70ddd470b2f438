/**
 * Runs the built program in a real pseudo-terminal and reads the screen back through a terminal
 * emulator. Waits are for content (re-checked on every chunk the program writes), never fixed sleeps.
 */
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const root = join(import.meta.dirname, '..', '..');

export interface Session {
  screen(): string[];
  bufferType(): string;
  raw(): string;
  press(keys: string): void;
  resize(cols: number, rows: number): void;
  waitFor(pred: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<string[]>;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(signal?: string): void;
}

/** The built program, run with `args` in a cols x rows pty. */
export function start(args: string[], cols = 120, rows = 40, extraEnv: Record<string, string> = {}): Session {
  return spawnIn(process.execPath, [join(root, 'dist', 'paratop.js'), ...args], cols, rows, extraEnv);
}

/** The command that starts the built program from a shell, in the project's folder. */
export const PARATOP_COMMAND = 'node dist/paratop.js';

/**
 * An interactive bash (no startup files, prompt `$ `) in a cols x rows pty: a shell with job
 * control, for what a user's shell sees of the program (Ctrl+Z, fg).
 */
export function startShell(cols = 100, rows = 30): Session {
  return spawnIn('bash', ['--norc', '--noprofile', '-i'], cols, rows, { PS1: '$ ' });
}

function spawnIn(file: string, args: string[], cols: number, rows: number, extraEnv: Record<string, string>): Session {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  // A UTF-8 locale, as on a desktop terminal: without one paratop draws in ASCII (tested on its own).
  const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: '0', TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '', ...extraEnv };
  delete env['NO_COLOR'];
  const p = pty.spawn(file, args, { cols, rows, cwd: root, env });
  let raw = '';
  const waiters = new Set<() => void>();
  // The program wraps every update in ESC[?2026h … ESC[?2026l (synchronized output); a pty may
  // deliver one update in several chunks, so the screen is only judged when no update is half
  // arrived (anything else, a shell's output, is judged as it comes).
  const FRAME_START = '\x1b[?2026h';
  const FRAME_END = '\x1b[?2026l';
  p.onData((d) => {
    raw += d;
    const complete = raw.lastIndexOf(FRAME_START) <= raw.lastIndexOf(FRAME_END);
    term.write(d, () => {
      if (complete) for (const w of [...waiters]) w();
    });
  });
  // Exited once the emulator has parsed everything the program wrote: xterm parses writes
  // asynchronously, so the last bytes (leaving the alternate screen) may still be queued when the
  // pty reports the exit. An empty write's callback runs after every earlier write is parsed; a
  // turn of the event loop first lets data the pty still holds arrive.
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => {
    p.onExit((e) => {
      setImmediate(() => {
        term.write('', () => {
          for (const w of [...waiters]) w();
          resolve(e);
        });
      });
    });
  });
  const screen = (): string[] => {
    const b = term.buffer.active;
    const out: string[] = [];
    // Text as read on screen: trailing spaces (even in reverse video) are not compared.
    for (let i = 0; i < term.rows; i++) out.push((b.getLine(i)?.translateToString(true) ?? '').trimEnd());
    return out;
  };
  return {
    screen,
    bufferType: () => term.buffer.active.type,
    raw: () => raw,
    press: (keys) => p.write(keys),
    resize: (c, r) => {
      p.resize(c, r);
      term.resize(c, r);
    },
    waitFor: (pred, what, timeoutMs = 8000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const s = screen();
          if (pred(s)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(s);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; screen was:\n${screen().join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    exited,
    kill: (signal = 'SIGTERM') => p.kill(signal),
  };
}
