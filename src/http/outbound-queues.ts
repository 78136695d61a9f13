// Ordered queues of outgoing requests, sent from a worker thread: each queue one request at a time in
// its order, the next going out as soon as the previous succeeded, without waiting for the fake's
// event loop (busy answering the API); a failure halts its queue until the owner pushes again.
// Queues are independent and share the outbound client's sockets.
import type { Worker } from 'node:worker_threads';
import { OUTBOUND_WORKER } from '../paths.js';
import { startWorker } from '../worker-thread.js';
import { isSuccess, type OutboundHttp, type OutboundOptions, type OutboundResult } from './outbound.js';

/** One request of a queue. */
export interface QueuedRequest {
  /** The owner's id of it (a delivery's). */
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What the owner tells the worker. */
export type QueueCommand =
  /** Appends requests; dropped (and reported unsent) when `epoch` is not the queue's: it halted meanwhile. */
  | { kind: 'push'; queue: string; epoch: number; requests: QueuedRequest[] }
  /** Drops the queue's requests not yet sent (the one in flight goes on) and starts `epoch`. */
  | { kind: 'recall'; queue: string; epoch: number };

/** What the worker tells the owner, in the order it happened for each queue. */
export type QueueReport =
  | { kind: 'result'; queue: string; id: string; result: OutboundResult }
  /**
   * Requests of the queue that were not sent and will not be: after a failed one (`failure`), a
   * recall (`recall`, reported even when none were dropped), pushed after either (`stale`), or
   * held by a worker that died (`lost`: every request it held, and the answer to a recall).
   */
  | { kind: 'halted'; queue: string; reason: 'failure' | 'recall' | 'stale' | 'lost'; unsent: string[] };

/**
 * The worker's side: runs the commands on `outbound` and reports each result and each halt. A
 * queue's epoch goes up by one at each failure and becomes the recall's at each recall; the owner
 * counts alike, so that a push made before it heard of a failure is dropped, not sent out of order.
 *
 * @example
 * const run = createQueueRunner(createOutboundHttp(DEFAULT_OUTBOUND), (report) => port.postMessage(report));
 * port.on('message', run);
 */
export function createQueueRunner(outbound: OutboundHttp, report: (report: QueueReport) => void): (command: QueueCommand) => void {
  const waiting = new Map<string, QueuedRequest[]>();
  const epochs = new Map<string, number>();
  const busy = new Set<string>();
  // Queues whose next request waits for a socket, in the order they became ready.
  const ready = new Set<string>();
  let inFlight = 0;

  const drop = (queue: string): string[] => {
    const dropped = waiting.get(queue) ?? [];
    waiting.delete(queue);
    ready.delete(queue);
    return dropped.map((request) => request.id);
  };

  const pump = (): void => {
    while (inFlight < outbound.capacity && ready.size > 0) {
      const queue = ready.values().next().value as string;
      ready.delete(queue);
      send(queue);
    }
  };

  const send = (queue: string): void => {
    const list = waiting.get(queue);
    const request = list?.shift();
    if (list === undefined || request === undefined) return;
    if (list.length === 0) waiting.delete(queue);
    busy.add(queue);
    inFlight++;
    void outbound.post(request.url, request.headers, request.body).then((result) => {
      inFlight--;
      busy.delete(queue);
      report({ kind: 'result', queue, id: request.id, result });
      if (isSuccess(result)) {
        if (waiting.has(queue)) ready.add(queue);
      } else {
        epochs.set(queue, (epochs.get(queue) ?? 0) + 1);
        const unsent = drop(queue);
        if (unsent.length > 0) report({ kind: 'halted', queue, reason: 'failure', unsent });
      }
      pump();
    });
  };

  return (command) => {
    const { queue } = command;
    if (command.kind === 'recall') {
      epochs.set(queue, command.epoch);
      report({ kind: 'halted', queue, reason: 'recall', unsent: drop(queue) });
      return;
    }
    if (command.epoch !== (epochs.get(queue) ?? 0)) {
      report({ kind: 'halted', queue, reason: 'stale', unsent: command.requests.map((request) => request.id) });
      return;
    }
    const list = waiting.get(queue);
    if (list === undefined) waiting.set(queue, [...command.requests]);
    else list.push(...command.requests);
    if (!busy.has(queue)) ready.add(queue);
    pump();
  };
}

/** The owner's side of the queues. */
export interface OutboundQueues {
  /** Appends requests to a queue (made when first named). */
  push(queue: string, requests: readonly QueuedRequest[]): void;
  /** Takes back what the queue has not sent yet: reported as halted (`recall`), the request in flight reported when it ends. */
  recall(queue: string): void;
  /** Calls `listener` with each report (one listener). */
  onReport(listener: (report: QueueReport) => void): void;
  /** Ends the worker at once: requests in flight or waiting are neither sent further nor reported. */
  close(): void;
}

/**
 * Creates the queues. The worker thread starts with the first push and does not keep the process
 * alive; should it die, every request it held is reported unsent (`lost`) and the next push
 * starts another.
 *
 * @example
 * const queues = createOutboundQueues(DEFAULT_OUTBOUND, (error) => logger.error(String(error)));
 * queues.onReport((report) => console.log(report));
 * queues.push('whk_1', [{ id: 'dlv_1', url, headers, body }]);
 */
export function createOutboundQueues(options: OutboundOptions, onError: (error: unknown) => void): OutboundQueues {
  let worker: Worker | undefined;
  let closed = false;
  let listener: (report: QueueReport) => void = () => undefined;
  // The owner's count of each queue's epoch, the requests the worker holds and the recalls it has
  // not answered (for a worker that dies).
  let epochs = new Map<string, number>();
  const held = new Map<string, Set<string>>();
  const recalling = new Set<string>();

  const started = (): Worker => {
    if (worker !== undefined) return worker;
    const thread = startWorker(OUTBOUND_WORKER, options);
    thread.unref();
    thread.on('message', (report: QueueReport) => {
      if (thread !== worker) return;
      const ids = held.get(report.queue);
      if (report.kind === 'result') {
        ids?.delete(report.id);
        if (!isSuccess(report.result)) epochs.set(report.queue, (epochs.get(report.queue) ?? 0) + 1);
      } else {
        for (const id of report.unsent) ids?.delete(id);
        if (report.reason === 'recall') recalling.delete(report.queue);
      }
      if (ids?.size === 0) held.delete(report.queue);
      listener(report);
    });
    thread.on('error', onError);
    thread.on('exit', () => {
      if (thread !== worker || closed) return;
      worker = undefined;
      epochs = new Map();
      const lost = new Set([...held.keys(), ...recalling]);
      for (const queue of lost) listener({ kind: 'halted', queue, reason: 'lost', unsent: [...(held.get(queue) ?? [])] });
      held.clear();
      recalling.clear();
    });
    worker = thread;
    return thread;
  };

  return {
    push(queue, requests) {
      if (closed || requests.length === 0) return;
      let ids = held.get(queue);
      if (ids === undefined) {
        ids = new Set();
        held.set(queue, ids);
      }
      for (const request of requests) ids.add(request.id);
      const command: QueueCommand = { kind: 'push', queue, epoch: epochs.get(queue) ?? 0, requests: [...requests] };
      started().postMessage(command);
    },
    recall(queue) {
      if (closed) return;
      const epoch = (epochs.get(queue) ?? 0) + 1;
      epochs.set(queue, epoch);
      const command: QueueCommand = { kind: 'recall', queue, epoch };
      if (worker === undefined) {
        queueMicrotask(() => listener({ kind: 'halted', queue, reason: 'recall', unsent: [] }));
        return;
      }
      recalling.add(queue);
      worker.postMessage(command);
    },
    onReport(next) {
      listener = next;
    },
    close() {
      closed = true;
      void worker?.terminate();
      worker = undefined;
    },
  };
}
