// Starting a worker thread on one of the fake's modules, built or from source.
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module at `url`. From source (a `.ts` module, under tsx) it first
 * registers tsx's loader in the worker, which does not inherit it (privatenumber/tsx#354).
 *
 * @example
 * const worker = startWorker(OUTBOUND_WORKER, { limits });
 */
export function startWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const source = `import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(source, { eval: true, workerData });
}
