// Shared words of the request tests: the Request's keys in contract order and a frozen start.

/** The Request's keys, in the contract's order. */
export const REQUEST_KEYS = [
  'id',
  'orgId',
  'type',
  'status',
  'requirements',
  'currentStep',
  'subjectName',
  'subjectEmail',
  'subjectPhone',
  'requestorName',
  'requestorEmail',
  'requestorCompany',
  'clientId',
  'matterId',
  'expiresDays',
  'expiresAt',
  'submittedAt',
  'accessToken',
  'createdAt',
  'updatedAt',
];

/** What GET /requests/{id} adds, in order. */
export const DETAIL_KEYS = ['score', 'person', 'documents', 'biometric', 'location', 'contact', 'business', 'financial', 'pep', 'steps'];

/** The instant request tests freeze the clock at. */
export const FROZEN_AT = '2026-03-04T05:06:07.089Z';

/** acme's profile in fixtures/api-keys.json. */
export const ACME_REQUESTOR = { requestorName: 'Alex Morgan', requestorEmail: 'alex.morgan@acme.example', requestorCompany: 'Acme Corp' };

export const REQUEST_ID = /^req_[0-7][0-9a-hjkmnp-tv-z]{25}$/;
export const ACCESS_TOKEN = /^[A-Za-z0-9_-]{32}$/;
