// The resources the fake serves. Adding one is a folder beside these and one line here.
import type { ResourceModule } from '../api/resource.js';
import { clients } from './clients/index.js';
import { requests } from './requests/index.js';
import { webhooks } from './webhooks/index.js';

/**
 * Every resource, in the order their collections appear in the store file and in snapshots.
 *
 * @example
 * RESOURCES.map((r) => r.name); // ['clients', 'requests', 'webhooks']
 */
export const RESOURCES: readonly ResourceModule[] = [clients, requests, webhooks];
