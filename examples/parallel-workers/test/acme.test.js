// Worker 1: the acme key (org_acme has two seeded clients).
import { workerSuite } from '../lib/worker-suite.js';

workerSuite({ key: 'ath_test_acme_7Kq2mV9xR4tLp8Zc', orgId: 'org_acme', seededClients: 2 });
