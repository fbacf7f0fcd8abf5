// Finding processes a test's lab code started: each test gives its `sleep` children a duration no other
// process on the machine has, then looks for it in /proc/*/cmdline.
import { readdirSync, readFileSync } from 'node:fs';

/** A `sleep` argument unique to this test process and call, e.g. "904213.17". */
export function sleepTag(): string {
  return `${900_000 + Math.floor(Math.random() * 90_000)}.${process.pid % 100}`;
}

/** Pids of living processes whose command line holds the tag. */
export function processesWith(tag: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0');
      if (!argv.includes(tag)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') continue; // a zombie is already dead
      out.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

/** Lab code that starts `sleep <tag>` processes that escape a process-group kill: one in its own
 * session, one handed to init at once (its parent exits), and (unless cleanEnv is false) one with an
 * empty environment. */
export function escapingChildren(tag: string, cleanEnv = true): string {
  return [
    `spawn('sleep', ['${tag}'], { detached: true, stdio: 'ignore' }).unref();`,
    `spawn('sh', ['-c', 'setsid sleep ${tag} </dev/null >/dev/null 2>&1 & exit 0'], { detached: true, stdio: 'ignore' }).unref();`,
    cleanEnv ? `spawn('/bin/sleep', ['${tag}'], { detached: true, stdio: 'ignore', env: {} }).unref();` : '',
  ].join('\n');
}
