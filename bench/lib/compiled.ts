import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * How a benchmark process starts one of the repository's scripts (`bench/worker`, `src/sim/main`):
 * from TypeScript through tsx, or from a compiled copy. Users run okta-action compiled (`npm start`,
 * the CLI: `dist/`), and tsx compiles with esbuild's keepNames, which wraps every function made at run
 * time in a `__name` call that redefines its name: per request that taxes code with many closures
 * (okta-action's engine) more than code with few (the baselines), so the figures would measure the
 * dev loader rather than the strategies.
 */
export interface Scripts {
  /** `node` arguments that run the script at `rel` (repository path without extension). */
  args(rel: string): string[];
}

export const TSX_SCRIPTS: Scripts = { args: (rel) => ['--import', 'tsx', path.join(REPO, `${rel}.ts`)] };

/**
 * Compile src/ and bench/ with the project's compiler settings; every strategy and the simulator then
 * run from there. The copy lives under node_modules/.cache so its imports resolve to the project's packages.
 */
export function compileScripts(outDir = path.join(REPO, 'node_modules', '.cache', 'okta-action-bench')): Scripts {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const config = path.join(outDir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: path.join(REPO, 'tsconfig.json'),
      compilerOptions: { noEmit: false, rootDir: REPO, outDir, sourceMap: false, declaration: false },
      include: [path.join(REPO, 'src'), path.join(REPO, 'bench')],
      exclude: [path.join(REPO, 'src/web/static')],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`compiling the benchmark failed:\n${r.stdout}${r.stderr}`);
  copyFileSync(path.join(REPO, 'package.json'), path.join(outDir, 'package.json')); // "type": "module"
  return { args: (rel) => [path.join(outDir, `${rel}.js`)] };
}
