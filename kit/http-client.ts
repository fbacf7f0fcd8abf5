// The scenario/check HTTP client: 127.0.0.1 only, always a timeout, bounded body, never throws on
// status codes or network errors (they come back as { status: 0, aborted: true, error }).
import http from 'node:http';
import type { HttpResult, RequestOptions } from './types.ts';

const MAX_BODY = 32 * 1024 * 1024;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function httpRequest(
  port: number,
  path: string,
  init: RequestOptions = {},
  signal?: AbortSignal,
): Promise<HttpResult> {
  const timeoutMs = init.timeoutMs ?? 10_000;
  return new Promise<HttpResult>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const started = performance.now();
    let firstByteMs: number | undefined;
    const finish = (aborted: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const ms = performance.now() - started;
      resolve({
        status,
        headers,
        body: Buffer.concat(chunks),
        aborted,
        ...(error ? { error } : {}),
        ...(firstByteMs === undefined ? {} : { firstByteMs }),
        ms,
      });
    };
    const body =
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? Buffer.from(init.body)
          : Buffer.from(init.body);
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: path.startsWith('/') ? path : '/' + path,
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...init.headers },
      agent,
    });
    const onAbort = () => {
      req.destroy();
      finish(true, 'cancelled');
    };
    const timer = setTimeout(() => {
      req.destroy();
      finish(true, `no complete response within ${timeoutMs} ms`);
    }, timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      headers = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      res.on('data', (chunk: Buffer) => {
        firstByteMs ??= performance.now() - started;
        chunks.push(chunk);
        received += chunk.length;
        if (init.abortAfterBytes !== undefined && received >= init.abortAfterBytes) {
          // A client that walks away mid-response: close the socket, keep what was read.
          req.destroy();
          finish(true);
        } else if (received > MAX_BODY) {
          req.destroy();
          finish(true, 'response larger than 32 MB');
        }
      });
      res.on('end', () => finish(false));
      res.on('error', (err) => finish(true, err.message));
      res.on('close', () =>
        finish(!res.complete, res.complete ? undefined : 'connection closed before the response ended'),
      );
    });
    req.on('error', (err) => finish(true, (err as NodeJS.ErrnoException).code ?? err.message));
    req.end(body);
  });
}

export function closeHttpClient(): void {
  agent.destroy();
}
