// A disk for the store that a test can fill up and hold still: the store's file system, with writes
// that fail as a full disk fails them (half the bytes written, then ENOSPC) and that can be held
// until the test lets them go. No root, no timers.
import { writeFile } from 'node:fs/promises';
import { NODE_FILE_SYSTEM, type StoreFileSystem } from '../../src/store/store-file.js';

/** The message Node gives a write on a full disk. */
export const ENOSPC_MESSAGE = 'ENOSPC: no space left on device, write';

/** A disk a test controls; `fileSystem` is what the store is opened with. */
export interface TestDisk {
  fileSystem: StoreFileSystem;
  /** Every write fails from now on (until {@link free}), leaving half a temporary file as a real one would. */
  fill(): void;
  /** Writes succeed again. */
  free(): void;
  /** Only the next `count` writes fail. */
  failNext(count: number): void;
  /** Writes wait (before they fail or succeed) until the function returned is called. */
  hold(): () => void;
  /** Writes started so far. */
  readonly writes: number;
}

/**
 * A disk on the real file system that the test fills and frees.
 *
 * @example
 * const disk = createTestDisk();
 * const store = await Store.open({ kind: 'file', path: db }, names, { fileSystem: disk.fileSystem });
 * disk.fill();
 */
export function createTestDisk(): TestDisk {
  let full = false;
  let failures = 0;
  let gate: Promise<void> | undefined;
  let writes = 0;
  const fileSystem: StoreFileSystem = {
    ...NODE_FILE_SYSTEM,
    async writeFile(path, data) {
      writes++;
      await gate;
      if (!full && failures === 0) return NODE_FILE_SYSTEM.writeFile(path, data);
      if (failures > 0) failures--;
      const bytes = Buffer.concat(data);
      await writeFile(path, bytes.subarray(0, bytes.length >> 1));
      throw Object.assign(new Error(ENOSPC_MESSAGE), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    },
  };
  return {
    fileSystem,
    fill: () => {
      full = true;
    },
    free: () => {
      full = false;
      failures = 0;
    },
    failNext: (count) => {
      failures = count;
    },
    hold() {
      let release = (): void => undefined;
      gate = new Promise((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
    get writes() {
      return writes;
    },
  };
}
