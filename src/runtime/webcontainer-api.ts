// The part of @webcontainer/api 1.6 the adapter uses, as structural types. The adapter receives an
// object of this shape, so tests can hand it a faithful fake instead of StackBlitz's hosted runtime.
export interface WcProcess {
  exit: Promise<number>;
  input: WritableStream<string>;
  output: ReadableStream<string>;
  kill(): void;
}

export interface WcFileSystem {
  readFile(path: string, encoding?: null): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf-8' | 'utf8'): Promise<string>;
  writeFile(
    path: string,
    data: string | Uint8Array,
    options?: { encoding?: string | null } | string | null,
  ): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<string>;
  rm(path: string, options?: { force?: boolean; recursive?: boolean }): Promise<void>;
}

export type WcFileSystemTree = {
  [name: string]: { file: { contents: string | Uint8Array } } | { directory: WcFileSystemTree };
};

export interface WcContainer {
  fs: WcFileSystem;
  spawn(
    command: string,
    args: string[],
    options?: {
      cwd?: string;
      env?: Record<string, string | number | boolean>;
      terminal?: { cols: number; rows: number };
    },
  ): Promise<WcProcess>;
  mount(tree: WcFileSystemTree, options?: { mountPoint?: string }): Promise<void>;
  on(event: 'error', listener: (error: { message: string }) => void): () => void;
  on(event: 'server-ready', listener: (port: number, url: string) => void): () => void;
  teardown(): void;
}

export interface WcApi {
  WebContainer: {
    boot(options?: { coep?: 'require-corp' | 'credentialless' | 'none'; workdirName?: string }): Promise<WcContainer>;
  };
}
