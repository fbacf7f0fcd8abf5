// The Go labs, through the same engine as `npm run lab -- check`: for each lab with "language": "go",
// `go test ./...` in its workspace fails on the starter (its test shows the leak) and passes on the
// solution, and the tests that pin the incident itself (the ticker queue on synctest's fake clock, the
// middleware order on real Gin) pass on both; the starter's
// Check fails at least one task, the solution's passes every task; every wrong variant in
// labs/<id>/variants/<name>/ fails at least one task and every right variant passes all.
// Skipped, with the reason printed, when Go ≥ 1.25 (and go.mod's version) is not on PATH.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labsRoot, listLabIds, loadLab } from '../../engine/load-lab.ts';
import { runLabCheck } from '../../engine/supervise.ts';
import { createWorkspace } from '../../engine/workspace.ts';
import { goEnv } from '../../kit/go-service.ts';
import { goOrSkip } from '../go-toolchain.ts';

const go = goOrSkip('the Go labs (go test, Check, mutation suites)');
const root = labsRoot();
const goLabs = listLabIds(root).filter((id) => loadLab(id, root).manifest.language === 'go');
// a cold build of gin and excelize on a busy 2-core machine takes minutes; warm checks take seconds
const BUILD_MS = 600_000;

/**
 * What each starter's go test must fail with (the leak, not a compile error), and the tests that must
 * pass on starter and solution alike because they show the incident's mechanism.
 */
const GO_TESTS: Record<string, { leak: RegExp; both: string[] }> = {
  'report-queue-go': {
    leak: /blocked goroutines remain|found unexpected goroutines/,
    both: ['TestTimedBatchLeavesAfterTenSeconds'],
  },
  'gzip-preflight-go': {
    leak: /failed writes \(.*does not allow body/,
    both: ['TestGzipBeforeCorsFailsEveryPreflight', 'TestCorsBeforeGzipIsClean'],
  },
  'trace-logs-go': { leak: /log lines are still held/, both: [] },
  'excel-upload-go': { leak: /more than the \d+ MB budget/, both: ['TestABadRowCommitsNothing'] },
};

interface Variant {
  name: string;
  kind: 'wrong' | 'right';
  base: 'starter' | 'solution';
  why: string;
  files: Record<string, string>;
}

function variants(id: string): Variant[] {
  const dir = path.join(root, id, 'variants');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const vdir = path.join(dir, d.name);
      const meta = JSON.parse(fs.readFileSync(path.join(vdir, 'variant.json'), 'utf8')) as Omit<
        Variant,
        'name' | 'files'
      >;
      const files: Record<string, string> = {};
      for (const f of fs.readdirSync(vdir))
        if (f !== 'variant.json') files[f] = fs.readFileSync(path.join(vdir, f), 'utf8');
      return { name: d.name, ...meta, files };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function goTest(id: string, base: 'starter' | 'solution'): Promise<{ code: number; output: string }> {
  const ws = await createWorkspace({ labId: id, base });
  try {
    return await new Promise((resolve) => {
      execFile(
        'go',
        ['test', '-count=1', '-v', './...'],
        { cwd: ws.dir, env: { ...process.env, ...goEnv() }, maxBuffer: 8 << 20 },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
      );
    });
  } finally {
    ws.dispose();
  }
}

const summary: string[] = [];

describe.skipIf(!go.version)(`Go labs (${go.version ?? `skipped: ${go.skip}`})`, () => {
  it('finds the Go labs', () => {
    expect(goLabs.length).toBeGreaterThan(0);
  });

  describe.each(goLabs)('%s', (id) => {
    it(
      'go test: the starter shows the leak, the solution passes',
      async () => {
        const want = GO_TESTS[id];
        expect(want, `${id}: say in GO_TESTS what its starter's go test fails with`).toBeDefined();
        const starter = await goTest(id, 'starter');
        expect(starter.code, starter.output).not.toBe(0);
        expect(starter.output).toMatch(want.leak);
        const solution = await goTest(id, 'solution');
        expect(solution.code, solution.output).toBe(0);
        for (const name of want.both) {
          expect(starter.output, `starter: ${name}`).toContain(`--- PASS: ${name} `);
          expect(solution.output, `solution: ${name}`).toContain(`--- PASS: ${name} `);
        }
        expect(solution.output).toMatch(/--- PASS: Test/);
      },
      BUILD_MS,
    );

    it(
      'check: the starter fails at least one task, the solution passes every task',
      async () => {
        const starter = await runLabCheck({ labId: id, base: 'starter' });
        expect(starter.tasks.length).toBe(loadLab(id, root).manifest.tasks.length);
        expect(
          starter.tasks.some((t) => !t.passed),
          JSON.stringify(starter.tasks),
        ).toBe(true);
        const solution = await runLabCheck({ labId: id, base: 'solution' });
        expect(
          solution.tasks.filter((t) => !t.passed),
          'failed tasks',
        ).toEqual([]);
        summary.push(`${id}: starter ${starter.ms} ms, solution ${solution.ms} ms`);
      },
      BUILD_MS,
    );

    it('has at least 8 wrong and 3 right variants, each changing only editable files', () => {
      const vs = variants(id);
      expect(vs.filter((v) => v.kind === 'wrong').length).toBeGreaterThanOrEqual(8);
      expect(vs.filter((v) => v.kind === 'right').length).toBeGreaterThanOrEqual(3);
      const editable = new Set(
        loadLab(id, root)
          .manifest.files.filter((f) => f.editable)
          .map((f) => f.path),
      );
      for (const v of vs) {
        expect(['starter', 'solution']).toContain(v.base);
        expect(v.why.length, `${v.name}: variant.json needs a why`).toBeGreaterThan(10);
        for (const f of Object.keys(v.files))
          expect(editable.has(f), `${v.name}: ${f} is not an editable file`).toBe(true);
      }
    });

    for (const v of variants(id)) {
      it(
        `${v.kind} variant ${v.name} ${v.kind === 'wrong' ? 'fails at least one task' : 'passes every task'}`,
        async () => {
          const r = await runLabCheck({ labId: id, base: v.base, files: v.files });
          summary.push(
            `${id} ${v.kind} ${v.name}: ${r.tasks.map((t) => `${t.id} ${t.passed ? 'pass' : 'FAIL'}`).join(', ')} (${r.ms} ms)`,
          );
          if (v.kind === 'wrong')
            expect(
              r.tasks.some((t) => !t.passed),
              JSON.stringify(r.tasks),
            ).toBe(true);
          else
            expect(
              r.tasks.filter((t) => !t.passed),
              JSON.stringify(r.tasks),
            ).toEqual([]);
        },
        BUILD_MS,
      );
    }
  });

  it('excel-upload-go judges the same workbooks as excel-upload (rows.ts is a faithful copy)', () => {
    const read = (lab: string, dir: string) => fs.readFileSync(path.join(root, lab, dir, 'rows.ts'), 'utf8');
    expect(read('excel-upload-go', 'checks').split('\n').slice(2).join('\n')).toBe(read('excel-upload', 'generator'));
  });

  it('reports check times', () => {
    console.log(summary.join('\n'));
  });
});
