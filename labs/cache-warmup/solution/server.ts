// The product-lookup service. Searching is the expensive part, so rendered responses are cached.
import http from 'node:http';
import { defineService } from '#kit';
import { search, type SortOrder } from './catalog.ts';
import { CachedResponse, ResponseCache } from './cache.ts';

export default defineService((ctx) => {
  const cache = new ResponseCache();
  ctx.gauge('cache entries', () => cache.size);
  ctx.gauge('cache hits', () => cache.hits);
  ctx.gauge('cache misses', () => cache.misses);

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catalogue.local');
    if (url.pathname !== '/search') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    // One entry per distinct query string: "?q=teal lamp&page=2" and "?q=teal lamp&page=3" differ.
    const key = url.search;
    let entry = cache.get(key);
    const hit = entry !== undefined;
    if (!entry) {
      const sort = url.searchParams.get('sort');
      const order: SortOrder = sort === 'price' || sort === 'name' ? sort : 'relevance';
      const page = search(url.searchParams.get('q') ?? '', Number(url.searchParams.get('page') ?? '1'), order);
      entry = new CachedResponse(JSON.stringify(page));
      cache.set(key, entry);
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-cache': hit ? 'hit' : 'miss' });
    res.end(entry.body);
  });

  return { server };
});
