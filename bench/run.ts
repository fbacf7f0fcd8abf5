// `npm run bench`: runs every bench/*.bench.ts, one child process each (so one benchmark's memory
// and JIT state never colour another's), in name order, with the terminal attached.
//   npm run bench                 all benchmarks
//   npm run bench -- heap         only those whose file name contains "heap"
// A benchmark module is a plain script: it measures, prints its own table, and exits non-zero
// when it could not measure. Add one by creating bench/<area>.bench.ts.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(filters.length ? `no bench/*.bench.ts matches ${filters.join(', ')}` : 'no bench/*.bench.ts found');
  process.exit(1);
}

function runOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, file)], { stdio: 'inherit', cwd: join(here, '..') });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      console.error(`${file}: ${error.message}`);
      resolve(1);
    });
  });
}

const failed: string[] = [];
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = performance.now();
  const code = await runOne(file);
  console.log(
    `=== ${file}: ${code === 0 ? 'done' : `failed (exit ${code})`} in ${((performance.now() - started) / 1000).toFixed(1)} s ===`,
  );
  if (code !== 0) failed.push(file);
}
console.log(`\n${files.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
