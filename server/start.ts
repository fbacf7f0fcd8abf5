// The local runner: `node server/start.ts [--port 4321] [--host 127.0.0.1] [--dist dist] [--labs labs]`.
// Serves the built workbook and runs labs as real Node processes on this machine. Prints exactly one
// line, "Leakbook running at http://127.0.0.1:<port>/", once it listens.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHandler } from './handler.ts';
import { createLabStore } from './lab-store.ts';
import { RunManager } from './run-manager.ts';
import { defaultLimits, type RunLimits } from './runs.ts';
import { createStaticSite } from './static.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  port: number;
  host: string;
  dist: string;
  labs: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { port: 4321, host: '127.0.0.1', dist: resolve(repo, 'dist'), labs: resolve(repo, 'labs') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port') opts.port = Number(value());
    else if (flag === '--host') opts.host = value();
    else if (flag === '--dist') opts.dist = resolve(value());
    else if (flag === '--labs') opts.labs = resolve(value());
    else fail(`Unknown option ${argv[i]}. Usage: node server/start.ts [--port 4321] [--host 127.0.0.1]`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    fail('--port must be a port number (0 picks a free one).');
  // Loopback only: the runner executes code, so it must never be reachable from the network.
  if (opts.host !== '127.0.0.1' && opts.host !== 'localhost')
    fail(`Refusing to listen on ${opts.host}: the runner executes lab code and listens on 127.0.0.1 only.`);
  return opts;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Limits can be tightened for tests through LEAKBOOK_RUNNER_LIMITS='{"orphanMs":1000}'. */
function limitsFromEnv(): RunLimits {
  const raw = process.env.LEAKBOOK_RUNNER_LIMITS;
  if (!raw) return defaultLimits;
  try {
    return { ...defaultLimits, ...(JSON.parse(raw) as Partial<RunLimits>) };
  } catch {
    fail('LEAKBOOK_RUNNER_LIMITS must be JSON, e.g. {"maxRuns":2}.');
  }
}

const opts = parseArgs(process.argv.slice(2));
if (!existsSync(resolve(opts.dist, 'index.html')))
  console.error(
    `Note: ${opts.dist} has no index.html; build the site first with \`npm run build\` (\`npm start\` does both).`,
  );

const token = randomBytes(24).toString('base64url');
const runs = new RunManager({ store: createLabStore(opts.labs), limits: limitsFromEnv() });
const server = createServer();

// Whatever way this process ends, lab processes and workspaces go with it.
let shuttingDown = false;
process.on('exit', () => runs.shutdownNow());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    server.close(); // no new connections; open event streams still hear why their run stopped
    runs
      .stopAll('The runner is shutting down.')
      .catch(() => undefined)
      .finally(() => {
        server.closeAllConnections();
        process.exit(0);
      });
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
process.on('uncaughtException', (err) => {
  console.error('[runner] fatal:', err);
  process.exit(1);
});

server.listen(opts.port, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const site = createStaticSite(opts.dist, token);
  server.on('request', createHandler({ port, token }, site, runs, { maxBodyBytes: 1024 * 1024, keepaliveMs: 15_000 }));
  console.log(`Leakbook running at http://127.0.0.1:${port}/`);
});
server.on('error', (err: NodeJS.ErrnoException) => {
  fail(
    err.code === 'EADDRINUSE'
      ? `Port ${opts.port} is in use; choose another with --port (0 picks a free one).`
      : `Could not start: ${err.message}`,
  );
});
