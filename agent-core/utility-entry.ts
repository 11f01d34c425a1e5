// STUB written by the tooling helper so the build has its entry; the lead replaces this file with the
// Electron utility-process entry that starts AgentRuntime.
process.stdout.write('berth agent utility process (stub)\n');
