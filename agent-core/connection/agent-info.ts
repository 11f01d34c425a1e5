import { arch, hostname, networkInterfaces, platform } from 'node:os';
import type { AgentInfo } from '../protocol/control-plane';

/** What `hello` says about this host. */
export function agentInfo(name: string, version: string): AgentInfo {
  const addresses = Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal)
    .map((entry) => entry.address);
  return { name, version, os: platform(), arch: arch(), hostname: hostname(), addresses };
}

/** `berth-agent/<version> (<os>; <arch>)`, the upgrade request's User-Agent. */
export function userAgent(version: string): string {
  return `berth-agent/${version} (${platform()}; ${arch()})`;
}
