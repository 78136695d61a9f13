// Worker 2: the globex key (org_globex starts empty).
import { workerSuite } from '../lib/worker-suite.js';

workerSuite({ key: 'ath_test_globex_3Nf6wB1yH5jD0sQe', orgId: 'org_globex', seededClients: 0 });
