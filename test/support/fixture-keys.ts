// The shipped fixtures as tests know them: the seeded API keys (fixtures/api-keys.json) and the
// ids of the starting clients (fixtures/clients.json), spelled out so that a changed fixture fails.

/** The ordinary seeded keys: two organisations and one revoked key. */
export const KEYS = {
  acme: 'ath_test_acme_7Kq2mV9xR4tLp8Zc',
  globex: 'ath_test_globex_3Nf6wB1yH5jD0sQe',
  revoked: 'ath_test_revoked_9Xv4kT2mP7cR1bWa',
} as const;

/** The seeded magic keys, each always answering one documented error (all org_acme). */
export const MAGIC_KEYS = {
  rateLimited: 'ath_test_ratelimited_5Hd8pQ2wE6zY4m',
  inactive: 'ath_test_inactive_8Rb1nF5tK3xW7vLc',
  noApiPlan: 'ath_test_noapiplan_2Gm7sJ4cV9qT6yNd',
} as const;

/** The two starting clients of fixtures/clients.json (both org_acme), oldest first. */
export const SEEDED_IDS = ['clt_01ke6qvwe0mc8vacm19w6xg3jk', 'clt_01ke6qxq10n8ra9cjhtpd0h1kd'] as const;
