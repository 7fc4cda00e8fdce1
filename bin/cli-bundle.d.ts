// Types for bin/cli-bundle.js (plain JavaScript so that bin/zero-perps.js can load it on any Node).
export declare const BUNDLE_DIR: string;
export declare const BUNDLE_ENTRY: string;
export declare const MANIFEST: string;
export interface SourceRecord {
  file: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}
export declare function describeSource(root: string, file: string): SourceRecord;
export declare function bundleStaleReason(root: string): string | null;
