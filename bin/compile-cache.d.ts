// Types for bin/compile-cache.js (plain JavaScript so that bin/zero-perps.js can load it on any runtime).
export declare function privateCacheDir(
  env: Record<string, string | undefined>,
  home: string,
  uid: number | undefined,
): string | undefined;
export declare function enableCompileCache(): void;
