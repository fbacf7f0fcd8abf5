// The "chapters" collection. Front matter is validated by src/content/chapter-schema.ts; the loader
// wraps Astro's glob loader so a bad chapter fails the build with its file name and the bad field.
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import type { Loader } from 'astro/loaders';
import { chapterSchema, chapterSlug, validateChapter } from './content/chapter-schema.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const labsDir = fileURLToPath(new URL('../labs/', import.meta.url));

function validatedGlob(): Loader {
  const inner = glob({
    pattern: '*.mdx',
    base: './src/content/chapters',
    generateId: ({ entry }) => chapterSlug(entry),
  });
  return {
    name: 'leakbook-chapters',
    load: (context) =>
      inner.load({
        ...context,
        parseData: async (props) => {
          const file = props.filePath ? relative(root, props.filePath) : `chapter "${props.id}"`;
          validateChapter(file, props.data, labsDir);
          return context.parseData(props);
        },
      }),
  };
}

const chapters = defineCollection({ loader: validatedGlob(), schema: chapterSchema });

export const collections = { chapters };
