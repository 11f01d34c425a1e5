export { SlotManager } from './slot-manager';
export { SlotController, type SlotContext } from './slot-controller';
export type { DeployRequest } from './deployment-run';
export { DEFAULT_GRACE_MS } from './instance-launcher';
export type { SlotLogFollow, SlotLogSubscriber } from './slot-log-hub';
export { SlotQueue, type QueuedJob } from './slot-queue';
export { localJob, type JobContext } from './slot-job';
export { RESTART_LIMIT, RESTART_WINDOW_MS } from './service-supervisor';
