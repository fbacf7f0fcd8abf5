// The Go excel lab imports the incident-sized workbooks (40,000 rows) the Node lab generates for it
// (deterministic), copied into this lab's fixtures/ when they differ.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  INCIDENT_FIXTURES_DIR as SOURCE,
  generateIncidentSize as generateNodeLab,
} from '../../excel-upload/generator/incident-size.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET = join(here, '..', 'fixtures');

export async function generate(): Promise<void> {
  await generateNodeLab();
  mkdirSync(TARGET, { recursive: true });
  for (const name of readdirSync(SOURCE)) {
    const from = join(SOURCE, name);
    const to = join(TARGET, name);
    if (existsSync(to) && statSync(to).size === statSync(from).size && readFileSync(to).equals(readFileSync(from)))
      continue;
    copyFileSync(from, to);
  }
}
