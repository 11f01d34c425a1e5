import { setEntryFile } from './local-api/window-location';
import { runAgentProcess, type ParentPortLike } from './utility-process';

// The built window is found from this file, which keeps its place in out/main (see window-location.ts).
setEntryFile(import.meta.url);

// Electron gives a utility process `process.parentPort`; under plain Node (tests) it is absent and importing this file does nothing.
const parent = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;

if (parent) {
  runAgentProcess(parent, process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`berth agent process: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
