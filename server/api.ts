// The runner's HTTP API (routes, requests and replies in contracts/runner-api.ts). Every route sits
// behind the Host/Origin/token gates in handler.ts.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandReply, FilesReply, HealthReply, StartRunReply, StopReply } from '../contracts/runner-api.ts';
import { baseHeaders, HttpError, readJsonBody, sendJson } from './http-guard.ts';
import { parseRunRequest } from './run-files.ts';
import { parseCommand } from './runs.ts';
import type { RunManager } from './run-manager.ts';
import type { Run } from './runs.ts';

export interface ApiConfig {
  maxBodyBytes: number;
  keepaliveMs: number;
}

export function createApi(runs: RunManager, cfg: ApiConfig) {
  return async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean); // ['api', ...]
    const method = req.method ?? 'GET';

    if (parts.length === 2 && parts[1] === 'health') {
      if (method !== 'GET') throw new HttpError(405, 'Use GET.');
      return sendJson(res, 200, {
        ok: true,
        runs: runs.liveCount(),
        maxRuns: runs.limits.maxRuns,
      } satisfies HealthReply);
    }

    if (parts[1] !== 'runs') throw new HttpError(404, `No API route ${url.pathname}.`);

    if (parts.length === 2) {
      if (method !== 'POST') throw new HttpError(405, 'Use POST to start a run.');
      const body = await readJsonBody(req, cfg.maxBodyBytes);
      const request = await parseRunRequest(body, (id) => runs.editableFiles(id), cfg.maxBodyBytes);
      const run = await runs.create(request);
      return sendJson(res, 201, { runId: run.id } satisfies StartRunReply);
    }

    const run = runs.get(parts[2]);
    if (!run) throw new HttpError(404, 'No such run; it may have ended. Press Run to start the lab again.');

    if (parts.length === 3) {
      if (method !== 'DELETE') throw new HttpError(405, 'Use DELETE to stop a run.');
      await runs.remove(run.id);
      return sendJson(res, 200, { stopped: true } satisfies StopReply);
    }

    const sub = parts[3];
    if (parts.length === 4 && sub === 'events' && method === 'GET') return streamEvents(req, res, run, cfg.keepaliveMs);
    if (parts.length === 4 && sub === 'commands' && method === 'POST') {
      const cmd = parseCommand(await readJsonBody(req, 16 * 1024));
      await run.command(cmd);
      return sendJson(res, 202, {} satisfies CommandReply);
    }
    if (parts.length === 4 && sub === 'files' && method === 'GET')
      return sendJson(res, 200, { files: await runs.readFiles(run) } satisfies FilesReply);
    if (parts.length === 4 && (sub === 'snapshots' || sub === 'profiles') && method === 'GET') {
      const path = url.searchParams.get('path') ?? '';
      const file = sub === 'snapshots' ? await run.snapshotFile(path) : await run.profileFile(path);
      const info = await stat(file);
      res.writeHead(200, {
        ...baseHeaders(),
        'Content-Type': 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-store',
      });
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    throw new HttpError(404, `No API route ${method} ${url.pathname}.`);
  };
}

function streamEvents(_req: IncomingMessage, res: ServerResponse, run: Run, keepaliveMs: number): void {
  res.writeHead(200, {
    ...baseHeaders(),
    'Content-Type': 'application/x-ndjson; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  // A blank line now and then: NDJSON readers skip it, and a dead connection shows up as a write error.
  const keepalive = setInterval(() => res.write('\n'), keepaliveMs);
  keepalive.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    unsubscribe?.();
    res.end();
  };
  unsubscribe = run.subscribe((event) => {
    if (closed) return;
    // A page that stops reading must not make the runner buffer without end.
    if (res.writableLength > 8 * 1024 * 1024) return close();
    res.write(JSON.stringify(event) + '\n');
    if (event.type === 'stopped') close();
  });
  if (closed) unsubscribe();
  res.on('close', close);
  res.on('error', close);
}
