import { isDiskFull } from './disk-space';

export interface DiskFullGuardOptions {
  /** A write somewhere found the disk full: give back the reserve, raise the alert. */
  onDiskFull(error: unknown): void;
  warn(message: string): void;
}

/**
 * The last line of defence of a process that hosts the agent: a write that found the disk full
 * and that no caller caught (a status written from an event listener, say) must not end the
 * agent, and with it every slot's proxy. The callers that can fail one operation do so; this only
 * keeps the process alive for the rest. Any other uncaught error still ends the process, as Node
 * would, because the agent's state after it is unknown.
 */
export function guardAgainstDiskFull(options: DiskFullGuardOptions): () => void {
  const onError = (error: unknown): void => {
    if (isDiskFull(error)) {
      options.warn(`a write failed because the storage disk is full, and the agent goes on: ${(error as Error).message ?? String(error)}`);
      options.onDiskFull(error);
      return;
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  };
}
