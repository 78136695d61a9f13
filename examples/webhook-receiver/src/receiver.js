// The code under test: the webhook endpoint an integrator writes. It verifies each delivery's
// signature with the standardwebhooks library, answers 401 to anything unsigned or tampered with,
// and records the outcome of each verification request it hears about.
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

/**
 * Starts the receiver on `port` (0 takes a free one).
 *
 * @param {{ secret: string, port?: number }} options the whsec_ secret the subscription was given
 * @returns {Promise<{ url: string, outcomes: Map<string, string>, close(): Promise<void> }>}
 */
export async function startReceiver({ secret, port = 0 }) {
  const webhook = new Webhook(secret);
  /** Request id -> its final status, as the webhooks told it. */
  const outcomes = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      let event;
      try {
        // Checks webhook-id, webhook-timestamp (replays) and webhook-signature, then parses the body.
        event = webhook.verify(Buffer.concat(chunks).toString('utf8'), req.headers);
      } catch {
        res.writeHead(401).end();
        return;
      }
      if (event.type === 'request.approved' || event.type === 'request.rejected') outcomes.set(event.data.id, event.data.status);
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/athenty/webhooks`,
    outcomes,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
