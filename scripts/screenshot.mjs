// `npm run screenshot`: starts the real program in a 100x30 pseudo-terminal, lets the demo guests
// run for a few simulated seconds, reads the screen back through a terminal emulator and writes it
// to docs/screenshot.txt and into README.md between the screenshot markers. Run it again whenever
// the screen changes; the README then shows what the program really draws.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cols = 100;
const rows = 30;
const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
const p = pty.spawn(process.execPath, [join(root, 'dist', 'paratop.js'), '--seed', '1'], {
  cols,
  rows,
  cwd: root,
  env: { ...process.env, CI: '0', TERM: 'xterm-256color', LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '' },
});
const screen = () => {
  const out = [];
  for (let i = 0; i < rows; i++) out.push((term.buffer.active.getLine(i)?.translateToString(true) ?? '').trimEnd());
  return out;
};
let done = false;
p.onData((d) =>
  term.write(d, () => {
    const s = screen();
    if (done || !/^paratop - 00:00:06/.test(s[0] ?? '')) return;
    done = true;
    p.write('jjjjjjj'); // select web01, the PV web server
    setTimeout(() => {
      const shot = screen().join('\n').replace(/\n+$/, '');
      writeFileSync(join(root, 'docs', 'screenshot.txt'), `${shot}\n`);
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const start = '<!-- screenshot:start -->';
      const end = '<!-- screenshot:end -->';
      const block = `${start}\n\`\`\`\n${shot}\n\`\`\`\n${end}`;
      const next = readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block);
      writeFileSync(join(root, 'README.md'), next);
      p.write('q');
    }, 400);
  }),
);
p.onExit(() => {
  console.log(done ? 'docs/screenshot.txt and README.md updated' : 'no screen captured');
  process.exit(done ? 0 : 1);
});
