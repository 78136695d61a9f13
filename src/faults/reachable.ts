// Whether a fault rule can ever fire: one for a key, an organisation or a path that no API request
// has would wait for ever, and the test that added it would pass or fail for the wrong reason.
import { servedPaths, type ResourceModule } from '../api/resource.js';
import type { ApiKey } from '../auth/api-keys.js';
import type { FieldError } from '../errors.js';
import type { FaultRuleInput } from './fault-rule.js';

/**
 * The first path segments the API serves (`clients`, `requests`, `verifications`): fault rules
 * apply to these only, never to the admin API or the OpenAPI document.
 *
 * @example
 * apiSegmentsOf(RESOURCES); // ['clients', 'requests', 'verifications']
 */
export function apiSegmentsOf(modules: readonly ResourceModule[]): string[] {
  const paths = modules.flatMap((module) => module.operations.flatMap((operation) => servedPaths(module, operation.path)));
  return [...new Set(paths.map((path) => path.split('/')[1] ?? ''))];
}

/** Whether a path pattern (exact, or with `*`) can match a path under one of `segments`, at either base. */
function pathCanMatch(pattern: string, segments: readonly string[]): boolean {
  const rest = pattern.replace(/^\/v2\/api(?=\/|\*|$)/i, '');
  if (rest.startsWith('*')) return true;
  const first = /^\/([^/]*)/.exec(rest)?.[1];
  if (first === undefined) return false;
  const star = first.indexOf('*');
  return segments.some((segment) => (star === -1 ? segment === first : segment.startsWith(first.slice(0, star))));
}

/**
 * The reason a checked rule can never fire, in the API's `{field, message}` form; empty when it can.
 *
 * @example
 * checkFaultRuleFires({ path: '/__admin/health', status: 500 }, keys, ['clients']);
 * // [{ field: 'path', message: 'It matches no API path (/clients, also under /v2/api); the rule could never fire' }]
 */
export function checkFaultRuleFires(rule: FaultRuleInput, apiKeys: readonly ApiKey[], segments: readonly string[]): FieldError[] {
  const never = (field: string, why: string): FieldError[] => [{ field, message: `${why}; the rule could never fire` }];
  const keyMatches = (key: ApiKey): boolean => rule.apiKey === undefined || key.key === rule.apiKey || key.label === rule.apiKey;
  if (!apiKeys.some(keyMatches)) return never('apiKey', 'No API key has this key or label');
  if (rule.orgId !== undefined && !apiKeys.some((key) => keyMatches(key) && key.orgId === rule.orgId)) {
    return never('orgId', rule.apiKey === undefined ? 'No API key is of this organisation' : 'The apiKey is not of this organisation');
  }
  if (!pathCanMatch(rule.path ?? '*', segments)) {
    return never('path', `It matches no API path (${segments.map((s) => `/${s}`).join(', ')}, also under /v2/api)`);
  }
  return [];
}
