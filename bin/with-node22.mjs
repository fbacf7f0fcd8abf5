#!/usr/bin/env node
// Runs a command under Node.js >= 22.18, which the workbook needs (type stripping, v8.queryObjects).
// Every npm script goes through here, so `npm install && npm start` and `npm test` work on a machine
// whose Node is older: the `node` package (Node 22) is installed from the npm registry into
// ~/.cache/leakbook/node22 once, and the command runs with it first on PATH. Plain JavaScript that
// runs on Node 18 and 20; no dependencies.
//
//   node bin/with-node22.mjs 'astro build && node server/start.ts' [args for the last command…]
//
// The command is not given to a shell: `&&` separates commands, words are split on spaces, and extra
// arguments (`npm test -- tests/kit`) go to the last command.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MIN = [22, 18];
const cacheRoot = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
const prefix = path.join(cacheRoot, 'leakbook', 'node22');
const nodeBin = path.join(prefix, 'node_modules', 'node', 'bin');
const shortPrefix = prefix.startsWith(os.homedir() + path.sep) ? `~${prefix.slice(os.homedir().length)}` : prefix;

function recentEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MIN[0] || (major === MIN[0] && minor >= MIN[1]);
}

/** The version the node binary in dir prints, or null when there is none that runs. */
function versionIn(dir) {
  const bin = path.join(dir, 'node');
  if (!fs.existsSync(bin)) return null;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function fail(sentence) {
  process.stderr.write(`leakbook: ${sentence}\n`);
  process.exit(1);
}

/** Installs node@22 from the npm registry into a fresh folder, then moves it into place. */
function installNode22() {
  const tmp = `${prefix}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const args = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', tmp, 'node@22'];
  // Under `npm run` the npm that runs us is known; otherwise the one on PATH.
  const npmCli = process.env.npm_execpath;
  const r =
    npmCli && npmCli.endsWith('.js')
      ? spawnSync(process.execPath, [npmCli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      : spawnSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const got = r.status === 0 ? versionIn(path.join(tmp, 'node_modules', 'node', 'bin')) : null;
  if (!got || !recentEnough(got)) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const why = r.error
      ? `npm could not be run (${r.error.message})`
      : r.status !== 0
        ? 'npm install node@22 failed'
        : `it gave ${got ?? 'no working node'}`;
    const detail = `${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    fail(
      `Node.js ${process.version} is older than ${MIN.join('.')} and Node 22 could not be fetched from the npm ` +
        `registry (${why}${detail ? `: ${detail}` : ''}); install Node.js 22.18 or newer (https://nodejs.org/) ` +
        'and run the command again.',
    );
  }
  // Another launcher may have finished first; either copy is as good.
  fs.rmSync(prefix, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, prefix);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The node to use and an environment whose PATH finds it first (for tools started as `#!/usr/bin/env node`):
 * this one when it is recent enough, else Node 22 from the cache, fetched into it the first time.
 */
function node22() {
  if (recentEnough(process.version)) return { node: process.execPath, env: process.env };
  const older = `Node.js ${process.version} is older than ${MIN.join('.')}`;
  const version = versionIn(nodeBin);
  if (!version || !recentEnough(version)) {
    process.stderr.write(`leakbook: ${older}; fetching Node 22 from the npm registry into ${shortPrefix} (once)…\n`);
    installNode22();
  } else {
    process.stderr.write(`leakbook: ${older}; running under Node ${version} from ${shortPrefix}.\n`);
  }
  const node = path.join(nodeBin, 'node');
  const PATH = `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}`;
  return { node, env: { ...process.env, PATH, NODE: node, npm_node_execpath: node } };
}

const [script, ...extra] = process.argv.slice(2);
if (!script) fail('usage: node bin/with-node22.mjs "<command> [&& <command>…]" [args…]');
const commands = script.split('&&').map((c) => c.trim().split(/\s+/).filter(Boolean));
if (commands.some((c) => c.length === 0)) fail(`cannot run ${JSON.stringify(script)}: an empty command`);
commands[commands.length - 1].push(...extra);

const { node, env } = node22();
let child = null;
// Ctrl+C reaches the whole process group, the child included; other signals are passed on.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child?.kill(signal));

for (const [cmd, ...args] of commands) {
  const { code, signal } = await new Promise((resolve) => {
    child = spawn(cmd === 'node' ? node : cmd, args, { stdio: 'inherit', env });
    child.on('error', (err) => resolve({ code: err.code === 'ENOENT' ? 127 : 1, signal: null, err }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  }).then((r) => {
    if (r.err) process.stderr.write(`leakbook: cannot run ${cmd}: ${r.err.message}\n`);
    return r;
  });
  child = null;
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    await new Promise(() => {});
  }
  if (code !== 0) process.exit(code ?? 1);
}
