// Builds Client records: from a create body, or from a fixture or imported entry.
import type { ClientRecord, MemberType } from './client-record.js';

/** The fields a create body may set (after validation). */
export interface ClientInput {
  nameFirst?: string | null;
  nameLast?: string | null;
  businessName?: string | null;
  email?: string | null;
  phone?: string | null;
  externalId?: string | null;
  memberType?: MemberType;
  addressLine1?: string | null;
  addressLine2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  metadata?: Record<string, unknown>;
}

/** A starting or imported client: its organisation, and any other field of the record. */
export type ClientSeed = ClientInput & {
  orgId: string;
  id?: string;
  active?: boolean;
  requestCount?: number;
  createdAt?: string;
  updatedAt?: string;
};

/** What the server decides for a new record. */
export interface RecordIdentity {
  id: string;
  orgId: string;
  /** ISO 8601 UTC with milliseconds. */
  now: string;
}

/**
 * The record a create makes: every key in contract order, omitted fields `null`, `metadata` `{}`,
 * `active` true and `requestCount` 0. Unknown and read-only keys of `input` are not copied.
 *
 * @example
 * newClientRecord({ nameFirst: 'Jane' }, { id, orgId: 'org_acme', now: '2026-01-01T00:00:00.000Z' });
 */
export function newClientRecord(input: ClientInput, identity: RecordIdentity): ClientRecord {
  return {
    id: identity.id,
    orgId: identity.orgId,
    nameFirst: input.nameFirst ?? null,
    nameLast: input.nameLast ?? null,
    businessName: input.businessName ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    externalId: input.externalId ?? null,
    memberType: input.memberType ?? 'individual',
    addressLine1: input.addressLine1 ?? null,
    addressLine2: input.addressLine2 ?? null,
    city: input.city ?? null,
    region: input.region ?? null,
    postalCode: input.postalCode ?? null,
    country: input.country ?? null,
    metadata: input.metadata ?? {},
    active: true,
    requestCount: 0,
    createdAt: identity.now,
    updatedAt: identity.now,
  };
}

/**
 * The record of a fixture or imported entry: what it gives is kept (timestamps normalised to UTC
 * with milliseconds), what it omits is filled in as a create would.
 */
export function seededClientRecord(seed: ClientSeed, fill: { nextId: () => string; now: string }): ClientRecord {
  const createdAt = seed.createdAt === undefined ? fill.now : new Date(seed.createdAt).toISOString();
  return {
    ...newClientRecord(seed, { id: seed.id ?? fill.nextId(), orgId: seed.orgId, now: createdAt }),
    active: seed.active ?? true,
    requestCount: seed.requestCount ?? 0,
    updatedAt: seed.updatedAt === undefined ? createdAt : new Date(seed.updatedAt).toISOString(),
  };
}
