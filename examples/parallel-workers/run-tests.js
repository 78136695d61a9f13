// Starts one shared fake, runs the test files in parallel worker processes against it, stops it.
import { spawn } from 'node:child_process';
import { startFake } from 'athenty-fake';

const fake = await startFake({ rateLimit: 0 });
const code = await new Promise((resolve) => {
  const run = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', 'test/'], {
    stdio: 'inherit',
    env: { ...process.env, ATHENTY_FAKE_URL: fake.url },
  });
  run.once('exit', resolve);
});
await fake.close();
process.exit(code ?? 1);
