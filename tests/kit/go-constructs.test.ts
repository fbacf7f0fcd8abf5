// Building a Go lab's service. Its code shares its process with the kit that measures it; unsafe,
// //go:linkname, cgo and linked assembly are the ways Go code reaches another package's unexported state,
// so a service using any of them is not built. A built binary is reused only while it is the one built, and only the newest stays.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../engine/workspace.ts';
import { buildGoService, forbiddenGoConstructs } from '../../kit/go-service.ts';
import { goOrSkip } from '../go-toolchain.ts';

const go = goOrSkip('the Go build cache test');

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspace(files: Record<string, string>): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'leakbook-goscan-'));
  dirs.push(ws);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(ws, 'app', rel)), { recursive: true });
    fs.writeFileSync(path.join(ws, 'app', rel), text);
  }
  return ws;
}

const plain = 'package main\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\n// unsafe is only a word here\nvar s = "unsafe"\n';

describe('building a Go lab service', () => {
  it('accepts ordinary lab code, even when it says "unsafe" in a string or comment', () => {
    expect(forbiddenGoConstructs(workspace({ 'main.go': plain }))).toBeNull();
  });

  it.each([
    ['a single import', 'package main\n\nimport "unsafe"\n'],
    ['a grouped import', 'package main\n\nimport (\n\t"fmt"\n\t"unsafe"\n)\n'],
    ['a named import', 'package main\n\nimport (\n\tu "unsafe"\n)\n'],
    ['a blank import', 'package main\n\nimport _ "unsafe"\n'],
  ])('refuses unsafe as %s, naming file and line', (_name, src) => {
    const msg = forbiddenGoConstructs(workspace({ 'main.go': plain, 'queue.go': src }));
    expect(msg).toMatch(
      /^app\/queue\.go:\d+ imports unsafe: lab code may be Go only, without unsafe, cgo or \/\/go:linkname/,
    );
  });

  it('refuses //go:linkname, also in a subpackage', () => {
    const src = 'package store\n\nimport _ "strings"\n\n//go:linkname key leakbook/kit/go.channelKey\nvar key []byte\n';
    expect(forbiddenGoConstructs(workspace({ 'main.go': plain, 'store/store.go': src }))).toMatch(
      /^app\/store\/store\.go:5 uses \/\/go:linkname/,
    );
  });

  it('refuses cgo, naming file and line', () => {
    const src = 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc free() { C.free(nil) }\n';
    expect(forbiddenGoConstructs(workspace({ 'main.go': plain, 'native.go': src }))).toMatch(
      /^app\/native\.go:4 imports "C" \(cgo\)/,
    );
  });

  it.each(['peek_amd64.s', 'blob.syso', 'helper.c'])('refuses %s: only Go source is built', (file) => {
    expect(forbiddenGoConstructs(workspace({ 'main.go': plain, [file]: 'TEXT ·peek(SB),$0\n' }))).toMatch(
      new RegExp(`^app/${file.replace('.', '\\.')} is not Go source`),
    );
  });

  it('leaves tests alone: they are never part of the service', () => {
    expect(
      forbiddenGoConstructs(workspace({ 'main.go': plain, 'x_test.go': 'package main\nimport "unsafe"\n' })),
    ).toBeNull();
  });

  it('buildGoService rejects before compiling, with the reason', async () => {
    const ws = workspace({ 'main.go': 'package main\n\nimport "unsafe"\n\nfunc main() { _ = unsafe.Sizeof(0) }\n' });
    await expect(buildGoService(ws)).rejects.toThrow(/not built: app\/main\.go:3 imports unsafe/);
    expect(fs.existsSync(path.join(ws, '.bin'))).toBe(false);
  });

  it.skipIf(!go.version)(
    'keeps one binary per workspace, and rebuilds one that is not byte for byte what it built',
    async () => {
      const ws = await createWorkspace({ labId: 'report-queue-go' });
      try {
        const bin = () => fs.readdirSync(path.join(ws.dir, '.bin'));
        const first = await buildGoService(ws.dir);
        expect(await buildGoService(ws.dir)).toBe(first);
        // a service that leaves a program of its own under the expected name does not get it run
        fs.writeFileSync(first, '#!/bin/sh\necho planted\n', { mode: 0o755 });
        expect(await buildGoService(ws.dir)).toBe(first);
        expect(fs.readFileSync(first).subarray(1, 4).toString()).toBe('ELF');
        // an edit: a new binary, and the old one is gone
        fs.appendFileSync(path.join(ws.dir, 'app', 'queue.go'), '\n// edited\n');
        const second = await buildGoService(ws.dir);
        expect(second).not.toBe(first);
        expect(bin()).toEqual([path.basename(second)]);
      } finally {
        ws.dispose();
      }
    },
    300_000,
  );
});
