// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { lazyCss } from './src/build/lazy-css-plugin.mjs';

export default defineConfig({
  site: 'http://127.0.0.1:4321',
  integrations: [mdx()],
  server: { host: '127.0.0.1', port: 4321 },
  trailingSlash: 'always',
  // The lab editor's CSS is injected when a lab starts, not linked into every chapter page.
  vite: { plugins: [lazyCss()] },
  // Both code themes are emitted as CSS variables; src/styles/global.css picks one per colour scheme.
  markdown: {
    shikiConfig: {
      themes: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
      defaultColor: false,
    },
  },
});
