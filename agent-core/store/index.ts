export { openStore, DATABASE_FILE, type Store, type StoreOptions } from './open-store';
export { MIGRATIONS, type Migration } from './migrations';
export { newId } from './ids';
export type { Durable } from './durable';
export {
  SlotRepository,
  type SlotRecord,
  type SlotUpsert,
  type SlotOrigin,
  type DesiredState,
  type WorkingCopy,
  type WorkingCopyName,
} from './slot-repository';
export {
  DeploymentRepository,
  type NewDeployment,
  type DeploymentChanges,
  type ListDeploymentsOptions,
} from './deployment-repository';
export { DeployLogRepository, type DeployLogAppend, type DeployLogEntry, type DeployLogEvent } from './deploy-log-repository';
export { ProcessRepository, type ProcessRecord, type NewProcessRecord } from './process-repository';
export { SnapshotRepository, type SnapshotRecord } from './snapshot-repository';
export { OutboxRepository, type OutboxRow } from './outbox-repository';
export { CommandRepository, type CommandRecord, type ResultBody } from './command-repository';
export { lockStorage, StorageInUseError, LOCK_FILE, type StorageLock } from './storage-lock';
export { StorageSpace, RESERVE_FILE, type StorageState, type StorageSpaceOptions } from './storage-space';
export { isDiskFull, storageFullError, asStorageError, diskUsage, defaultFloorBytes } from './disk-space';
