// A tiny Gin-like router: handlers run in order; a middleware calls `await c.next()` to run the rest of
// the chain, or `c.abort()` / `c.abortWithStatus()` to stop it. After the chain, the response is ended
// through `c.writer`, which a middleware may replace (the gzip middleware swaps in a compressor).
// This file is part of the lab's plumbing: it is read-only.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';

export type Handler = (c: Context) => void | Promise<void>;

/** Statuses after which HTTP sends no body at all (RFC 9110: 1xx, 204, 304). */
export function statusAllowsBody(status: number): boolean {
  return !(status < 200 || status === 204 || status === 304);
}

/** Responses the server itself finished or the client abandoned, for the lab's gauges. */
export const traffic = { requests: 0, finished: 0, cutOff: 0, errors: 0 };

export class Context {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Where the body goes. The response itself, unless a middleware put something in front of it. */
  writer: Writable;
  /** The client went away before the response was complete. */
  clientGone = false;
  private handlers: Handler[];
  private index = -1;
  private aborted = false;
  private headerHooks: Array<() => void> = [];

  constructor(req: IncomingMessage, res: ServerResponse, handlers: Handler[]) {
    this.req = req;
    this.res = res;
    this.url = new URL(req.url ?? '/', 'http://lab.local');
    this.writer = res;
    this.handlers = handlers;
    res.once('close', () => {
      if (!res.writableFinished) this.clientGone = true;
    });
    // Like the on-headers package: run hooks right before the status line and headers go out.
    const writeHead = res.writeHead;
    res.writeHead = ((...args: Parameters<ServerResponse['writeHead']>) => {
      if (typeof args[0] === 'number') res.statusCode = args[0];
      for (const hook of this.headerHooks.splice(0)) hook();
      return writeHead.apply(res, args);
    }) as ServerResponse['writeHead'];
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  get isAborted(): boolean {
    return this.aborted;
  }

  /** Run the rest of the chain (Gin's c.Next()). */
  async next(): Promise<void> {
    this.index++;
    while (this.index < this.handlers.length && !this.aborted) {
      await this.handlers[this.index](this);
      this.index++;
    }
  }

  /** Stop the chain: handlers after this one do not run (Gin's c.Abort()). */
  abort(): void {
    this.aborted = true;
  }

  /** Send the status with no body, end the response now, and stop the chain (Gin's c.AbortWithStatus()). */
  abortWithStatus(status: number): void {
    this.res.statusCode = status;
    if (statusAllowsBody(status)) this.res.setHeader('Content-Length', '0');
    this.res.end();
    this.abort();
  }

  /** Register a function that runs just before the headers are sent. */
  onHeaders(hook: () => void): void {
    this.headerHooks.push(hook);
  }

  status(code: number): this {
    this.res.statusCode = code;
    return this;
  }

  header(name: string, value: string): this {
    this.res.setHeader(name, value);
    return this;
  }

  /** Write body bytes through the current writer, waiting when it asks us to slow down. */
  async write(chunk: string | Buffer): Promise<void> {
    if (this.clientGone) return;
    if (this.writer.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.writer.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.writer.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Push what was written so far to the client (a compressor emits its buffered output: a sync flush). */
  flush(): void {
    const w = this.writer as Writable & { flush?: (kind?: number) => void };
    if (typeof w.flush === 'function' && !w.writableEnded && !w.destroyed) w.flush(zlib.constants.Z_SYNC_FLUSH);
  }

  async json(status: number, value: unknown): Promise<void> {
    this.status(status).header('Content-Type', 'application/json; charset=utf-8');
    await this.write(JSON.stringify(value));
  }
}

export class App {
  private middleware: Handler[] = [];
  private routes = new Map<string, Handler[]>();

  /** Add middleware that runs for every request, in the order added. */
  use(...handlers: Handler[]): this {
    this.middleware.push(...handlers);
    return this;
  }

  /** GET routes also answer HEAD, as most frameworks do. */
  get(path: string, ...handlers: Handler[]): this {
    this.routes.set(`GET ${path}`, handlers);
    this.routes.set(`HEAD ${path}`, handlers);
    return this;
  }

  post(path: string, ...handlers: Handler[]): this {
    this.routes.set(`POST ${path}`, handlers);
    return this;
  }

  private notFound: Handler = (c) => {
    c.abortWithStatus(404);
  };

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    traffic.requests++;
    res.once('close', () => {
      if (res.writableFinished) traffic.finished++;
      else traffic.cutOff++;
    });
    // Errors the response emits while it is still open surface here. (A write after the response ended
    // is refused silently: Node hands that error only to a write callback, and pipe() passes none.)
    res.on('error', (err) => reportError('response', err));
    const path = new URL(req.url ?? '/', 'http://lab.local').pathname;
    const route = this.routes.get(`${req.method} ${path}`) ?? [this.notFound];
    const c = new Context(req, res, [...this.middleware, ...route]);
    try {
      await c.next();
    } catch (err) {
      reportError('handler', err);
      if (!res.headersSent && !c.clientGone) {
        res.statusCode = 500;
        c.writer = res;
      }
    }
    // Like net/http after the handler returns: finish the response through whatever writer is in place.
    if (!c.writer.writableEnded && !c.writer.destroyed && !c.clientGone) c.writer.end();
  }

  /** Drain the request body (the lab's payloads are small). */
  static async readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
    let size = 0;
    const parts: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new Error(`request body larger than ${limit} bytes`);
      parts.push(chunk);
    }
    return Buffer.concat(parts).toString('utf8');
  }

  server(): http.Server {
    const server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
    // Keep idle keep-alive connections longer than any pause between requests of the lab's clients, so a
    // client never reuses a connection the server is closing at that very moment (ECONNRESET).
    server.keepAliveTimeout = 60_000;
    return server;
  }
}

// Errors are counted and logged sparingly: one line for the first of each kind, then every 500th.
const seenErrors = new Map<string, number>();
function reportError(where: string, err: unknown): void {
  traffic.errors++;
  const message =
    err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}` : String(err);
  const key = `${where} ${message}`;
  const n = (seenErrors.get(key) ?? 0) + 1;
  seenErrors.set(key, n);
  if (n === 1 || n % 500 === 0) console.error(`[${where} error] ${message}${n > 1 ? ` (${n} times so far)` : ''}`);
}
