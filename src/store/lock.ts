// The lock of a store file: one running fake per file. A lock file beside it names the process that
// holds it; one left by a process that is gone is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { kill, pid as ownPid } from 'node:process';
import { StartupError } from '../errors.js';

/** The processes a lock is checked against; tests inject their own. */
export interface LockProcesses {
  /** This process's id, written into the lock file. */
  pid: number;
  /** Whether a process with this id runs (an id written into a lock file by another process). */
  isRunning(pid: number): boolean;
}

/** This machine's processes (`kill(pid, 0)` only asks whether the process exists). */
export const OS_PROCESSES: LockProcesses = {
  pid: ownPid,
  isRunning(pid) {
    try {
      kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it runs, as another user.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

/**
 * The lock files this process holds. The lock file only names a process, so a second fake in the
 * same process is told apart from a process that had this one's id before (a container's pid 1,
 * killed and started again) by this set.
 */
const HELD = new Set<string>();

/** A held lock; `release()` removes the lock file (once; later calls do nothing). */
export interface StoreLock {
  release(): Promise<void>;
}

/** The process id a lock file names, or undefined when it names none (a half-written lock). */
async function holderOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Locks the store file `storePath` for this process by creating `<storePath>.lock` exclusively;
 * throws a {@link StartupError} naming the file when a running process holds it.
 *
 * @example
 * const lock = await lockStoreFile('/data/db.json');
 * // ... serve ...
 * await lock.release();
 */
export async function lockStoreFile(storePath: string, processes: LockProcesses = OS_PROCESSES): Promise<StoreLock> {
  const path = resolve(`${storePath}.lock`);
  const inUse = (pid: number | undefined): StartupError =>
    new StartupError(
      `store file ${storePath} is in use by another athenty-fake (${pid === undefined ? '' : `pid ${pid}, `}lock file ${path}); stop it or use another --db`,
    );
  // Twice at most: a lock left by a process that is gone is removed, and taken on the second try.
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${processes.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new StartupError(`store file ${storePath}: cannot create its lock file ${path} (${code ?? (error as Error).message})`);
      }
    }
    const holder = await holderOf(path);
    const held = holder !== undefined && (holder === processes.pid ? HELD.has(path) : processes.isRunning(holder));
    if (held || attempt > 0) throw inUse(holder);
    await rm(path, { force: true });
  }
  HELD.add(path);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      HELD.delete(path);
      // Only this process's own lock: never one another process took over meanwhile.
      if ((await holderOf(path)) === processes.pid) await rm(path, { force: true });
    },
  };
}
