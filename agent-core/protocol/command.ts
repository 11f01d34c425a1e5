import { z } from 'zod';

export const CommandType = z.enum(['bash', 'powershell', 'cmd', 'node', 'python']);
export type CommandType = z.infer<typeof CommandType>;

export const Command = z.object({
  type: CommandType,
  /** The command line for shells; the script body for node and python. May span lines. */
  arguments: z.string(),
  name: z.string().min(1).max(200).optional(),
  workingDirectory: z.string().nullable().optional(),
  env: z.record(z.string(), z.string()).optional(),
  service: z.boolean().optional(),
  /** Berth extension: a task's time limit; the default is 30 minutes. */
  timeoutMs: z.number().int().positive().optional(),
});
export type Command = z.infer<typeof Command>;

/** The name a person sees for a command: its own, else its phase and position. */
export function commandLabel(command: Command, phase: string, index: number): string {
  return command.name ?? `${phase} #${index + 1}`;
}
