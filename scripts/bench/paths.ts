import path from 'node:path';

/** The repository root, whether this runs compiled (dist/scripts/bench) or under ts-node (scripts/bench). */
export const REPO_ROOT = path.resolve(__dirname, path.basename(path.resolve(__dirname, '../..')) === 'dist' ? '../../..' : '../..');

/** The compiled CLI (`npm run bench` builds first). */
export const CLI = path.join(REPO_ROOT, 'dist/src/cli/main.js');

/** Where lakes are generated and reused (git-ignored). */
export const LAKES_ROOT = path.join(REPO_ROOT, '.trailgate/bench');

export const DEFAULT_RESULTS = path.join(REPO_ROOT, 'bench/results.json');
