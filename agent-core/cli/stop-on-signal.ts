import type { AgentEvents } from '../events';

/**
 * Ctrl+C or SIGTERM (WinSW stops the service with Ctrl+C) stops every slot with its shutdown
 * commands, keeping their desired state; resolves with the exit code, 1 when stopping failed. A
 * second signal exits at once, for a slot whose shutdown hangs.
 */
export function stopOnSignal(agent: { runtime: { events: AgentEvents }; stop(): Promise<void> }): Promise<number> {
  return new Promise<number>((resolveStop) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stdout.write(`${signal} again: exiting without waiting for the slots\n`);
        process.exit(130);
      }
      stopping = true;
      agent.runtime.events.info(`${signal}: stopping every slot (their desired state is kept)`);
      agent.stop().then(
        () => resolveStop(0),
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
          resolveStop(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
