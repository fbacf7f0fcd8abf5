// /labs/<id>/solution.json: solution files, fetched only on "Show solution". Shape: engine/bundle.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { bundleLabIds, solutionBundle } from '../../../../engine/bundle.ts';

export const getStaticPaths: GetStaticPaths = () => bundleLabIds().map((id) => ({ params: { id } }));

export const GET: APIRoute = async ({ params }) =>
  new Response(JSON.stringify(await solutionBundle(String(params.id))), {
    headers: { 'content-type': 'application/json' },
  });
