#!/usr/bin/env node
// The built `berth-agent` bin (out/main/berth-agent.js). It is a file of its own, importing nothing of
// the agent statically, so that the line below runs before the agent's modules load: V8 grows the
// young generation while a program starts (the agent's modules and zod schemas make many objects
// that survive), to 8 MB per semi-space and more, and never gives it back, which was about 12 MB of
// an idle agent's resident memory. Kept at its first size, an idle agent and a deployment cost the
// same CPU (bench/agent-footprint.bench.ts); the flag is read when the space would grow, so it
// takes effect here although the heap already exists.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');

// The built window is found from this file: it is the one place in out/main the bundler does not move.
const { setEntryFile } = await import('../local-api/window-location');
setEntryFile(import.meta.url);
await import('./berth-agent');
