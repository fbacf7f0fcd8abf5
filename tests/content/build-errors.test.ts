// The real content pipeline (Astro's sync over src/content.config.ts) on a throw-away project: a chapter
// that references a missing lab or has a malformed field must stop the build with a message that names
// the chapter file and the field.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leakbook-content-'));
  mkdirSync(join(dir, 'src', 'content', 'chapters'), { recursive: true });
  mkdirSync(join(dir, 'labs', 'demo-lab'), { recursive: true });
  writeFileSync(join(dir, 'labs', 'demo-lab', 'lab.json'), '{}');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  cpSync(join(repo, 'src', 'content.config.ts'), join(dir, 'src', 'content.config.ts'));
  cpSync(join(repo, 'src', 'content', 'chapter-schema.ts'), join(dir, 'src', 'content', 'chapter-schema.ts'));
  writeFileSync(
    join(dir, 'astro.config.mjs'),
    "import { defineConfig } from 'astro/config';\nimport mdx from '@astrojs/mdx';\n" +
      "export default defineConfig({ integrations: [mdx()], vite: { cacheDir: './.vite' }, cacheDir: './.astro-cache' });\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function syncWith(chapterFile: string, frontMatter: string) {
  rmSync(join(dir, 'src', 'content', 'chapters'), { recursive: true, force: true });
  mkdirSync(join(dir, 'src', 'content', 'chapters'));
  writeFileSync(join(dir, 'src', 'content', 'chapters', chapterFile), `---\n${frontMatter}\n---\n\nText.\n`);
  const r = spawnSync(process.execPath, [join(repo, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'sync'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', CI: 'true' },
    timeout: 90_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

const valid = `title: Fine chapter
order: 1
summary: Memory climbs by a little with every request.
curve: slow-leak
objectives: [Find what the map retains]
minutes: 20`;

test('a chapter referencing a lab that does not exist fails with file and field', () => {
  const r = syncWith('01-ghost.mdx', `${valid}\nlabs: [demo-lab, ghost-lab]`);
  expect(r.status, r.output).not.toBe(0);
  expect(r.output).toContain('src/content/chapters/01-ghost.mdx');
  expect(r.output).toContain('field "labs[1]"');
  expect(r.output).toContain('ghost-lab');
});

test('a malformed chapter fails with file and field', () => {
  const bad = syncWith('02-typo.mdx', valid.replace('curve: slow-leak', 'curve: wobbly') + '\nlabs: []');
  expect(bad.status, bad.output).not.toBe(0);
  expect(bad.output).toContain('src/content/chapters/02-typo.mdx');
  expect(bad.output).toContain('field "curve"');
});
