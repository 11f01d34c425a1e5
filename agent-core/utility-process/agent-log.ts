import { printAgentLog } from '../agent-log-printer';
import type { AgentEvents } from '../events';

/** The agent's log goes to stdout by default, which main writes to the agent's log file in the OS log folder. */
export function logAgentEvents(events: AgentEvents, log: (line: string) => void): void {
  printAgentLog(events, (line) => log(line.trimEnd()), false);
}
