import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';

// undici's own Pool module rather than the package: the package's index also loads fetch, WebSocket,
// the caches and the mocks, about 2.5 MB of an idle agent's memory that the proxy never uses. It is
// the same class the index exports (undici 6 has no exports map, so the path is reachable).
export const Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
export type Pool = UndiciPool;
