// /labs/<id>/checks.json: hidden checks, fetched only on Check. Shape: engine/bundle.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { bundleLabIds, checksBundle } from '../../../../engine/bundle.ts';

export const getStaticPaths: GetStaticPaths = () => bundleLabIds().map((id) => ({ params: { id } }));

export const GET: APIRoute = async ({ params }) =>
  new Response(JSON.stringify(await checksBundle(String(params.id))), {
    headers: { 'content-type': 'application/json' },
  });
