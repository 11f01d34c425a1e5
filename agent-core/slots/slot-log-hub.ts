import type { DeploymentOutput, LogEvent, LogSubscription } from '../logs';

export interface SlotLogEvent {
  deploymentId: string;
  event: LogEvent;
}

/** A live reader of a slot's output; `send` returns false when full, as LogSubscriber's does. */
export interface SlotLogSubscriber {
  send(event: SlotLogEvent): boolean;
}

interface Reader {
  subscriber: SlotLogSubscriber;
  inner: Set<LogSubscription>;
}

/**
 * A slot's live output across its deployments: a reader subscribed to the slot gets the output of
 * every deployment log open now and of each one opened later (a new deployment, a restart).
 */
export class SlotLogHub {
  private readonly readers = new Set<Reader>();
  private readonly outputs = new Map<string, DeploymentOutput>();

  attach(deploymentId: string, output: DeploymentOutput): void {
    this.outputs.set(deploymentId, output);
    for (const reader of this.readers) this.connect(reader, deploymentId, output);
  }

  /** The deployment's log is closed: readers keep what they got, later readers skip it. */
  detach(deploymentId: string, output: DeploymentOutput): void {
    if (this.outputs.get(deploymentId) === output) this.outputs.delete(deploymentId);
  }

  subscribe(subscriber: SlotLogSubscriber): LogSubscription {
    const reader: Reader = { subscriber, inner: new Set() };
    this.readers.add(reader);
    for (const [deploymentId, output] of this.outputs) this.connect(reader, deploymentId, output);
    return {
      ready: () => reader.inner.forEach((subscription) => subscription.ready()),
      close: () => {
        this.readers.delete(reader);
        reader.inner.forEach((subscription) => subscription.close());
        reader.inner.clear();
      },
    };
  }

  private connect(reader: Reader, deploymentId: string, output: DeploymentOutput): void {
    const subscription: LogSubscription = output.subscribe({
      send: (event) => reader.subscriber.send({ deploymentId, event }),
      end: () => reader.inner.delete(subscription),
    });
    reader.inner.add(subscription);
  }
}
