/**
 * `npm run build:cli`: bundles the CLI's TypeScript (src/cli/main.ts and everything it imports from src/) into
 * plain JavaScript in dist/cli/, so a command starts without loading and type-stripping a few hundred files.
 * Run by `npm ci` (prepare) and `npm start` (prestart); bin/zero-perps.js runs the bundle only while every source
 * it was built from is unchanged (bin/cli-bundle.js), else the TypeScript. Tests always run the TypeScript.
 *
 * - Packages stay external (loaded from node_modules as usual): the Drift SDK, web3.js, PGlite (wasm), pg and
 *   pino (whose transports run in worker threads by file name) must; the rest gain little and would tie the
 *   bundle's freshness to node_modules too.
 * - Subcommands stay lazily loaded: each dynamic import becomes its own chunk beside the entry.
 * - `import.meta.url` means "this source file" in src/ (package.json, web/dist, migrations are found relative
 *   to it); in the bundle it is rewritten to that source file's URL, relative to the chunk, so the bundle finds
 *   the same files and still works when the checkout moves.
 * - A worker thread's entry (WORKER_ENTRIES) is bundled on its own, into one file beside the chunks, and the
 *   `new URL('./<entry>.ts', import.meta.url)` that starts it points at that file. Left to load the TypeScript,
 *   the range thread was ready ~0.1 s later and spent ~0.1 s more CPU stripping types (issue 17): on a file of
 *   60,000 bars the run waited for it and was slower with the thread than without.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';
import { BUNDLE_DIR, BUNDLE_ENTRY, describeSource, MANIFEST } from '../bin/cli-bundle.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const srcDir = join(root, 'src') + sep;

/** Pure-JavaScript packages that every command loads as many small files: bundled (they are most of what is left). */
const BUNDLED_PACKAGES = new Set(['zod', 'yaml', 'fflate']);

/** Bare specifiers are packages or Node built-ins: external unless listed above. Relative imports: bundled. */
function isExternal(id: string): boolean {
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return false;
  const parts = id.split('/');
  const pkg = id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return !BUNDLED_PACKAGES.has(pkg);
}

/** Worker-thread entries (paths under src/), each bundled into `<name>.js` beside the chunks. */
export const WORKER_ENTRIES = [
  'marketdata/range-thread-worker.ts',
  'backtest/streamed-load-worker.ts',
  'research/parallel/worker-entry.ts',
  'research/optimize/trial-handler.ts',
  'research/monte-carlo/path-handler.ts',
  'research/fill-models/fill-model-handler.ts',
];

/** The file a worker entry is bundled into (in outDir). */
const workerFile = (entry: string): string => entry.split('/').at(-1)!.replace(/\.ts$/, '.js');

/**
 * Every chunk is written to outDir itself, so one relative path serves whichever chunk a module lands in. A
 * worker entry's URL (`new URL('./x-worker.ts', import.meta.url)` beside it in src/) becomes its bundled file's.
 */
function sourceUrlPlugin(outDir: string): Plugin {
  return {
    name: 'source-import-meta-url',
    transform(code, id) {
      if (!id.startsWith(srcDir) || !code.includes('import.meta.url')) return null;
      const workers: string[] = [];
      let out = code;
      for (const entry of WORKER_ENTRIES) {
        const besideId = relative(dirname(id), join(srcDir, entry)).split(sep).join('/');
        const url = `new URL('./${besideId}', import.meta.url)`;
        if (!out.includes(url)) continue;
        out = out.replaceAll(url, `__ZP_WORKER_${workers.length}__`);
        workers.push(`new URL(${JSON.stringify(`./${workerFile(entry)}`)}, import.meta.url)`);
      }
      const fromBundle = relative(outDir, id).split(sep).join('/');
      out = out.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`);
      workers.forEach((url, k) => {
        out = out.replaceAll(`__ZP_WORKER_${k}__`, url);
      });
      return out;
    },
  };
}

/**
 * Builds the bundle into outDir (default dist/cli/; tests build their own inside dist/ too, where packages
 * resolve from node_modules) and returns how many source files it records.
 */
export async function buildCli(outDir = join(root, BUNDLE_DIR)): Promise<number> {
  rmSync(outDir, { recursive: true, force: true });
  const out = await build({
    input: { main: join(root, 'src/cli/main.ts') },
    platform: 'node',
    external: isExternal,
    plugins: [sourceUrlPlugin(outDir)],
    output: {
      dir: outDir,
      format: 'esm',
      entryFileNames: BUNDLE_ENTRY,
      chunkFileNames: '[name]-[hash].js',
      sourcemap: false,
    },
    logLevel: 'warn',
    // store/db.ts is imported both ways on purpose (lazily by migrate and retention): not worth a warning.
    checks: { ineffectiveDynamicImport: false },
  });
  const outputs = [out.output];
  if (new Set(WORKER_ENTRIES.map(workerFile)).size !== WORKER_ENTRIES.length) {
    throw new Error('two worker entries would be bundled into the same file name');
  }
  for (const entry of WORKER_ENTRIES) {
    // its own build, in one file: a worker loads only what it runs, not the CLI's shared chunks
    const worker = await build({
      input: join(srcDir, entry),
      platform: 'node',
      external: isExternal,
      plugins: [sourceUrlPlugin(outDir)],
      output: { dir: outDir, format: 'esm', entryFileNames: workerFile(entry), codeSplitting: false },
      logLevel: 'warn',
    });
    outputs.push(worker.output);
  }
  const sources = new Set<string>();
  for (const chunk of outputs.flat()) {
    if (chunk.type !== 'chunk') continue;
    for (const id of chunk.moduleIds) if (id.startsWith(root)) sources.add(relative(root, id));
  }
  const records = [...sources].sort().map((f) => describeSource(root, f.split(sep).join('/')));
  // Written last: a build that failed half-way leaves no manifest, so no bundle is taken as current.
  writeFileSync(join(outDir, MANIFEST), `${JSON.stringify({ sources: records }, null, 1)}\n`);
  return records.length;
}

if (import.meta.main) {
  const t0 = performance.now();
  const n = await buildCli();
  const ms = Math.round(performance.now() - t0);
  console.log(`cli bundle: ${n} sources → ${BUNDLE_DIR}/ in ${ms} ms`);
}
