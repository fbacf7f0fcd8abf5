// The runner's request handler: every request passes the Host gate; /api additionally needs the
// runner's own Origin (when the browser sends one) and the token. Then static files or the API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApi, type ApiConfig } from './api.ts';
import { checkHost, checkOrigin, checkToken, HttpError, sendError, type GuardConfig } from './http-guard.ts';
import type { RunManager } from './run-manager.ts';
import type { StaticSite } from './static.ts';

export function createHandler(guard: GuardConfig, site: StaticSite, runs: RunManager, api: ApiConfig) {
  const handleApi = createApi(runs, api);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      checkHost(req, guard);
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        checkOrigin(req, guard);
        checkToken(req, guard);
        await handleApi(req, res, url);
        return;
      }
      // A foreign site may embed or link our pages, but never post to us.
      if (req.method !== 'GET' && req.method !== 'HEAD') checkOrigin(req, guard);
      await site.handle(req, res);
    } catch (err) {
      if (!(err instanceof HttpError)) console.error('[runner]', err);
      sendError(res, err);
      // Do not read the rest of a refused upload (once the refusal itself is on its way).
      if (err instanceof HttpError && err.status === 413) res.once('finish', () => req.destroy());
    }
  };
}
