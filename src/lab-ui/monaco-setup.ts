// Monaco, loaded only inside the lab island: the editor core with its standard features, TypeScript
// (syntax + the TS language service in a worker), Go syntax (the Go labs) and the two web workers wired for Vite.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/go/register';
import {
  getTypeScriptWorker,
  typescriptDefaults,
  ModuleKind,
  ScriptTarget,
} from 'monaco-editor/languages/features/typescript/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import type { Theme } from '../lib/theme.ts';

// Monaco looks its workers up here; Vite's ?worker imports give module workers with hashed URLs.
globalThis.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
  },
};

/** Where the lab's files live for the TypeScript service: the same layout as the lab workspace. */
export const WORKSPACE_ROOT = 'file:///workspace/';
export const APP_ROOT = `${WORKSPACE_ROOT}app/`;

typescriptDefaults.setCompilerOptions({
  target: ScriptTarget.ESNext,
  module: ModuleKind.ESNext,
  // 100 = Bundler: honours package.json "imports" (#kit) and explicit .ts extensions, like Node's type stripping.
  moduleResolution: 100 as never,
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  noEmit: true,
  strict: true,
  // A file name, as the compiler API takes it (tsconfig's "esnext" is translated by tsc's option parser).
  lib: ['lib.esnext.d.ts'],
  types: [],
  paths: { '#kit': [`${WORKSPACE_ROOT}kit/index.ts`] },
});
typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
typescriptDefaults.setEagerModelSync(true);

let typesLoaded: { labId: string; done: Promise<void> } | null = null;
/** Adds Node's, the lab kit's and the lab's vendored types; loaded after the editor shows, it is large. */
export function loadTypeLibraries(labId: string): Promise<void> {
  if (typesLoaded?.labId !== labId) {
    const done = import('./type-libs.ts').then(({ typeLibraries }) => {
      typescriptDefaults.setExtraLibs(typeLibraries(WORKSPACE_ROOT, labId));
    });
    typesLoaded = { labId, done };
  }
  return typesLoaded.done;
}

export interface TypeProblem {
  line: number;
  message: string;
}

/** The TypeScript service's errors for a model, asked for directly (markers only arrive on change). */
export async function typeErrors(model: monaco.editor.ITextModel): Promise<TypeProblem[]> {
  const worker = await (await getTypeScriptWorker())(model.uri);
  const file = model.uri.toString();
  const found = [...(await worker.getSyntacticDiagnostics(file)), ...(await worker.getSemanticDiagnostics(file))];
  return found
    .filter((d) => d.category === 1)
    .map((d) => ({
      line: model.getPositionAt(d.start ?? 0).lineNumber,
      message: typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText,
    }));
}

const LIGHT = 'leakbook-light';
const DARK = 'leakbook-dark';
monaco.editor.defineTheme(LIGHT, {
  base: 'vs',
  inherit: true,
  rules: [],
  // Line numbers dark enough for WCAG AA contrast (4.5:1) on the editor background.
  colors: {
    'editor.background': '#ffffff',
    'editorGutter.background': '#ffffff',
    'editor.lineHighlightBackground': '#f4f7fa',
    'editorLineNumber.foreground': '#6b7280',
    'editorLineNumber.dimmedForeground': '#6b7280',
    'editorLineNumber.activeForeground': '#1d2327',
  },
});
monaco.editor.defineTheme(DARK, {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: {
    'editor.background': '#15191d',
    'editorGutter.background': '#15191d',
    'editor.lineHighlightBackground': '#1c2228',
    'editorLineNumber.foreground': '#8b949e',
    'editorLineNumber.dimmedForeground': '#8b949e',
    'editorLineNumber.activeForeground': '#e6edf3',
  },
});

export function applyTheme(theme: Theme): void {
  monaco.editor.setTheme(theme === 'dark' ? DARK : LIGHT);
}

export function languageOf(path: string): string {
  if (/\.(c|m)?tsx?$/.test(path)) return 'typescript';
  if (/\.(c|m)?jsx?$/.test(path)) return 'javascript';
  if (path.endsWith('.go')) return 'go';
  if (path.endsWith('.json')) return 'json';
  return 'plaintext';
}

export { monaco };
