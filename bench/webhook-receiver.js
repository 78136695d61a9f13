// The benchmark's webhook receiver: its own process (like the load generator), answering every
// delivery 204 and noting how long after the event (the client's createdAt) it arrived.
// Plain JavaScript, forked by bench/webhooks.ts and told over IPC when to count and what to report.
import { createServer } from 'node:http';

let since = Number.POSITIVE_INFINITY;
let latencies = [];

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const arrived = Date.now();
    const createdAt = Date.parse(JSON.parse(Buffer.concat(chunks).toString()).data.createdAt);
    if (createdAt >= since) latencies.push(arrived - createdAt);
    res.writeHead(204).end();
  });
});

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

process.on('message', (message) => {
  if (message.since !== undefined) {
    since = message.since;
    latencies = [];
  }
  if (message.report) process.send({ latencies });
});
process.on('disconnect', () => process.exit(0));
