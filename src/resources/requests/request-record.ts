// The verification Request as the real API returns it (plain, and with its assembled detail), and
// the record the fake stores: the detail and what the create body gave besides.
import type { RequestStatus } from './lifecycle.js';

/** `idv`, `kyc` or `share`. */
export type RequestType = 'idv' | 'kyc' | 'share';

/** One verification step a request collects. */
export type Requirement =
  | 'document'
  | 'person'
  | 'location'
  | 'contact'
  | 'biometric_face'
  | 'business'
  | 'pep_hio'
  | 'financial'
  | 'consent'
  | 'attestation'
  | 'estate';

/** A third party the result is shared with on approval. */
export interface ThirdParty {
  readonly name: string;
  readonly email: string;
  readonly org?: string | null;
  readonly sharedFields?: readonly string[];
}

/** One entry of the audit trail: a requirement, and whether (and when) it was completed. */
export interface RequestStep {
  readonly step: Requirement;
  readonly status: 'pending' | 'completed';
  readonly completedAt: string | null;
}

/** The Request, keys in the contract's order (what POST answers and GET /requests lists). */
export interface Request {
  readonly id: string;
  readonly orgId: string;
  readonly type: RequestType;
  readonly status: RequestStatus;
  readonly requirements: readonly Requirement[];
  readonly currentStep: Requirement | null;
  readonly subjectName: string | null;
  readonly subjectEmail: string | null;
  readonly subjectPhone: string | null;
  readonly requestorName: string | null;
  readonly requestorEmail: string | null;
  readonly requestorCompany: string | null;
  readonly clientId: string | null;
  readonly matterId: string | null;
  readonly expiresDays: number;
  readonly expiresAt: string;
  readonly submittedAt: string | null;
  readonly accessToken: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A detail object of the synthetic verification data (shapes in the README). */
export type DetailObject = Readonly<Record<string, unknown>>;

/** What `GET /requests/{id}` adds to the Request, in the contract's order. */
export interface RequestDetailFields {
  readonly score: number | null;
  readonly person: DetailObject | null;
  readonly documents: readonly DetailObject[];
  readonly biometric: DetailObject | null;
  readonly location: DetailObject | null;
  readonly contact: DetailObject | null;
  readonly business: DetailObject | null;
  readonly financial: DetailObject | null;
  readonly pep: DetailObject | null;
  readonly steps: readonly RequestStep[];
}

/** The Request with its assembled detail, as `GET /requests/{id}` answers it. */
export type RequestDetail = Request & RequestDetailFields;

/** The stored record: the detailed Request, then what the body gave that the API does not answer. */
export type RequestRecord = RequestDetail & {
  readonly thirdParties: readonly ThirdParty[];
  readonly config: Readonly<Record<string, unknown>>;
};

/**
 * The plain Request of a record (for create and list answers), keys in the contract's order.
 *
 * @example
 * toRequest(record).status; // 'in_progress'
 */
export function toRequest(record: RequestRecord): Request {
  return {
    id: record.id,
    orgId: record.orgId,
    type: record.type,
    status: record.status,
    requirements: record.requirements,
    currentStep: record.currentStep,
    subjectName: record.subjectName,
    subjectEmail: record.subjectEmail,
    subjectPhone: record.subjectPhone,
    requestorName: record.requestorName,
    requestorEmail: record.requestorEmail,
    requestorCompany: record.requestorCompany,
    clientId: record.clientId,
    matterId: record.matterId,
    expiresDays: record.expiresDays,
    expiresAt: record.expiresAt,
    submittedAt: record.submittedAt,
    accessToken: record.accessToken,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * The Request with its detail (for `GET /requests/{id}`, admin answers and events).
 *
 * @example
 * toRequestDetail(record).steps; // [{ step: 'document', status: 'completed', completedAt: '...' }, ...]
 */
export function toRequestDetail(record: RequestRecord): RequestDetail {
  // Spelled out rather than spread: a batch expiry builds thousands of these for its events.
  return {
    id: record.id,
    orgId: record.orgId,
    type: record.type,
    status: record.status,
    requirements: record.requirements,
    currentStep: record.currentStep,
    subjectName: record.subjectName,
    subjectEmail: record.subjectEmail,
    subjectPhone: record.subjectPhone,
    requestorName: record.requestorName,
    requestorEmail: record.requestorEmail,
    requestorCompany: record.requestorCompany,
    clientId: record.clientId,
    matterId: record.matterId,
    expiresDays: record.expiresDays,
    expiresAt: record.expiresAt,
    submittedAt: record.submittedAt,
    accessToken: record.accessToken,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    score: record.score,
    person: record.person,
    documents: record.documents,
    biometric: record.biometric,
    location: record.location,
    contact: record.contact,
    business: record.business,
    financial: record.financial,
    pep: record.pep,
    steps: record.steps,
  };
}

// The requests' place in a state snapshot (seed files, exports, imports), for the typed handles.
declare module '../../admin/state.js' {
  interface StateSnapshot {
    requests: RequestRecord[];
  }
}

/**
 * The record in a new status at `now`, every key in place (a literal, not a spread: a batch expiry
 * makes thousands).
 *
 * @example
 * withStatus(record, 'expired', now);
 */
export function withStatus(record: RequestRecord, status: RequestRecord['status'], now: string): RequestRecord {
  return {
    id: record.id,
    orgId: record.orgId,
    type: record.type,
    status: status,
    requirements: record.requirements,
    currentStep: record.currentStep,
    subjectName: record.subjectName,
    subjectEmail: record.subjectEmail,
    subjectPhone: record.subjectPhone,
    requestorName: record.requestorName,
    requestorEmail: record.requestorEmail,
    requestorCompany: record.requestorCompany,
    clientId: record.clientId,
    matterId: record.matterId,
    expiresDays: record.expiresDays,
    expiresAt: record.expiresAt,
    submittedAt: record.submittedAt,
    accessToken: record.accessToken,
    createdAt: record.createdAt,
    updatedAt: now,
    score: record.score,
    person: record.person,
    documents: record.documents,
    biometric: record.biometric,
    location: record.location,
    contact: record.contact,
    business: record.business,
    financial: record.financial,
    pep: record.pep,
    steps: record.steps,
    thirdParties: record.thirdParties,
    config: record.config,
  };
}
