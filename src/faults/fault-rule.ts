// Fault rules: their shape, the --fault SPEC syntax, their checks, and how a rule matches a request.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { ApiKey } from '../auth/api-keys.js';
import type { FieldError } from '../errors.js';
import { compilePathPattern } from '../http/path-pattern.js';
import { checkFor } from '../validation/validator.js';

/** What fails a network-level fault: drop the connection, never answer, or answer truncated JSON. */
export type NetworkFault = 'reset' | 'hang' | 'malformed';

/** A rule as given (by --fault, --faults FILE, the admin API or the handle). */
export interface FaultRuleInput {
  method?: string;
  path?: string;
  apiKey?: string;
  orgId?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  network?: NetworkFault;
  times?: number;
  probability?: number;
}

/** A stored rule: its id, and every matcher filled in. */
export interface FaultRule extends FaultRuleInput {
  id: string;
  method: string;
  path: string;
}

/** The request facts a rule matches on. */
export interface FaultTarget {
  method: string;
  /** The request path without the query. */
  path: string;
  apiKey: ApiKey;
}

/** The function that tells whether a rule applies to a request. */
export function compileMatcher(rule: FaultRule): (target: FaultTarget) => boolean {
  const matchesPath = compilePathPattern(rule.path);
  return (target) =>
    (rule.method === '*' || rule.method === target.method) &&
    (rule.apiKey === undefined || rule.apiKey === target.apiKey.key || rule.apiKey === target.apiKey.label) &&
    (rule.orgId === undefined || rule.orgId === target.apiKey.orgId) &&
    matchesPath(target.path);
}

/**
 * Headers a rule may not set: they frame the answer or govern the connection, so a value of the
 * rule's would make the response malformed rather than failed.
 */
const FRAMING_HEADERS = new Set([
  'transfer-encoding',
  'content-length',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
]);

/** The first header of a rule that Node cannot send, or that would break the response's framing. */
function checkHeaders(headers: Record<string, string>): FieldError[] {
  for (const [name, value] of Object.entries(headers)) {
    const field = `headers.${name}`;
    // Node's own checks, the ones setHeader would throw on when the rule fires.
    try {
      validateHeaderName(name);
    } catch {
      return [{ field, message: "Invalid header name: use letters, digits and !#$%&'*+-.^_`|~" }];
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      return [{ field, message: 'Invalid header value: characters beyond Latin-1, NUL, CR and LF cannot be sent' }];
    }
    if (FRAMING_HEADERS.has(name.toLowerCase())) {
      return [{ field, message: `${name} frames the answer or governs the connection; a rule cannot set it` }];
    }
  }
  return [];
}

/**
 * The problems of a rule, in the API's `{field, message}` form: its schema, then what the schema
 * cannot say (a rule needs an effect; a status and a network fault exclude each other; headers
 * must be ones Node can send and that leave the response well framed).
 */
export function checkFaultRule(input: unknown): FieldError[] {
  const problems = checkFor('fault-rule.schema.json')(input);
  if (problems.length > 0) return problems;
  const rule = input as FaultRuleInput;
  if (rule.status === undefined && rule.delayMs === undefined && rule.network === undefined) {
    return [{ field: '', message: 'A rule needs an effect: status, delayMs or network' }];
  }
  if (rule.status !== undefined && rule.network !== undefined) {
    return [{ field: 'network', message: 'A rule has either a status or a network fault, not both' }];
  }
  if (rule.status === undefined && (rule.body !== undefined || rule.headers !== undefined)) {
    return [{ field: rule.body !== undefined ? 'body' : 'headers', message: 'body and headers go with a status' }];
  }
  return rule.headers === undefined ? [] : checkHeaders(rule.headers);
}

const SPEC_KEYS: Record<string, keyof FaultRuleInput> = {
  status: 'status',
  delay: 'delayMs',
  delayms: 'delayMs',
  times: 'times',
  probability: 'probability',
  network: 'network',
  apikey: 'apiKey',
  orgid: 'orgId',
};
const NUMERIC: readonly (keyof FaultRuleInput)[] = ['status', 'delayMs', 'times', 'probability'];

/**
 * Parses the --fault syntax `METHOD PATH [key=value ...] [reset|hang|malformed]` into a rule
 * (checked separately). Keys: status, delay (ms), times, probability, network, apiKey, orgId.
 *
 * @example
 * parseFaultSpec('POST /clients status=429 times=2'); // { method: 'POST', path: '/clients', status: 429, times: 2 }
 * parseFaultSpec('* /clients* delay=300 probability=0.5');
 */
export function parseFaultSpec(spec: string): FaultRuleInput {
  const [method, path, ...options] = spec.trim().split(/\s+/);
  if (method === undefined || method === '' || path === undefined) {
    throw new Error('expected METHOD PATH [key=value ...], e.g. "POST /clients status=429 times=2"');
  }
  const rule: Record<string, unknown> = { method: method.toUpperCase(), path };
  // Which option gave each field: a rule has one of each, so a second one is a mistake, not an override.
  const givenBy = new Map<string, string>();
  const give = (field: keyof FaultRuleInput, value: unknown, option: string): void => {
    const earlier = givenBy.get(field);
    if (earlier !== undefined) throw new Error(`'${option}' and '${earlier}' both give ${field}; a rule has one`);
    givenBy.set(field, option);
    rule[field] = value;
  };
  for (const option of options) {
    if (option === 'reset' || option === 'hang' || option === 'malformed') {
      give('network', option, option);
      continue;
    }
    const [name = '', value, ...rest] = option.split('=');
    const field = SPEC_KEYS[name.toLowerCase()];
    if (field === undefined || value === undefined || rest.length > 0) {
      throw new Error(`unknown option '${option}' (use status=, delay=, times=, probability=, network=, apiKey=, orgId=)`);
    }
    give(field, NUMERIC.includes(field) ? Number(value) : value, option);
  }
  return rule as FaultRuleInput;
}
