/**
 * Loads guest configs: every *.cfg in a folder, in name order. A broken file becomes a message
 * "file:line:col: why" and the others still load; nothing here throws.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GuestSpec } from '../model/guest-spec.js';
import { buildSpec } from './guest-spec.js';
import { ConfigError } from './lexer.js';
import { parseConfig } from './parser.js';

export interface ConfigProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.col}: ${p.message}` : `${p.file}: ${p.message}`;
}

export type ParseResult = { readonly ok: true; readonly spec: GuestSpec } | { readonly ok: false; readonly problem: ConfigProblem };

export function parseGuestConfig(text: string, file: string): ParseResult {
  try {
    return { ok: true, spec: buildSpec(parseConfig(text), file) };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, problem: { file, line: e.line, col: e.col, message: e.message } };
    throw e;
  }
}

/** What a failed read says, in the C library's words (strerror), as xl and the shell print them. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  EMFILE: 'Too many open files',
  EIO: 'Input/output error',
};

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined ? STRERROR[code] : undefined) ?? code ?? String(e);
}

/**
 * A config file, and (`vars`) `key=value` settings read after its own lines, as xl create
 * appends its command line's to the file's text (a later setting overrides an earlier one; a
 * problem in one is reported at its line past the file's end, as xl's parser sees it).
 */
/** Reads a config file's text (throws as readFileSync does). */
export type ConfigReader = (file: string) => string;

const readFromDisk: ConfigReader = (file) => readFileSync(file, 'utf8');
let readConfig: ConfigReader = readFromDisk;

/**
 * Where loadGuestFile reads (xl create, config-update): the file system, unless a session says
 * otherwise. A recording session keeps what was read, and its replay reads those copies, so a
 * file edited since does not change the replay. Null: the file system again.
 */
export function setConfigReader(r: ConfigReader | null): void {
  readConfig = r ?? readFromDisk;
}

export function loadGuestFile(file: string, vars: readonly string[] = []): ParseResult {
  let text: string;
  try {
    text = readConfig(file);
  } catch (e) {
    return { ok: false, problem: { file, line: 0, col: 0, message: `cannot read: ${errnoText(e)}` } };
  }
  return parseGuestConfig(vars.length > 0 ? `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${vars.join('\n')}\n` : text, file);
}

export interface LoadedGuests {
  readonly specs: GuestSpec[];
  readonly problems: ConfigProblem[];
}

export interface GuestText {
  readonly file: string;
  readonly text: string;
}

/**
 * The *.cfg files of a folder, in name order, as text (unreadable ones become problems). A path to
 * a file is that one config, whatever its name (as `xl create FILE` takes it). A folder whose
 * files do not end in .cfg says so, and names them, rather than booting nothing in silence.
 */
export function readGuestDir(dir: string): { texts: GuestText[]; problems: ConfigProblem[] } {
  const texts: GuestText[] = [];
  const problems: ConfigProblem[] = [];
  let names: string[];
  try {
    const st = statSync(dir);
    if (st.isFile()) return { texts: [{ file: dir, text: readFileSync(dir, 'utf8') }], problems };
    if (!st.isDirectory()) return { texts, problems: [{ file: dir, line: 0, col: 0, message: 'not a directory or a config file' }] };
    const all = readdirSync(dir, { withFileTypes: true });
    names = all.filter((d) => d.name.endsWith('.cfg')).map((d) => d.name).sort();
    if (names.length === 0) {
      const visible = all.filter((d) => !d.name.startsWith('.'));
      const others = visible.filter((d) => !d.isDirectory()).map((d) => d.name).sort();
      const folders = visible.filter((d) => d.isDirectory()).map((d) => `${d.name}/`).sort();
      const list = (xs: string[]): string => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));
      const what = [
        ...(others.length > 0 ? [`not read: ${list(others)}`] : []),
        ...(folders.length > 0 ? [`subfolders are not searched: ${list(folders)}`] : []),
      ];
      problems.push({ file: dir, line: 0, col: 0, message: `no *.cfg guest configs here (${what.length > 0 ? what.join('; ') : 'the folder is empty'}); name them *.cfg, or give one with --guests FILE or -c 'create FILE'` });
    }
  } catch (e) {
    return { texts, problems: [{ file: dir, line: 0, col: 0, message: `cannot read: ${errnoText(e)}` }] };
  }
  for (const n of names) {
    const file = join(dir, n);
    try {
      texts.push({ file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      problems.push({ file, line: 0, col: 0, message: `cannot read: ${errnoText(e)}` });
    }
  }
  return { texts, problems };
}

/** Parses config texts; a broken one becomes a problem and the rest still load. */
export function loadGuestTexts(texts: readonly GuestText[], problems: ConfigProblem[] = []): LoadedGuests {
  const specs: GuestSpec[] = [];
  for (const { file, text } of texts) {
    const r = parseGuestConfig(text, file);
    if (!r.ok) {
      problems.push(r.problem);
      continue;
    }
    const dup = specs.find((s) => s.name === r.spec.name);
    if (dup !== undefined) {
      problems.push({ file, line: 0, col: 0, message: `Domain with name "${r.spec.name}" already exists (also in ${dup.source}); not loaded` });
      continue;
    }
    specs.push(r.spec);
  }
  return { specs, problems };
}

export function loadGuestDir(dir: string): LoadedGuests {
  const { texts, problems } = readGuestDir(dir);
  return loadGuestTexts(texts, problems);
}
