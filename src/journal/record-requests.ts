// The journal's middleware: records each request, once its answer is done or the connection is
// gone, into the journal.
import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { contextOf } from '../http/context.js';
import { type Journal, maskApiKey } from './journal.js';

/** What the journal middleware records besides the request itself. */
export interface JournalRecorderDeps {
  journal: Journal;
  clock: Clock;
  /** Monotonic milliseconds, for durations. */
  monotonicNow?: () => number;
  /** Paths not to journal. */
  skip?: (path: string) => boolean;
}

/**
 * The size of a parsed request body: its Content-Length as sent, when that is the JSON's own
 * (neither compressed nor chunked); otherwise its JSON made again, which only those rarer bodies pay.
 */
function requestBytesOf(headers: Record<string, string | string[] | undefined>, body: unknown): number {
  const length = headers['content-length'];
  if (typeof length === 'string' && headers['content-encoding'] === undefined) return Number(length);
  return Buffer.byteLength(JSON.stringify(body) ?? '');
}

/** Records every request (but those `skip` names) once its answer is done or the connection is gone. */
export function recordRequests({
  journal,
  clock,
  monotonicNow = () => performance.now(),
  skip = () => false,
}: JournalRecorderDeps): RequestHandler {
  return (req, res, next) => {
    if (skip(req.path)) {
      next();
      return;
    }
    const started = monotonicNow();
    const atMs = clock.now();
    const presented = req.headers['x-api-key'];
    res.once('close', () => {
      const { apiKey, responseBody, faultId } = contextOf(res);
      const sent = res.headersSent;
      const requestBody: unknown = req.body ?? null;
      journal.add(
        {
          atMs,
          method: req.method,
          url: req.originalUrl,
          status: sent ? res.statusCode : 0,
          orgId: apiKey?.orgId ?? null,
          apiKey: typeof presented === 'string' ? maskApiKey(presented) : null,
          requestHeaders: req.headers,
          requestBody,
          responseHeaders: sent ? res.getHeaders() : {},
          responseBody: responseBody ?? null,
          durationMs: Math.round((monotonicNow() - started) * 1000) / 1000,
          fault: faultId ?? null,
        },
        requestBody === null ? 0 : requestBytesOf(req.headers, requestBody),
        responseBody === undefined ? 0 : Number(res.getHeader('content-length') ?? 0),
      );
    });
    next();
  };
}
