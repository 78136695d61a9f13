// Values handed over in-process (the handle of startFake(), a seed object) as the JSON they would be
// sent as over HTTP: refused when JSON cannot hold them, copied otherwise, so that nothing the caller
// keeps a reference to ends up in the store.
import { ApiError, type FieldError } from '../errors.js';
import { MAX_BODY_DEPTH, nestsDeeperThan } from '../http/body.js';

/** What JSON cannot hold in a value, and where (a dotted path, `""` for the value itself). */
export interface JsonProblem {
  field: string;
  /** `nested` when the value nests deeper than the limit; otherwise what is there, in words. */
  problem: string;
}

/** A value of a kind JSON has no form for, in words; undefined for the kinds it has. */
function unheldKind(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : String(value);
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const prototype = Object.getPrototypeOf(value);
      return prototype === Object.prototype || prototype === null ? undefined : `a ${prototype?.constructor?.name ?? 'non-plain object'}`;
    }
    default:
      return `a ${typeof value}`;
  }
}

/**
 * The first thing JSON cannot hold in `value` (a cycle, a bigint, a function, a symbol, NaN, a Map,
 * an undefined array item, nesting deeper than `maxDepth` objects and arrays), or undefined. Object
 * properties that are undefined are absent, as in JSON; a value with `toJSON` (a Date) counts as what
 * that returns. Iterative, so any depth is safe.
 *
 * @example
 * findJsonProblem({ a: [1n] }, 100); // { field: 'a.0', problem: 'a bigint' }
 */
export function findJsonProblem(value: unknown, maxDepth: number): JsonProblem | undefined {
  interface Visit {
    value: unknown;
    key: string;
    parent: Visit | undefined;
  }
  const fieldOf = (visit: Visit): string => {
    const keys: string[] = [];
    for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) keys.push(at.key);
    return keys.reverse().join('.');
  };
  const stack: (Visit | { leave: object })[] = [{ value, key: '', parent: undefined }];
  // The objects that contain the one being looked at: meeting one again is a cycle.
  const containers = new Set<object>();
  while (stack.length > 0) {
    const visit = stack.pop() as Visit | { leave: object };
    if ('leave' in visit) {
      containers.delete(visit.leave);
      continue;
    }
    let node = visit.value;
    const toJSON = (node as { toJSON?: unknown } | null | undefined)?.toJSON;
    if (typeof toJSON === 'function') node = toJSON.call(node, visit.key);
    const kind = unheldKind(node);
    if (kind !== undefined) return { field: fieldOf(visit), problem: kind };
    if (node === null || typeof node !== 'object') continue;
    if (containers.has(node)) return { field: fieldOf(visit), problem: 'circular (it contains itself)' };
    if (containers.size >= maxDepth) return { field: fieldOf(visit), problem: 'nested' };
    containers.add(node);
    stack.push({ leave: node });
    const isArray = Array.isArray(node);
    for (const [key, child] of Object.entries(node)) {
      // An undefined property is absent, as in JSON; an undefined item would silently become null.
      if (child === undefined && !isArray) continue;
      stack.push({ value: child, key, parent: visit });
    }
  }
  return undefined;
}

/**
 * `value` as it would arrive in a JSON request body: a fresh copy, or a 400 when JSON cannot hold
 * it (`Request body is nested too deeply.` past {@link MAX_BODY_DEPTH} levels, as over HTTP).
 *
 * @example
 * const data = asJsonBody(input); // throws ApiError('NOT_JSON') for { n: 1n }
 */
export function asJsonBody(value: unknown): unknown {
  const found = findJsonProblem(value, MAX_BODY_DEPTH);
  if (found?.problem === 'nested') throw new ApiError('BODY_TOO_DEEP');
  if (found !== undefined) {
    throw new ApiError('NOT_JSON', { fill: { problem: `${found.field === '' ? 'the value' : found.field} is ${found.problem}` } });
  }
  return JSON.parse(JSON.stringify(value));
}

/**
 * Checks that no entry of a snapshot (a seed, a store file: lists of records by collection) nests
 * deeper than a request body may. JSON.parse reads any depth, but a deeper record would break every
 * answer and every write that holds it. Other shapes are the schema's to refuse.
 *
 * @example
 * checkEntryDepth({ clients: [deep] }); // [{ field: 'clients.0', message: 'Nested deeper than 100 levels' }]
 */
export function checkEntryDepth(data: unknown): FieldError[] {
  if (data === null || typeof data !== 'object') return [];
  for (const [name, entries] of Object.entries(data)) {
    if (!Array.isArray(entries)) continue;
    const deep = entries.findIndex((entry) => nestsDeeperThan(entry, MAX_BODY_DEPTH));
    if (deep !== -1) return [{ field: `${name}.${deep}`, message: `Nested deeper than ${MAX_BODY_DEPTH} levels` }];
  }
  return [];
}
