/**
 * One entry for the command language, used by -c, the dashboard's ':' prompt and scenarios:
 * parse a line, find the command, check its arguments, run it. "xl " in front is accepted.
 */
import { readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import type { Host } from '../model/host.js';
import { COMMANDS, commandUsage, findCommand, xlHelp } from './table.js';
import type { CommandResult } from './table.js';
import { getopt } from './getopt.js';
import { splitWords } from './words.js';

export function runCommand(host: Host, line: string): CommandResult {
  const words = splitWords(line.trim());
  if (typeof words === 'string') return { ok: false, out: [], err: [`syntax error: ${words}`] };
  if (words[0] === 'xl') words.shift();
  // xl's global options, before the command (xl [-vfNtT] <subcommand>): -v (verbose), -f (force),
  // -t and -T (progress and timestamps on its log) change nothing here; -N is a dry run, which
  // only create has (create -n).
  let dryRun = false;
  while (words[0] !== undefined && /^-[A-Za-z]+$/.test(words[0])) {
    for (const c of words.shift()!.slice(1)) {
      if (c === 'N') dryRun = true;
      else if (!'vftT'.includes(c)) return { ok: false, out: [], err: [`xl: invalid option -- '${c}'`, 'unknown global option'] };
    }
  }
  const name = words[0];
  if (name === undefined) return dryRun ? { ok: false, out: [], err: ['xl: which command? (xl [-vfN] <subcommand> [args])'] } : { ok: true, out: [], err: [] };
  if (name === 'help') return xlHelp(words[1]);
  const cmd = findCommand(name);
  if (cmd === undefined) return { ok: false, out: [], err: [`command "${name}" not implemented`, 'Type "help" for the list of commands.'] };
  if (dryRun) {
    if (cmd.name !== 'create') return { ok: false, out: [], err: ['command does not implement -N (dryrun) option'] };
    words.splice(1, 0, '-n');
  }
  // xl's def_getopt: an option it does not take stops the command; -h prints its help.
  const parsed = getopt(words.slice(1), cmd.options ?? '', cmd.longOptions);
  if ('bad' in parsed) return { ok: false, out: [], err: [`option \`${parsed.bad}' not supported.`] };
  if (parsed.opts.has('h')) return { ok: true, out: commandUsage(cmd), err: [], prose: true };
  const args = parsed.operands;
  if (args.length < cmd.minArgs) {
    return {
      ok: false,
      out: [],
      err: [`'xl ${cmd.name}' requires at least ${cmd.minArgs} argument${cmd.minArgs === 1 ? '' : 's'}.`, '', ...commandUsage(cmd)],
    };
  }
  return cmd.run(args, host, parsed.opts);
}

/**
 * Completion for the prompt: command names first (and after `help`), a file path after `create`
 * (as a shell completes it: a folder ends in `/`, dotfiles only when asked for), else domain names.
 */
export function complete(host: Host, line: string): string[] {
  const words = line.split(' ');
  const last = words[words.length - 1] ?? '';
  const commands = words.length <= 1 || (words.length === 2 && words[0] === 'help');
  const before = words.slice(0, -1);
  const withLast = (p: string): string => [...before, p].join(' ');
  const cmdWord = before.find((w) => w !== 'xl' && !w.startsWith('-'));
  if (!commands && cmdWord === 'create' && !last.startsWith('-') && !last.includes('=')) return completePath(last).map(withLast);
  const pool = commands ? ['help', ...COMMANDS.map((c) => c.name)] : host.domains().map((d) => d.name);
  return pool.filter((p) => p.startsWith(last)).map(withLast);
}

/** Paths that `partial` can be completed to, sorted; folders end in `/`. */
function completePath(partial: string): string[] {
  const slash = partial.lastIndexOf('/');
  const dir = slash < 0 ? '' : partial.slice(0, slash + 1);
  const base = partial.slice(slash + 1);
  let names: Dirent[];
  try {
    names = readdirSync(dir === '' ? '.' : dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return names
    .filter((e) => e.name.startsWith(base) && (base.startsWith('.') || !e.name.startsWith('.')))
    .map((e) => `${dir}${e.name}${e.isDirectory() ? '/' : ''}`)
    .sort();
}

/** The longest prefix all of `options` share. */
export function commonPrefix(options: readonly string[]): string {
  if (options.length === 0) return '';
  let p = options[0]!;
  for (const o of options) while (!o.startsWith(p)) p = p.slice(0, -1);
  return p;
}
