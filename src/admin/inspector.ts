// The inspector page at /__admin/ui: static files only. Its files hold no data; everything it shows
// comes from the admin API, which it calls with the admin token like any other client.
import express, { type RequestHandler } from 'express';
import { INSPECTOR_DIR } from '../paths.js';

/**
 * Headers of the page's files: no caching (a new version shows at once), and a policy that lets
 * the page load only its own files and call only its own server, so that a journaled body can
 * never run as script.
 */
const PAGE_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * Serves the inspector's files; `/__admin/ui` redirects to `/__admin/ui/`, and an unknown file goes
 * on to the 404 in the envelope.
 *
 * @example
 * app.use('/__admin/ui', serveInspector());
 */
export function serveInspector(): RequestHandler {
  return express.static(INSPECTOR_DIR, {
    etag: false,
    index: 'index.html',
    setHeaders: (res) => {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
    },
  });
}
