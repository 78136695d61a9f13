// The worker thread of the outbound queues: the outbound HTTP client and the queue runner, talking
// to the fake's thread by messages.
import { parentPort, workerData } from 'node:worker_threads';
import { createOutboundHttp, type OutboundOptions } from './outbound.js';
import { createQueueRunner, type QueueCommand } from './outbound-queues.js';

const port = parentPort;
if (port !== null) {
  const run = createQueueRunner(createOutboundHttp(workerData as OutboundOptions), (report) => port.postMessage(report));
  port.on('message', (command: QueueCommand) => run(command));
}
