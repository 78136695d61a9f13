// Signatures per the Standard Webhooks specification, made by the `standardwebhooks` library:
// `webhook-id`, `webhook-timestamp` (the real clock's seconds) and `webhook-signature` (`v1,` +
// base64 HMAC-SHA256 of `id.timestamp.body`), with the previous secret's signature beside the new
// one while a rotation lasts.
import { Webhook } from 'standardwebhooks';
import type { RandomSource } from '../../random.js';
import type { WebhookRecord } from './records.js';

/** Bytes of a generated secret. */
const SECRET_BYTES = 24;

/**
 * A new `whsec_` secret from a random stream (the same one in every run seeded alike).
 *
 * @example
 * generateSecret(parts.random('secrets')); // 'whsec_q3J0...'
 */
export function generateSecret(random: RandomSource): string {
  const bytes = Buffer.from(Array.from({ length: SECRET_BYTES }, () => Math.floor(random.next() * 256)));
  return `whsec_${bytes.toString('base64')}`;
}

/** Signs payloads with subscriptions' secrets, keeping one signer per secret. */
export interface Signer {
  /** The signature headers of `body` (an event's payload) sent at `sentAt` (real epoch ms), `now` being the fake's clock. */
  headersFor(subscription: WebhookRecord, eventId: string, body: string, sentAt: number, now: number): Record<string, string>;
}

/** More secrets than this and the signers made so far are dropped (they are cheap to make again). */
const MAX_SIGNERS = 1000;

/**
 * Creates the signer.
 *
 * @example
 * const signer = createSigner();
 * signer.headersFor(subscription, event.id, body, Date.now(), clock.now())['webhook-signature']; // 'v1,...'
 */
export function createSigner(): Signer {
  const signers = new Map<string, Webhook>();
  const signerOf = (secret: string): Webhook => {
    let signer = signers.get(secret);
    if (signer === undefined) {
      if (signers.size >= MAX_SIGNERS) signers.clear();
      signer = new Webhook(secret);
      signers.set(secret, signer);
    }
    return signer;
  };
  return {
    headersFor(subscription, eventId, body, sentAt, now) {
      const timestamp = new Date(sentAt);
      const secrets = [subscription.secret];
      const { previousSecret, previousSecretUntil } = subscription;
      if (previousSecret !== null && previousSecretUntil !== null && now < Date.parse(previousSecretUntil)) secrets.push(previousSecret);
      return {
        'webhook-id': eventId,
        'webhook-timestamp': String(Math.floor(sentAt / 1000)),
        'webhook-signature': secrets.map((secret) => signerOf(secret).sign(eventId, timestamp, body)).join(' '),
      };
    },
  };
}
