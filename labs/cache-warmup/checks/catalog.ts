// The lab's read-only catalogue (app/catalog.ts, which the reader cannot edit): the checks search it for
// the reference answers. Loaded by URL because the app/ folder exists only in the lab's workspace; the
// interface below is the part of catalog.ts the checks use.
export type SortOrder = 'relevance' | 'price' | 'name';

interface Catalogue {
  ADJECTIVES: readonly string[];
  NOUNS: readonly string[];
  search(query: string, page: number, sort?: SortOrder): unknown;
}

const catalogue = (await import(new URL('../app/catalog.ts', import.meta.url).href)) as Catalogue;

export const { ADJECTIVES, NOUNS, search } = catalogue;
