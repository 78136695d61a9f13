// Runs several middlewares as one: express's router allocates and matches paths for every layer it
// walks, so the hot path declares its steps in order but pays for one layer.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * One middleware that runs `handlers` in order, as express would: each calls `next()` to go on or
 * `next(error)` (or throws, or rejects) to hand over to the error handler.
 *
 * @example
 * app.use('/clients', compose(authenticate(ring), faults.middleware, clientsRouter));
 */
export function compose(...handlers: RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (handler === undefined) {
        next();
        return;
      }
      try {
        const result = handler(req, res, step) as unknown;
        if (result instanceof Promise) result.catch(step);
      } catch (thrown) {
        step(thrown ?? new Error('a middleware threw nothing'));
      }
    };
    step();
  };
}
