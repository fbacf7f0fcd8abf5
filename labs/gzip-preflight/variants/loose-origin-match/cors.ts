// Wrong fix: the allow-list became "anything containing .example.com", which also lets in
// https://dash.example.com.evil.org.
// CORS in the shape of gin-contrib/cors: requests from origins on the allow-list get
// Access-Control-Allow-Origin; a preflight (OPTIONS) is answered right here with 204 and the chain
// stops; requests from any other origin are refused with 403 and no CORS headers.
import type { Handler } from './chain.ts';

export interface CorsOptions {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  /** seconds a browser may cache a preflight answer */
  maxAge: number;
}

export function cors(options: CorsOptions): Handler {
  // Any of our sites: every origin under example.com.
  const isOurs = (origin: string) => origin.includes('.example.com');
  return (c) => {
    const origin = c.req.headers.origin;
    if (!origin) return; // not a cross-origin browser request: nothing to do
    if (!isOurs(origin)) {
      c.abortWithStatus(403);
      return;
    }
    c.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
    if (c.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', options.allowMethods.join(', '))
        .header('Access-Control-Allow-Headers', options.allowHeaders.join(', '))
        .header('Access-Control-Max-Age', String(options.maxAge));
      c.abortWithStatus(204);
    }
  };
}
