/** One step of preparing a source, shaped like the protocol's `progress` message body. */
export interface SourceProgress {
  step: 'fetch' | 'checkout' | 'merge' | 'snapshot' | 'extract';
  message: string;
  branch?: string;
  outcome?: 'merged' | 'skipped';
}

export type SourceProgressListener = (event: SourceProgress) => void;
