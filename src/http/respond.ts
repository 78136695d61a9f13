// Writes JSON answers: the one place a response body is serialised.
import type { Response } from 'express';

/**
 * Sends `body` as JSON with `status` (`text`, when given, is its JSON, already made). The body is
 * kept on `res.locals.responseBody` for the request journal.
 *
 * @example
 * sendJson(res, 201, record);
 */
export function sendJson(res: Response, status: number, body: unknown, text = JSON.stringify(body)): void {
  res.locals.responseBody = body;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
