// npm run soak [-- --duration SECONDS --concurrency N]: a bounded soak of the built CLI under a mix
// of creates, reads, lists, forced faults and resets; counts every answer that is not the expected
// one and samples the server's RSS to show it stays flat after warm-up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI } from '../test/support/cli.js';
import { KEYS } from '../test/support/fixture-keys.js';
import { killRemainingServers, spawnServer, stopServersOnExit } from '../test/support/processes.js';

const FORCED = [402, 429, 500, 503];

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '16' },
    'sample-every': { type: 'string', default: '5' },
  },
});
const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);
const sampleEveryMs = Number(values['sample-every']) * 1000;
const warmUpMs = Math.min(60_000, durationMs / 5);

type Operation = 'create' | 'read' | 'list' | 'forced' | 'resetOrg' | 'reset';
/** Weights of the mix, out of 100. */
const MIX: [Operation, number][] = [
  ['create', 40],
  ['read', 20],
  ['list', 25],
  ['forced', 12],
  ['resetOrg', 2],
  ['reset', 1],
];

const counts = new Map<string, number>();
const unexpected: string[] = [];
const knownIds: string[] = [];
let requests = 0;

function pick(): Operation {
  let roll = Math.random() * 100;
  for (const [operation, weight] of MIX) {
    roll -= weight;
    if (roll < 0) return operation;
  }
  return 'list';
}

function tally(operation: Operation, status: number, expected: number[]): void {
  requests++;
  const key = `${operation} ${status}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (!expected.includes(status) && unexpected.length < 20) unexpected.push(key);
}

async function once(url: string): Promise<void> {
  const operation = pick();
  const [orgId, key] = Math.random() < 0.5 ? ['org_acme', KEYS.acme] : ['org_globex', KEYS.globex];
  const headers = { 'X-Api-Key': key, 'Content-Type': 'application/json' };
  switch (operation) {
    case 'create': {
      const res = await fetch(`${url}/v2/api/clients`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ nameFirst: 'Soak', email: 'soak@example.com', metadata: { n: requests } }),
      });
      const body = (await res.json()) as { id?: string };
      if (body.id !== undefined && knownIds.length < 10_000) knownIds.push(body.id);
      return tally(operation, res.status, [201]);
    }
    case 'read': {
      const id = knownIds[Math.floor(Math.random() * knownIds.length)] ?? 'clt_none';
      const res = await fetch(`${url}/v2/api/clients/${id}`, { headers });
      await res.arrayBuffer();
      // A reset may have removed it, or it belongs to the other organisation.
      return tally(operation, res.status, [200, 404]);
    }
    case 'list': {
      const res = await fetch(`${url}/v2/api/clients?limit=20&sort=${Math.random() < 0.5 ? 'name' : 'created_at'}`, { headers });
      await res.arrayBuffer();
      return tally(operation, res.status, [200]);
    }
    case 'forced': {
      const code = FORCED[Math.floor(Math.random() * FORCED.length)] as number;
      const res = await fetch(`${url}/v2/api/clients`, { headers: { ...headers, Prefer: `code=${code}` } });
      await res.arrayBuffer();
      return tally(operation, res.status, [code]);
    }
    case 'resetOrg': {
      const res = await fetch(`${url}/__admin/reset?orgId=${orgId}`, { method: 'POST' });
      await res.arrayBuffer();
      return tally(operation, res.status, [200]);
    }
    case 'reset': {
      const res = await fetch(`${url}/__admin/reset`, { method: 'POST' });
      await res.arrayBuffer();
      knownIds.length = 0;
      return tally(operation, res.status, [200]);
    }
  }
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'athenty-fake-soak-'));
  stopServersOnExit('soak');
  try {
    const server = await spawnServer(
      process.execPath,
      [CLI, '--port', '0', '--db', join(dir, 'db.json'), '--rate-limit', '0', '--log-level', 'warn'],
      {
        echoStderr: true,
        keepLast: 2000,
      },
    );
    const { url, pid } = server;
    const started = Date.now();
    const samples: { atS: number; rssMb: number }[] = [];
    const sampler = setInterval(() => samples.push({ atS: Math.round((Date.now() - started) / 1000), rssMb: rssMb(pid) }), sampleEveryMs);
    let failures = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() - started < durationMs) {
          try {
            await once(url);
          } catch (error) {
            failures++;
            if (unexpected.length < 20) unexpected.push(`transport: ${(error as Error).message}`);
          }
        }
      }),
    );
    clearInterval(sampler);
    const elapsedS = (Date.now() - started) / 1000;
    const afterWarmUp = samples.filter((s) => s.atS * 1000 >= warmUpMs).map((s) => s.rssMb);
    const first = afterWarmUp[0] ?? NaN;
    const last = afterWarmUp.at(-1) ?? NaN;
    const unexpectedCount = [...counts].reduce((sum, [key, n]) => {
      const [operation, status] = key.split(' ') as [Operation, string];
      const ok =
        (operation === 'create' && status === '201') ||
        (operation === 'read' && (status === '200' || status === '404')) ||
        (operation === 'list' && status === '200') ||
        (operation === 'forced' && FORCED.includes(Number(status))) ||
        ((operation === 'reset' || operation === 'resetOrg') && status === '200');
      return ok ? sum : sum + n;
    }, 0);
    const report = {
      durationS: Math.round(elapsedS),
      concurrency,
      requests,
      requestsPerSecond: Math.round(requests / elapsedS),
      answers: Object.fromEntries([...counts].sort()),
      unexpectedAnswers: unexpectedCount,
      transportFailures: failures,
      examples: unexpected,
      rssMb: {
        warmUpEndsAtS: warmUpMs / 1000,
        afterWarmUpFirst: Math.round(first),
        afterWarmUpLast: Math.round(last),
        afterWarmUpMax: Math.round(Math.max(...afterWarmUp)),
        growthAfterWarmUpPercent: Math.round(((last - first) / first) * 1000) / 10,
      },
      samples,
    };
    console.log(JSON.stringify(report, null, 2));
    const exitCodeBefore = server.child.exitCode;
    const exitCode = await server.stop();
    if (exitCodeBefore !== null || exitCode !== 0) throw new Error(`the fake stopped with ${exitCode}`);
    if (unexpectedCount > 0 || failures > 0) process.exitCode = 1;
  } finally {
    killRemainingServers();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
