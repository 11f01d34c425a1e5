import { join } from 'node:path';
import { utilityProcess } from 'electron';
import { agentProcessArgs, type AgentProcessTask } from '../agent-core/protocol/desktop';
import type { AgentProcess } from './agent-host';
import { forEachLine, type DesktopLogs } from './logging';

/** Forks agent-core's utility entry (built beside this file) for a task; its output goes to agent.log. */
export function forkAgentProcess(task: AgentProcessTask, logs: DesktopLogs): AgentProcess {
  const child = utilityProcess.fork(join(import.meta.dirname, 'agent-utility.js'), agentProcessArgs(task), {
    serviceName: 'Berth agent',
    stdio: 'pipe',
  });
  forEachLine(child.stdout, (line) => logs.agent.info(line));
  forEachLine(child.stderr, (line) => logs.agent.error(line));
  return child;
}
