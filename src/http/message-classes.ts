// The classes the server creates requests and answers with, made so that express need not change
// their prototypes. Express sets the prototype of every request and answer to its app's own
// (`Object.setPrototypeOf`, twice a request); V8 then gives each a hidden class it cannot share,
// and the objects a request leaves behind outlive two young-generation collections. Measured
// with bare express, 10 connections: 8.9 KB of garbage promoted to the old generation a request
// (0 for bare node:http), which is what lets the heap grow under load, and half the throughput.
// Created with the app's prototypes already in place, express's change is no change.
import { IncomingMessage, ServerResponse } from 'node:http';

/** What `http.createServer` takes to create requests and answers of other classes. */
export interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

/**
 * What an express app holds of the prototypes it gives requests and answers. (Declared here, not
 * taken from express's types, so that the package's types need none of express's.)
 */
export interface ExpressPrototypes {
  request: object;
  response: object;
}

/**
 * Makes the prototypes `app` gives requests and answers those of two classes, and returns the
 * classes, to create the server with. The prototypes keep what express put in them (the app, and
 * express's methods behind).
 *
 * @example
 * const server = http.createServer({ ...messageClassesOf(app) }, app);
 */
export function messageClassesOf(app: ExpressPrototypes): MessageClasses {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  app.request = takeOver(AppRequest.prototype, app.request);
  app.response = takeOver(AppResponse.prototype, app.response);
  // (Node's type of ServerResponse is generic in its request; a subclass's constructor is not.)
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof ServerResponse };
}

/** Gives `prototype` the own properties and the prototype of `expressPrototype`, and returns it as one. */
function takeOver<T extends object>(prototype: object, expressPrototype: T): T {
  Object.setPrototypeOf(prototype, Object.getPrototypeOf(expressPrototype) as object);
  Object.defineProperties(prototype, Object.getOwnPropertyDescriptors(expressPrototype));
  return prototype as T;
}
