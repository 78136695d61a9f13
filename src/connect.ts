// connectFake: the admin API of a fake in another process or container, with the operations of
// every resource this package serves.
import { connectAdmin, type ConnectOptions, type RemoteFake } from './admin/admin-client.js';
import { adminOperationTree } from './admin/operations.js';
import { RESOURCES } from './resources/index.js';

/**
 * Connects to a running fake's admin API.
 *
 * @example
 * import { connectFake } from 'athenty-fake';
 *
 * const fake = connectFake('http://127.0.0.1:4010', { adminToken: process.env.ATHENTY_FAKE_ADMIN_TOKEN });
 * await fake.reset({ orgId: 'org_acme' });
 * const posts = await fake.journal.list({ method: 'POST', path: '/clients' });
 */
export function connectFake(url: string, options: ConnectOptions = {}): RemoteFake {
  return connectAdmin(adminOperationTree(RESOURCES), url, options);
}
