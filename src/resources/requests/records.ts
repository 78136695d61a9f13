// Builds Request records: from a create body, or from a seed or imported entry.
import type { OrganisationProfile } from '../../api/resource.js';
import { EMPTY_DETAIL } from './detail.js';
import { OPEN_STATUSES, type RequestStatus } from './lifecycle.js';
import type { DetailObject, RequestRecord, RequestStep, RequestType, Requirement, ThirdParty } from './request-record.js';

/** The fields a create body may set (after validation; `expiresDays` defaulted). */
export interface RequestInput {
  type: RequestType;
  requirements: Requirement[];
  clientId?: string | null;
  matterId?: string | null;
  subjectName?: string | null;
  subjectEmail?: string | null;
  subjectPhone?: string | null;
  expiresDays?: number;
  config?: Record<string, unknown>;
  thirdParties?: ThirdParty[];
}

/** The subject as a linked client gives it (fields the body leaves out). */
export interface SubjectDefaults {
  subjectName: string | null;
  subjectEmail: string | null;
  subjectPhone: string | null;
}

/** What the server decides for a new record. */
export interface RequestIdentity {
  id: string;
  orgId: string;
  /** ISO 8601 UTC with milliseconds. */
  now: string;
  accessToken: string;
  /** The organisation's profile: the requestor fields. */
  organisation: OrganisationProfile | undefined;
  /** The linked client's subject fields, when `clientId` links one. */
  subject?: SubjectDefaults;
}

const DAY_MS = 86_400_000;
const DEFAULT_EXPIRES_DAYS = 7;

/**
 * `createdAt` plus `expiresDays` days.
 *
 * @example
 * expiresAtOf('2026-01-01T00:00:00.000Z', 7); // '2026-01-08T00:00:00.000Z'
 */
export function expiresAtOf(createdAt: string, expiresDays: number): string {
  return new Date(Date.parse(createdAt) + expiresDays * DAY_MS).toISOString();
}

/**
 * The first requirement not yet completed; `null` when all are.
 *
 * @example
 * currentStepOf([{ step: 'document', status: 'completed', completedAt }, { step: 'person', status: 'pending', completedAt: null }]); // 'person'
 */
export function currentStepOf(steps: readonly RequestStep[]): Requirement | null {
  return steps.find((s) => s.status === 'pending')?.step ?? null;
}

/** A body value, else the default; an explicit `null` in the body stays `null`. */
function given<T>(value: T | null | undefined, fallback: T | null): T | null {
  return value === undefined ? fallback : value;
}

/**
 * The record a create makes: every key in contract order; the subject from the body, else the
 * linked client; `in_progress` when there is a subject email to send the link to, else `initiated`.
 *
 * @example
 * newRequestRecord({ type: 'idv', requirements: ['document'] }, { id, orgId, now, accessToken, organisation });
 */
export function newRequestRecord(input: RequestInput, identity: RequestIdentity): RequestRecord {
  const subjectEmail = given(input.subjectEmail, identity.subject?.subjectEmail ?? null);
  const expiresDays = input.expiresDays ?? DEFAULT_EXPIRES_DAYS;
  const steps = input.requirements.map((step): RequestStep => ({ step, status: 'pending', completedAt: null }));
  return {
    id: identity.id,
    orgId: identity.orgId,
    type: input.type,
    status: subjectEmail === null ? 'initiated' : 'in_progress',
    requirements: [...input.requirements],
    currentStep: currentStepOf(steps),
    subjectName: given(input.subjectName, identity.subject?.subjectName ?? null),
    subjectEmail,
    subjectPhone: given(input.subjectPhone, identity.subject?.subjectPhone ?? null),
    requestorName: identity.organisation?.name ?? null,
    requestorEmail: identity.organisation?.email ?? null,
    requestorCompany: identity.organisation?.company ?? null,
    clientId: input.clientId ?? null,
    matterId: input.matterId ?? null,
    expiresDays,
    expiresAt: expiresAtOf(identity.now, expiresDays),
    submittedAt: null,
    accessToken: identity.accessToken,
    createdAt: identity.now,
    updatedAt: identity.now,
    ...EMPTY_DETAIL,
    steps,
    // Zod drops unknown keys of nested objects too.
    thirdParties: (input.thirdParties ?? []).map(({ name, email, org, sharedFields }) => ({
      name,
      email,
      ...(org === undefined ? {} : { org }),
      ...(sharedFields === undefined ? {} : { sharedFields: [...sharedFields] }),
    })),
    config: input.config ?? {},
  };
}

/** A starting or imported request: its organisation, type and requirements, and any other field of the record. */
export type RequestSeed = RequestInput & {
  orgId: string;
  id?: string;
  status?: RequestStatus;
  currentStep?: Requirement | null;
  requestorName?: string | null;
  requestorEmail?: string | null;
  requestorCompany?: string | null;
  expiresAt?: string;
  submittedAt?: string | null;
  accessToken?: string;
  createdAt?: string;
  updatedAt?: string;
  score?: number | null;
  person?: DetailObject | null;
  documents?: DetailObject[];
  biometric?: DetailObject | null;
  location?: DetailObject | null;
  contact?: DetailObject | null;
  business?: DetailObject | null;
  financial?: DetailObject | null;
  pep?: DetailObject | null;
  steps?: RequestStep[];
};

function isoOf(text: string | null | undefined): string | null | undefined {
  return text === undefined || text === null ? text : new Date(text).toISOString();
}

/**
 * The record of a seed or imported entry: what it gives is kept (timestamps normalised to UTC with
 * milliseconds), what it omits is filled in as a create would. An entry past the open statuses
 * without `steps` has every step completed.
 *
 * @example
 * seededRequestRecord({ orgId: 'org_acme', type: 'idv', requirements: ['document'] }, { nextId, now, accessToken, organisation });
 */
export function seededRequestRecord(
  seed: RequestSeed,
  fill: { nextId: () => string; now: string; accessToken: () => string; organisation: OrganisationProfile | undefined },
): RequestRecord {
  const createdAt = isoOf(seed.createdAt) ?? fill.now;
  const updatedAt = isoOf(seed.updatedAt) ?? createdAt;
  const fresh = newRequestRecord(seed, {
    id: seed.id ?? fill.nextId(),
    orgId: seed.orgId,
    now: createdAt,
    accessToken: seed.accessToken ?? fill.accessToken(),
    organisation: fill.organisation,
  });
  const status = seed.status ?? fresh.status;
  const open = OPEN_STATUSES.includes(status);
  const steps =
    seed.steps ?? (open ? fresh.steps : fresh.steps.map((s): RequestStep => ({ ...s, status: 'completed', completedAt: updatedAt })));
  return {
    ...fresh,
    status,
    currentStep: seed.currentStep === undefined ? currentStepOf(steps) : seed.currentStep,
    requestorName: given(seed.requestorName, fresh.requestorName),
    requestorEmail: given(seed.requestorEmail, fresh.requestorEmail),
    requestorCompany: given(seed.requestorCompany, fresh.requestorCompany),
    expiresAt: isoOf(seed.expiresAt) ?? fresh.expiresAt,
    submittedAt: seed.submittedAt === undefined ? (open ? null : updatedAt) : (isoOf(seed.submittedAt) ?? null),
    updatedAt,
    score: seed.score ?? null,
    person: seed.person ?? null,
    documents: seed.documents ?? [],
    biometric: seed.biometric ?? null,
    location: seed.location ?? null,
    contact: seed.contact ?? null,
    business: seed.business ?? null,
    financial: seed.financial ?? null,
    pep: seed.pep ?? null,
    steps,
  };
}
