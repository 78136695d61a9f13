// The synthetic verification data of a request, filled in step by step: small, deterministic (from
// the resource's seeded random stream) and consistent with the subject.
import type { RandomSource } from '../../random.js';
import type { DetailObject, RequestDetailFields, RequestRecord, Requirement } from './request-record.js';

/** The detail field a completed step fills, for the steps that have one. */
type DetailField = 'person' | 'documents' | 'biometric' | 'location' | 'contact' | 'business' | 'financial' | 'pep';

/** The empty detail of a new request: every object `null`, `documents` empty, no score. */
export const EMPTY_DETAIL: Omit<RequestDetailFields, 'steps'> = {
  score: null,
  person: null,
  documents: [],
  biometric: null,
  location: null,
  contact: null,
  business: null,
  financial: null,
  pep: null,
};

const DOCUMENT_TYPES = ['passport', 'drivers_license', 'national_id'] as const;
const CITIES = [
  { city: 'Toronto', region: 'ON', postalCode: 'M5V 2T6' },
  { city: 'Vancouver', region: 'BC', postalCode: 'V6B 1A1' },
  { city: 'Montreal', region: 'QC', postalCode: 'H2Y 1C6' },
  { city: 'Calgary', region: 'AB', postalCode: 'T2P 1J9' },
] as const;
const STREETS = ['King St W', 'Main St', 'Queen St E', 'Granville St', 'Rue Sainte-Catherine'] as const;
const BANKS = ['Royal Bank of Canada', 'TD Bank', 'Scotiabank', 'BMO', 'CIBC'] as const;

function pick<T>(random: RandomSource, values: readonly T[]): T {
  return values[Math.floor(random.next() * values.length)] as T;
}

function integer(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}

function digits(random: RandomSource, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(integer(random, 0, 9));
  return text;
}

/** The subject's first and last name as far as the request knows it. */
function namesOf(record: RequestRecord): { firstName: string | null; lastName: string | null } {
  const parts = (record.subjectName ?? '')
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '');
  if (parts.length === 0) return { firstName: null, lastName: null };
  return { firstName: parts[0] as string, lastName: parts.length > 1 ? parts.slice(1).join(' ') : null };
}

/** An ISO date (YYYY-MM-DD) `years` (plus a random number of days) from `now`. */
function dateFrom(now: string, years: number, random: RandomSource): string {
  const at = new Date(now);
  at.setUTCFullYear(at.getUTCFullYear() + years);
  at.setUTCDate(at.getUTCDate() - integer(random, 0, 364));
  return at.toISOString().slice(0, 10);
}

/**
 * What completing `step` fills in, drawn from `random`: the detail field and its value; `undefined`
 * for steps without detail (`consent`, `attestation`, `estate`).
 *
 * @example
 * detailOfStep('person', record, '2026-01-01T00:00:00.000Z', random); // { field: 'person', value: { firstName: 'Jane', ... } }
 */
export function detailOfStep(
  step: Requirement,
  record: RequestRecord,
  now: string,
  random: RandomSource,
): { field: DetailField; value: DetailObject | readonly DetailObject[] } | undefined {
  switch (step) {
    case 'person':
      return {
        field: 'person',
        value: { ...namesOf(record), dateOfBirth: dateFrom(now, -integer(random, 21, 75), random), verified: true },
      };
    case 'document':
      return {
        field: 'documents',
        value: [
          ...record.documents,
          {
            type: pick(random, DOCUMENT_TYPES),
            number: `${String.fromCharCode(65 + integer(random, 0, 25))}${digits(random, 8)}`,
            issuingCountry: 'CA',
            nameOnDocument: record.subjectName,
            expiresOn: dateFrom(now, integer(random, 1, 9), random),
            verified: true,
          },
        ],
      };
    case 'biometric_face':
      return {
        field: 'biometric',
        value: { livenessScore: integer(random, 85, 100), faceMatchScore: integer(random, 80, 100), passed: true },
      };
    case 'location': {
      const place = pick(random, CITIES);
      return {
        field: 'location',
        value: {
          addressLine1: `${integer(random, 1, 999)} ${pick(random, STREETS)}`,
          ...place,
          country: 'CA',
          ipCountry: 'CA',
          verified: true,
        },
      };
    }
    case 'contact':
      return {
        field: 'contact',
        value: {
          email: record.subjectEmail,
          emailVerified: record.subjectEmail !== null,
          phone: record.subjectPhone,
          phoneVerified: record.subjectPhone !== null,
        },
      };
    case 'business':
      return {
        field: 'business',
        value: { name: record.subjectName, registrationNumber: digits(random, 9), jurisdiction: 'CA', status: 'active', verified: true },
      };
    case 'financial':
      return { field: 'financial', value: { institution: pick(random, BANKS), accountLast4: digits(random, 4), accountVerified: true } };
    case 'pep_hio':
      return { field: 'pep', value: { screened: true, isPep: false, isHio: false, sanctionsHits: 0, screenedAt: now } };
    default:
      return undefined;
  }
}

/**
 * The composite score set when a request is submitted: an integer from 0 to 100 (the fake draws
 * it from 60 to 100; it never approves or rejects by itself).
 *
 * @example
 * scoreOf(random); // 87
 */
export function scoreOf(random: RandomSource): number {
  return integer(random, 60, 100);
}

/** 32 URL-safe characters for the subject-facing URL. */
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A request's `accessToken`: 32 URL-safe characters from the seeded random stream.
 *
 * @example
 * accessTokenOf(random).length; // 32
 */
export function accessTokenOf(random: RandomSource): string {
  let token = '';
  for (let i = 0; i < 32; i++) token += TOKEN_ALPHABET[Math.floor(random.next() * 64)];
  return token;
}
