export { SlotProxy, NO_TARGET_REASON, type SlotProxyOptions, type ListenOptions } from './proxy';
export {
  Target,
  DEFAULT_MAX_UPSTREAM_SOCKETS,
  type TargetOptions,
  type TargetState,
  type DrainResult,
} from './target';
export {
  waitHealthy,
  checkOnce,
  DEFAULT_HEALTH_CHECK,
  type CheckOptions,
  type CheckOutcome,
  type CheckResult,
  type ServiceExit,
  type WaitHealthyOptions,
} from './health-check';
export { claimFreePort, findFreePort, assertPortFree, isPortFree, type FindFreePortOptions, type PortClaim } from './ports';
export { RETRY_AFTER_SECONDS } from './plain-response';
export type { ForwardingOptions } from './forwarding-headers';
export { SlotMetricsHistory, stepSecondsFor, type MetricsStep, type MetricsHistoryOptions } from './metrics-history';
export type { TrafficTotals } from './traffic-counter';
