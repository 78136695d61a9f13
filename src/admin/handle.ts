// The admin operations as one asynchronous, typed interface, derived from the operation table: the
// in-process handle of startFake() runs them directly, connectFake() sends them over HTTP, and
// test code can switch between the two.
import { asJsonBody } from '../validation/json-value.js';
import {
  flattenAdminOperations,
  type AdminHttpInput,
  type ADMIN_OPERATIONS,
  type AdminHandleOf,
  type AdminHttpRequest,
  type AdminOperation,
  type AdminOperationTree,
  type AdminParts,
} from './operations.js';

/** The older names of the journal methods, kept working (deprecated: use `journal.*`). */
export interface DeprecatedAdminMethods {
  /** @deprecated Use `journal.list()`. */
  requests: CoreAdmin['journal']['list'];
  /** @deprecated Use `journal.count()`. */
  countRequests: CoreAdmin['journal']['count'];
  /** @deprecated Use `journal.clear()`. */
  clearRequests: CoreAdmin['journal']['clear'];
}

/** The handle methods of the core admin operations. */
type CoreAdmin = AdminHandleOf<typeof ADMIN_OPERATIONS>;

/**
 * The handle methods of resources' admin operations, by resource name. Each resource that has
 * some adds its entry here (by module augmentation, beside its operations).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the resources' module augmentation.
export interface ResourceAdminHandles {}

/** What a test suite does to a fake, in-process or over HTTP: one method per admin operation. */
export type FakeAdmin = CoreAdmin & ResourceAdminHandles & DeprecatedAdminMethods;

// biome-ignore lint/suspicious/noExplicitAny: a transport carries operations of every type.
type Transport = (operation: AdminOperation<any, any, any, any>, input: unknown) => Promise<unknown>;

/**
 * Builds the handle: a method per operation of the tree (HTTP-only ones left out), each turning
 * its arguments into the operation's input and handing it to `transport`.
 */
export function buildAdminHandle(tree: AdminOperationTree, transport: Transport): FakeAdmin {
  const handle: Record<string, unknown> = {};
  for (const [name, operation] of flattenAdminOperations(tree)) {
    if (operation.httpOnly) continue;
    const path = name.split('.');
    let branch = handle;
    for (const part of path.slice(0, -1)) {
      branch[part] ??= {};
      branch = branch[part] as Record<string, unknown>;
    }
    const send = (input: unknown): Promise<unknown> => transport(operation, input);
    branch[path.at(-1) as string] =
      operation.call === undefined
        ? async (...args: unknown[]) => {
            const body = await send(operation.input(...args));
            return operation.result === undefined ? body : operation.result(body);
          }
        : (...args: unknown[]) =>
            (operation.call as (send: (input: unknown) => Promise<unknown>, ...args: unknown[]) => Promise<unknown>)(send, ...args);
  }
  const admin = handle as unknown as FakeAdmin;
  // A resource's branch may have the name of a deprecated method (`requests`): the method then
  // carries the branch's methods, so both keep working.
  const branchOf = (name: string): object => (handle[name] as object | undefined) ?? {};
  return Object.assign(admin, {
    requests: Object.assign((...args: Parameters<FakeAdmin['journal']['list']>) => admin.journal.list(...args), branchOf('requests')),
    countRequests: Object.assign(
      (...args: Parameters<FakeAdmin['journal']['count']>) => admin.journal.count(...args),
      branchOf('countRequests'),
    ),
    clearRequests: Object.assign(() => admin.journal.clear(), branchOf('clearRequests')),
  });
}

/**
 * A request as the admin router receives it: the body as JSON would carry it (a copy; a 400 when
 * JSON cannot hold it), query values as text.
 */
function asReceived(request: AdminHttpRequest): AdminHttpInput {
  const query = Object.entries(request.query ?? {}).filter(([, value]) => value !== undefined);
  return {
    params: request.params ?? {},
    query: Object.fromEntries(query.map(([name, value]) => [name, String(value)])),
    body: request.body === undefined ? undefined : asJsonBody(request.body),
  };
}

/**
 * The in-process handle: each method runs its operation on the app's parts, exactly as if it came
 * over HTTP, until `closed()` says the fake has stopped; from then on every method rejects (an import
 * would write a closed store). Its input is checked and copied as a request body would be, and its
 * answer is a copy: a caller never holds a stored object, and nothing it passes in can reach the
 * store by reference.
 *
 * @example
 * const admin = inProcessAdmin(fake.admin, () => false);
 * await admin.faults.add({ status: 503, times: 1 });
 */
export function inProcessAdmin(parts: AdminParts, closed: () => boolean): FakeAdmin {
  return buildAdminHandle(parts.operations, async (operation, input) => {
    if (closed()) throw new Error('this fake has been closed: start another one with startFake()');
    const body = await operation.run(parts, operation.fromHttp(asReceived(operation.toHttp(input))));
    return body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  });
}

/** Fills an operation's path template with its parameters. */
export function adminPathOf(operation: { path: string }, request: AdminHttpRequest): string {
  return operation.path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
}
