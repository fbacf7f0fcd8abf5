// Vite plugin (registered in astro.config.mjs): Monaco's modules import their CSS files directly.
// Astro links every stylesheet a client script can reach into the page <head>, even behind a dynamic
// import, which would put ~200 KB of editor CSS on every chapter page before "Start lab". This turns
// those imports into inline strings that are injected as <style> only when the module runs, i.e. only
// after the reader starts a lab. url() references (the codicon font) are still rewritten by Vite.
const CSS_IMPORT = /^import\s+(['"])([^'"]+\.css)\1;?\s*$/gm;

// Monaco's ESM files and the lab island's own modules (src/lab-ui/**).
const DEFAULT_INCLUDE = /(node_modules\/monaco-editor\/esm\/.*\.js|\/src\/lab-ui\/.*\.ts)$/;

export function lazyCss({ include = DEFAULT_INCLUDE } = {}) {
  return {
    name: 'leakbook:lazy-css',
    enforce: 'pre',
    transform(code, id) {
      if (!include.test(id) || !code.includes('.css')) return null;
      let n = 0;
      const out = code.replace(CSS_IMPORT, (_m, _q, spec) => {
        const name = `__lazyCss${n++}`;
        return `import ${name} from ${JSON.stringify(`${spec}?inline`)};\n__lazyCssInject(${name});`;
      });
      if (n === 0) return null;
      const helper =
        'function __lazyCssInject(css) { if (typeof document === "undefined" || !css) return; ' +
        'const s = document.createElement("style"); s.dataset.lazyCss = ""; s.textContent = css; document.head.append(s); }\n';
      return { code: helper + out, map: null };
    },
  };
}
