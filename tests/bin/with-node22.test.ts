// The launcher every npm script goes through (bin/with-node22.mjs): under a Node older than 22.18 it runs
// the command with Node 22 from the npm registry, saying so in one line. The fetch is exercised against a
// stand-in npm (no network); the last test runs the README's commands in a fresh clone with that old Node
// first on PATH, as a new user on such a machine would.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const launcher = path.join(repo, 'bin/with-node22.mjs');

function olderThan2218(version: string): boolean {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major < 22 || (major === 22 && minor < 18);
}

/** A node binary older than 22.18 on this machine (the CI machine's is 20), or null. */
function findOldNode(): { bin: string; version: string } | null {
  const which = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout ?? '';
  const candidates = [...new Set(['/usr/bin/node', ...which.split('\n').filter(Boolean)])];
  for (const bin of candidates) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (r.status === 0 && olderThan2218(r.stdout.trim())) return { bin, version: r.stdout.trim() };
  }
  return null;
}

const old = findOldNode();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-launcher-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** An environment without the outer npm's variables, with the given PATH. */
function cleanEnv(PATH: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k) || k === 'NODE' || k === 'INIT_CWD' || k.startsWith('VITEST')) continue;
    env[k] = v;
  }
  return { ...env, PATH, ...extra };
}

