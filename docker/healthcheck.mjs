// Docker health probe for the athenty-fake image: GET /__admin/health where the fake listens; exit 0 on 200.
//
// The fake itself says where: once it listens it writes {url, adminToken} to the file named by
// ATHENTY_FAKE_READY_FILE (the image sets it), and removes it when it stops. So the probe follows
// the port, host and admin token however they were given (flags after the image name or variables)
// without reading the fake's options a second time.
import { readFileSync } from 'node:fs';

// A wildcard address is not one to connect to; the loopback reaches it from inside the container.
const WILDCARD_HOSTS = ['0.0.0.0', '[::]'];

function readReadyFile(path) {
  if (!path) {
    console.log('ATHENTY_FAKE_READY_FILE is not set: the fake writes no ready file to read');
    process.exit(1);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    // Docker keeps the last lines of output in `docker inspect`: say why the probe failed.
    console.log(`${path}: ${error.code === 'ENOENT' ? 'not there yet, the fake is not listening' : error.message}`);
    process.exit(1);
  }
}

const ready = readReadyFile(process.env.ATHENTY_FAKE_READY_FILE);
const url = new URL('/__admin/health', ready.url);
if (WILDCARD_HOSTS.includes(url.hostname)) url.hostname = '127.0.0.1';

try {
  const res = await fetch(url, {
    headers: ready.adminToken ? { authorization: `Bearer ${ready.adminToken}` } : {},
    signal: AbortSignal.timeout(2500),
  });
  const body = await res.text();
  console.log(`${url} ${res.status} ${body.slice(0, 200)}`);
  process.exit(res.status === 200 ? 0 : 1);
} catch (error) {
  console.log(`${url} ${error.cause?.code ?? error.name}: ${error.message}`);
  process.exit(1);
}
