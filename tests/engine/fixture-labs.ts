// Tiny throwaway labs for engine, kit and server tests: a temp labs/ folder (the kit is the repository's).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FixtureLab {
  manifest?: Record<string, unknown>;
  starter: Record<string, string>;
  solution?: Record<string, string>;
  scenarios?: string;
  checks?: string;
}

export const SERVER = `
import http from 'node:http';
import { defineService } from '#kit';
export default defineService((ctx) => {
  let requests = 0;
  ctx.gauge('requests', () => requests);
  const keep: string[][] = [];
  const server = http.createServer((req, res) => {
    requests++;
    if (req.url === '/crash') { setImmediate(() => { throw new TypeError('the ledger is undefined'); }); res.end('bye'); return; }
    if (req.url === '/block') { res.end('blocking'); setTimeout(() => { const end = Date.now() + 9000; while (Date.now() < end); }, 10); return; }
    if (req.url === '/grow') {
      res.end('growing');
      setInterval(() => { const a: string[] = []; for (let i = 0; i < 20000; i++) a.push('leak-' + i + '-' + Math.random()); keep.push(a); }, 1);
      return;
    }
    res.end('ok ' + requests);
  });
  return { server };
});
`;

export function manifestFor(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Fixture ${id}`,
    chapter: 'toolkit',
    summary: 'A lab used by the kit tests only.',
    entry: 'server.ts',
    files: [{ path: 'server.ts', editable: true }],
    tasks: [
      {
        id: 'answers',
        title: 'Answers requests',
        description: 'The service answers plain requests.',
        hints: ['Look at the handler.'],
      },
    ],
    scenarios: [
      { id: 'poke', label: 'Poke it', description: 'Send three plain requests.' },
      { id: 'crash', label: 'Crash it', description: 'Ask the service to crash.' },
      { id: 'grow', label: 'Grow it', description: 'Make the service allocate without bound.' },
      { id: 'block', label: 'Block it', description: 'Make the service spin its event loop for a while.' },
    ],
    heapLimitMb: 32,
    timeScale: 0.01,
    ...extra,
  };
}

export const SCENARIOS = `
import { defineScenarios } from '#kit';
export default defineScenarios({
  poke: async (s) => { for (let i = 0; i < 3; i++) await s.service.request('/'); return 'poked'; },
  crash: async (s) => { await s.service.request('/crash'); },
  grow: async (s) => { await s.service.request('/grow'); },
  block: async (s) => { await s.service.request('/block'); },
});
`;

export const CHECKS = `
import { defineChecks } from '#kit';
export default defineChecks({
  answers: async (t) => {
    const r = await t.service.request('/');
    return { passed: r.status === 200, message: 'the service answered with status ' + r.status };
  },
});
`;

/** A temp labs root with the given labs (the kit always comes from the repository's kit/). */
export function makeLabsRoot(labs: Record<string, FixtureLab>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-labs-'));
  for (const [id, lab] of Object.entries(labs)) {
    const dir = path.join(root, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'lab.json'), JSON.stringify(lab.manifest ?? manifestFor(id), null, 2));
    // solution/ is an overlay: only the files that differ from the starter
    const overlay = Object.fromEntries(
      Object.entries(lab.solution ?? {}).filter(([p, text]) => lab.starter[p] !== text),
    );
    for (const [variant, files] of [
      ['starter', lab.starter],
      ['solution', overlay],
    ] as const)
      for (const [p, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, variant, p)), { recursive: true });
        fs.writeFileSync(path.join(dir, variant, p), text);
      }
    fs.writeFileSync(path.join(dir, 'scenarios.ts'), lab.scenarios ?? SCENARIOS);
    fs.mkdirSync(path.join(dir, 'checks'));
    fs.writeFileSync(path.join(dir, 'checks', 'index.ts'), lab.checks ?? CHECKS);
  }
  return root;
}