function launch(node: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(node, [launcher, ...args], { cwd: repo, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/with-node22.mjs under a recent Node', () => {
  const env = cleanEnv(`${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`);

  it('runs the commands in order with this node, adds extra arguments to the last, and says nothing', () => {
    const r = launch(
      process.execPath,
      ['node -e console.log(1) && node -e console.log(process.argv.slice(1).join())', 'a', 'b'],
      env,
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('1\na,b\n');
  });

  it('stops at the first command that fails and exits with its code', () => {
    const r = launch(process.execPath, ['node -e process.exit(3) && node -e console.log(2)'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('names a command that does not exist', () => {
    const r = launch(process.execPath, ['no-such-command-here'], env);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/cannot run no-such-command-here/);
  });
});

describe.skipIf(!old)(
  `bin/with-node22.mjs under ${old?.version ?? 'an old Node (none on this machine: skipped)'}`,
  () => {
    const oldDir = path.dirname(old?.bin ?? '/');
    // A stand-in for `npm install --prefix <dir> node@22`: links this test's Node 22 where the package puts it.
    const fakeNpm = path.join(tmp, 'fake-npm-cli.js');
    fs.writeFileSync(
      fakeNpm,
      `const fs = require('fs'), path = require('path');
const args = process.argv.slice(2);
if (process.env.FAKE_NPM_FAIL) { console.error('npm error network request to https://registry.npmjs.org/node failed'); process.exit(1); }
const prefix = args[args.indexOf('--prefix') + 1];
fs.writeFileSync(path.join(path.dirname(process.argv[1]), 'npm-args.json'), JSON.stringify(args));
fs.mkdirSync(path.join(prefix, 'node_modules/node/bin'), { recursive: true });
fs.symlinkSync(process.env.FAKE_NODE22, path.join(prefix, 'node_modules/node/bin/node'));
`,
    );

    it('fetches Node 22 into the cache once, says so in one line, and runs the command under it', () => {
      const cache = fs.mkdtempSync(path.join(tmp, 'cache-'));
      const env = cleanEnv(`${oldDir}${path.delimiter}${process.env.PATH}`, {
        XDG_CACHE_HOME: cache,
        npm_execpath: fakeNpm,
        FAKE_NODE22: process.execPath,
      });
      const first = launch(old!.bin, ['node -p process.version'], env);
      expect(first.code).toBe(0);
      expect(first.stdout.trim()).toBe(process.version);
      expect(first.stderr).toBe(
        `leakbook: Node.js ${old!.version} is older than 22.18; fetching Node 22 from the npm registry into ${cache}/leakbook/node22 (once)…\n`,
      );
      expect(JSON.parse(fs.readFileSync(path.join(tmp, 'npm-args.json'), 'utf8'))).toEqual(
        expect.arrayContaining(['install', '--no-save', '--no-package-lock', 'node@22']),
      );
      fs.rmSync(path.join(tmp, 'npm-args.json'));
      const second = launch(old!.bin, ['node -p process.version'], env);
      expect(second.stdout.trim()).toBe(process.version);
      expect(second.stderr).toBe(
        `leakbook: Node.js ${old!.version} is older than 22.18; running under Node ${process.version} from ${cache}/leakbook/node22.\n`,
      );
      expect(fs.existsSync(path.join(tmp, 'npm-args.json'))).toBe(false);
    });

    it('says in one sentence what to install when Node 22 cannot be fetched', () => {
      const cache = fs.mkdtempSync(path.join(tmp, 'cache-'));
      const env = cleanEnv(`${oldDir}${path.delimiter}${process.env.PATH}`, {
        XDG_CACHE_HOME: cache,
        npm_execpath: fakeNpm,
        FAKE_NPM_FAIL: '1',
      });
      const r = launch(old!.bin, ['node -p process.version'], env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(
        /^leakbook: Node\.js v\d+\.\d+\.\d+ is older than 22\.18 and Node 22 could not be fetched from the npm registry \(npm install node@22 failed: npm error network request .*\); install Node\.js 22\.18 or newer \(https:\/\/nodejs\.org\/\) and run the command again\.$/,
      );
      expect(fs.readdirSync(path.join(cache, 'leakbook'))).toEqual([]);
    });

    // Minutes, not seconds: a real `npm install` (from npm's cache when it is warm) and two site builds.
    it(
      "the README's commands work in a fresh clone with that Node first on PATH",
      async () => {
        const clone = path.join(tmp, 'clone');
        const git = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${repo}`, clone], {
          encoding: 'utf8',
        });
        expect(git.status, git.stderr).toBe(0);
        const env = cleanEnv(`${oldDir}${path.delimiter}${process.env.PATH}`);
        const run = (args: string[], timeoutMs: number) => {
          const r = spawnSync('npm', args, {
            cwd: clone,
            env,
            encoding: 'utf8',
            timeout: timeoutMs,
            killSignal: 'SIGKILL',
          });
          // without colours, which the outer test run may force on
          return {
            code: r.status,
            output: `${r.stdout}${r.stderr}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), ''),
          };
        };
        const say = `leakbook: Node.js ${old!.version} is older than 22.18; running under Node`;

        const install = run(['install'], 10 * 60_000);
        expect(install.code, install.output.slice(-2000)).toBe(0);

        // `npm start`, on a free port (4321 may be taken), until it serves the workbook; then stopped.
        const start = spawn('npm', ['start', '--', '--port', '0'], {
          cwd: clone,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        start.stdout.on('data', (c) => (output += c));
        start.stderr.on('data', (c) => (output += c));
        const exited = new Promise<void>((resolve) => start.on('exit', () => resolve()));
        try {
          const url = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`npm start did not serve within 5 minutes:\n${output.slice(-2000)}`)),
              5 * 60_000,
            );
            const look = () => {
              const m = /Leakbook running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
              if (m) {
                clearTimeout(timer);
                resolve(m[1]);
              }
            };
            start.stdout.on('data', look);
            start.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output.slice(-2000)}`)));
          });
          expect(output).toContain(say);
          const res = await fetch(url);
          expect(res.status).toBe(200);
          expect(await res.text()).toContain('Leakbook');
        } finally {
          process.kill(-start.pid!, 'SIGTERM');
          await exited;
        }
        // nothing of the runner is left behind once it has shut down (it stops its labs first)
        const alive = () => spawnSync('pgrep', ['-g', String(start.pid)]).status === 0;
        for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 250));
        expect(alive(), spawnSync('ps', ['-o', 'pid,args', '-g', String(start.pid)], { encoding: 'utf8' }).stdout).toBe(
          false,
        );

        // `npm test` as written, on one small test file (the whole suite is what CI runs).
        const test = run(['test', '--', 'tests/contracts/format.test.ts'], 10 * 60_000);
        expect(test.code, test.output.slice(-2000)).toBe(0);
        expect(test.output).toContain(say);
        expect(test.output).toMatch(/Test Files\s+1 passed/);
      },
      25 * 60_000,
    );
  },
);
