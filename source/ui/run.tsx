import type { Options } from '../cli/flags.js';

export async function runDashboard(_o: Options): Promise<void> {
  process.stderr.write('paratop: the dashboard is not built yet; use --batch\n');
  process.exitCode = 2;
}
