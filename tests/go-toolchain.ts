// Whether the Go suites can run here: the go command on PATH, at least Go 1.25 (testing/synctest) and the
// version go.mod's go line names (with GOTOOLCHAIN=local an older go refuses the module). When they
// cannot, `skip` says why, and the suite prints it, since the test reporter does not show skip reasons.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

export interface GoToolchain {
  /** e.g. "go1.26.8", or null when there is no usable go command */
  version: string | null;
  /** why the Go suites are skipped, or null when they run */
  skip: string | null;
}

function requiredMinor(): number {
  const goMod = readFileSync(join(repo, 'go.mod'), 'utf8');
  const minor = Number(/^go 1\.(\d+)/m.exec(goMod)?.[1] ?? 0);
  return Math.max(25, minor);
}

export function goToolchain(): GoToolchain {
  const need = requiredMinor();
  const install = `install Go 1.${need} or newer and put the go command on PATH to run them`;
  let version: string;
  try {
    version = execFileSync('go', ['env', 'GOVERSION'], {
      encoding: 'utf8',
      env: { ...process.env, GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return { version: null, skip: `the go command is not on PATH; ${install}` };
  }
  const minor = Number(/^go1\.(\d+)/.exec(version)?.[1] ?? 0);
  if (minor < need) return { version: null, skip: `${version || 'an unknown Go'} is too old; ${install}` };
  return { version, skip: null };
}

/** goToolchain(), printing the reason once when the suite `what` is skipped. */
export function goOrSkip(what: string): GoToolchain {
  const go = goToolchain();
  if (go.skip) console.warn(`skipped: ${what}: ${go.skip}`);
  return go;
}
