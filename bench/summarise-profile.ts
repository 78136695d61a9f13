// Summarises a `node --cpu-prof` .cpuprofile: top self time by function and by module (package or file).
// Usage: node --import tsx bench/summarise-profile.ts FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** `express`, `node:internal/...`, `dist/store/store.js` or a V8 pseudo-frame such as `(garbage collector)`. */
function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (packageMatch) return packageMatch[1] as string;
  if (path.startsWith('node:')) return path.split('/').slice(0, 2).join('/');
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}

function functionOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${moduleOf(url, functionName)}:${lineNumber + 1}`;
}

/** Self time in microseconds per key: each sample is charged the time until the next one. */
function selfTimes(profile: CpuProfile, keyOf: (node: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index + 1] ?? 0;
    const key = keyOf(byId.get(id) as ProfileNode);
    totals.set(key, (totals.get(key) ?? 0) + delta);
  });
  return totals;
}

function formatTop(title: string, totals: Map<string, number>, top: number, wallUs: number): string {
  const lines = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => `${((100 * us) / wallUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
  return [`${title}:`, ...lines].join('\n');
}

function main(): void {
  const [file, topArgument] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: summarise-profile.ts FILE.cpuprofile [TOP]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const top = Number(topArgument ?? 25);
  const wallUs = profile.endTime - profile.startTime;
  process.stdout.write(
    `${file}: ${(wallUs / 1e6).toFixed(2)} s profiled, ${profile.samples.length} samples\n\n` +
      `${formatTop(
        'self time by module',
        selfTimes(profile, (n) => moduleOf(n.callFrame.url, n.callFrame.functionName)),
        top,
        wallUs,
      )}\n\n` +
      `${formatTop('self time by function', selfTimes(profile, functionOf), top, wallUs)}\n`,
  );
}

main();
