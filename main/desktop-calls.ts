import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { describeIssues } from '../agent-core/protocol';
import { DesktopCalls, type DesktopCall, type DesktopCallArgs, type DesktopCallResult } from '../agent-core/protocol/desktop';

export type DesktopHandlers = {
  [C in DesktopCall]: (...args: DesktopCallArgs<C>) => DesktopCallResult<C> | Promise<DesktopCallResult<C>>;
};

/**
 * Registers one handler per desktop call. A call from a frame that is not the app's own page, or
 * with arguments that do not match the contract, is refused before any handler runs.
 */
export function handleDesktopCalls(ipcMain: Pick<IpcMain, 'handle'>, handlers: DesktopHandlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  for (const name of Object.keys(DesktopCalls) as DesktopCall[]) {
    ipcMain.handle(name, async (event, ...raw: unknown[]) => {
      if (!isTrustedSender(event)) throw new Error(`${name} refused: the caller is not Berth's window`);
      const args = DesktopCalls[name].args.safeParse(raw);
      if (!args.success) throw new Error(`${name} refused: ${describeIssues(args.error, 'arguments')}`);
      const handler = handlers[name] as (...args: unknown[]) => unknown;
      return handler(...args.data);
    });
  }
}
