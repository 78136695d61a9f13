// Docker health probe for the athenty-fake image: GET /__admin/health where the fake listens; exit 0 on 200.
//
// It reads the configuration at check time, as the fake itself does: the CLI's flags on PID 1
// (`docker run athenty-fake --port 8080`) win over ATHENTY_FAKE_PORT / ATHENTY_FAKE_HOST /
// ATHENTY_FAKE_ADMIN_TOKEN, which win over the defaults. So changing the port never breaks it.
import { readFileSync } from 'node:fs';

const OPTIONS = { port: 'ATHENTY_FAKE_PORT', host: 'ATHENTY_FAKE_HOST', 'admin-token': 'ATHENTY_FAKE_ADMIN_TOKEN' };
const WILDCARD_HOSTS = ['', '0.0.0.0', '::', '[::]'];

/** `--port 8080` and `--port=8080` style flags among PID 1's arguments (none when it cannot be read). */
function flagsOfMainProcess() {
  let args;
  try {
    args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
  } catch {
    return {};
  }
  const flags = {};
  args.forEach((arg, i) => {
    for (const name of Object.keys(OPTIONS)) {
      if (arg === `--${name}` && args[i + 1] !== undefined) flags[name] = args[i + 1];
      else if (arg.startsWith(`--${name}=`)) flags[name] = arg.slice(name.length + 3);
    }
  });
  return flags;
}

const flags = flagsOfMainProcess();
const option = (name) => flags[name] ?? process.env[OPTIONS[name]];

const port = option('port') ?? '4010';
const listenHost = (option('host') ?? '127.0.0.1').trim();
// A wildcard address is not one to connect to; the loopback reaches it from inside the container.
const host = WILDCARD_HOSTS.includes(listenHost) ? '127.0.0.1' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
const token = option('admin-token');
const url = `http://${host}:${port}/__admin/health`;

try {
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(2500),
  });
  const body = await res.text();
  // Docker keeps the last lines of output in `docker inspect`: say what was asked and answered.
  console.log(`${url} ${res.status} ${body.slice(0, 200)}`);
  process.exit(res.status === 200 ? 0 : 1);
} catch (error) {
  console.log(`${url} ${error.cause?.code ?? error.name}: ${error.message}`);
  process.exit(1);
}
