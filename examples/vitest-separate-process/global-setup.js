// Runs `athenty-fake --port 0 --db memory` from node_modules/.bin, waits for its ready line, and
// hands the URL to the tests; stops it after the run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('./node_modules/.bin/athenty-fake', import.meta.url));

export default async function setup({ provide }) {
  const child = spawn(BIN, ['--port', '0', '--db', 'memory', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^athenty-fake listening on (\S+)$/m.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`athenty-fake exited with ${code} before it was ready`)));
  });
  provide('fakeUrl', url);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}
