// The chapters' Go facts are measured by the Go tests in tests/go-claims, and each chapter names the
// module versions it measured with. This runs those tests when a Go toolchain is on PATH, and checks that
// every "measured with Go …" sentence names the versions go.mod pins, so the two cannot drift apart.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { goOrSkip } from '../go-toolchain.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const moduleDir = join(repo, 'tests', 'go-claims');
const go = goOrSkip("go test ./... in tests/go-claims (the chapters' Go claims)");

const modules: Record<string, string> = {
  'gin-contrib/gzip': 'github.com/gin-contrib/gzip',
  'gin-contrib/cors': 'github.com/gin-contrib/cors',
  Gin: 'github.com/gin-gonic/gin',
  excelize: 'github.com/xuri/excelize/v2',
};

function pinned(): Map<string, string> {
  const pins = new Map<string, string>();
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  for (const m of goMod.matchAll(/^\s*(\S+) (v\S+)$/gm)) pins.set(m[1], m[2]);
  return pins;
}

describe('Go claims', () => {
  it('names, in every "measured with Go" sentence, the module versions go.mod pins', () => {
    const pins = pinned();
    const dir = join(repo, 'src', 'content', 'chapters');
    let sentences = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.mdx'))) {
      const text = readFileSync(join(dir, file), 'utf8').replace(/\s+/g, ' ');
      for (const m of text.matchAll(/measured with Go 1\.\d+\.\d+((?:[^.;()]|\.(?=\d))*)/gi)) {
        sentences++;
        for (const v of m[1].matchAll(/(gin-contrib\/gzip|gin-contrib\/cors|Gin|excelize) (v\d+\.\d+\.\d+)/g)) {
          expect(`${file}: ${v[1]} ${v[2]}`).toBe(`${file}: ${v[1]} ${pins.get(modules[v[1]])}`);
        }
      }
    }
    expect(sentences).toBeGreaterThan(0);
  });

  it('points only at test files that exist', () => {
    const dir = join(repo, 'src', 'content', 'chapters');
    const cited = readdirSync(dir)
      .filter((f) => f.endsWith('.mdx'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/tests\/go-claims\/(\w+_test\.go)/g)])
      .map((m) => m[1]);
    expect(cited.length).toBeGreaterThan(0);
    for (const file of new Set(cited)) expect(existsSync(join(moduleDir, file)), file).toBe(true);
  });

  it.skipIf(!go.version)(`passes go test ./... in tests/go-claims (${go.version ?? `skipped: ${go.skip}`})`, () => {
    const r = spawnSync('go', ['test', '-count=1', './...'], {
      cwd: moduleDir,
      encoding: 'utf8',
      // offline: the modules come from the module cache (`go mod download`, as .ci/run does)
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', GOPROXY: 'off' },
      timeout: 110_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
