// The Client record as the real API returns it, and the order of its keys.

/** `individual` or `business`; a record never has it null. */
export type MemberType = 'individual' | 'business';

/** A client, keys in the contract's order. Records are never changed in place once stored. */
export interface ClientRecord {
  readonly id: string;
  readonly orgId: string;
  readonly nameFirst: string | null;
  readonly nameLast: string | null;
  readonly businessName: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly externalId: string | null;
  readonly memberType: MemberType;
  readonly addressLine1: string | null;
  readonly addressLine2: string | null;
  readonly city: string | null;
  readonly region: string | null;
  readonly postalCode: string | null;
  readonly country: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly active: boolean;
  readonly requestCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

// The clients' place in a state snapshot (seed files, exports, imports), for the typed handles.
declare module '../../admin/state.js' {
  interface StateSnapshot {
    clients: ClientRecord[];
  }
}
