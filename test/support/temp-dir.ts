// Temporary folders for one test file, removed when its process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs: string[] = [];
let removeOnExit = false;

/**
 * A fresh temporary folder, removed when the test file's process exits.
 *
 * @example
 * const db = join(tempDir(), 'db.json');
 */
export function tempDir(): string {
  if (!removeOnExit) {
    removeOnExit = true;
    process.once('exit', () => {
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'athenty-fake-test-'));
  tempDirs.push(dir);
  return dir;
}
