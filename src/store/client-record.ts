// The Client record as the real API returns it, and the order of its keys.

/** `individual` or `business`; a record never has it null. */
export type MemberType = 'individual' | 'business';

/** A client, keys in the contract's order. Records are never changed in place once stored. */
export interface ClientRecord {
  id: string;
  orgId: string;
  nameFirst: string | null;
  nameLast: string | null;
  businessName: string | null;
  email: string | null;
  phone: string | null;
  externalId: string | null;
  memberType: MemberType;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  metadata: Record<string, unknown>;
  active: boolean;
  requestCount: number;
  createdAt: string;
  updatedAt: string;
}

/** Creation order: `createdAt`, then `id` (ids made in one millisecond keep their order). */
export function compareByCreation(a: ClientRecord, b: ClientRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
