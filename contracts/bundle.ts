// Build-time lab bundles (engine/bundle.ts makes them), served as static JSON next to the chapter pages
// (src/pages/labs/[id]/*.json.ts) and read by the lab UI and the WebContainer adapter:
//   /labs/<id>/lab.json       LabPageBundle     manifest + starter files with editable flags (no solution, no checks)
//   /labs/<id>/solution.json  LabSolutionBundle solution files, fetched only on "Show solution"
//   /labs/<id>/checks.json    LabChecksBundle   hidden checks, fetched only on Check (WebContainer adapter)
//   /labs/<id>/runtime.json   LabRuntimeBundle  the workspace the WebContainer adapter mounts
import type { LabManifest } from './manifest.ts';

/** A file in a bundle: text as is, anything binary as base64. */
export type BundledFile = string | { base64: string };

export interface LabPageBundle {
  manifest: LabManifest;
  /** manifest order; text is the starter */
  files: Array<{ path: string; editable: boolean; text: string }>;
}

export interface LabSolutionBundle {
  labId: string;
  /** path (relative to app/) -> solution text, every manifest file */
  files: Record<string, string>;
}

export interface LabChecksBundle {
  labId: string;
  /** path relative to the workspace's checks/ folder (e.g. "index.ts") */
  files: Record<string, BundledFile>;
}

export interface LabRuntimeBundle {
  labId: string;
  /**
   * Workspace-relative path -> file: package.json, kit/*, contracts/*, app/* (starter), scenarios.ts,
   * lab.json, fixtures/*, vendor/*. The reader's editable files are laid over app/ before mounting.
   */
  files: Record<string, BundledFile>;
}
