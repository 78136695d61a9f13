// Writes JSON answers: the one place a response body is serialised.
import type { Response } from 'express';
import { contextOf } from './context.js';

/**
 * Sends `body` as JSON with `status` (`text`, when given, is its JSON, already made). The body is
 * kept in the request's context for the journal.
 *
 * @example
 * sendJson(res, 201, record);
 */
export function sendJson(res: Response, status: number, body: unknown, text = JSON.stringify(body)): void {
  contextOf(res).responseBody = body;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
