// What other resources may read from and change on a client: its subject fields, and its count of
// verification requests. They use these instead of the record's fields, so clients stay the owner.
import type { ClientRecord } from './client-record.js';

/** A client as the subject of a verification request. */
export interface ClientSubject {
  subjectName: string | null;
  subjectEmail: string | null;
  subjectPhone: string | null;
}

/**
 * The subject a client stands for: its first and last name (or the business name), email and phone.
 *
 * @example
 * subjectOfClient(jane); // { subjectName: 'Jane Smith', subjectEmail: 'jane@example.com', subjectPhone: null }
 */
export function subjectOfClient(client: ClientRecord): ClientSubject {
  const person = [client.nameFirst, client.nameLast].filter((n) => n !== null && n !== '').join(' ');
  const name = client.memberType === 'business' ? client.businessName || person : person || client.businessName;
  return { subjectName: name || null, subjectEmail: client.email, subjectPhone: client.phone };
}

/**
 * The client with `requestCount` requests; `updatedAt`, when given, moves too. The same object
 * when nothing changes, so that unchanged records stay unchanged in the store.
 *
 * @example
 * withRequestCount(client, client.requestCount + 1, now);
 */
export function withRequestCount(client: ClientRecord, requestCount: number, updatedAt?: string): ClientRecord {
  if (client.requestCount === requestCount && (updatedAt === undefined || updatedAt === client.updatedAt)) return client;
  return { ...client, requestCount, updatedAt: updatedAt ?? client.updatedAt };
}
