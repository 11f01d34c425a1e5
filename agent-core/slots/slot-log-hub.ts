import { followLog, type DeploymentOutput, type FollowedLog, type LogEvent, type LogSubscriber, type LogSubscription } from '../logs';

export interface SlotLogEvent {
  deploymentId: string;
  event: LogEvent;
}

/** A live reader of a slot's output; `send` returns false when full, as LogSubscriber's does. */
export interface SlotLogSubscriber {
  send(event: SlotLogEvent): boolean;
}

/** What a reader follows: every deployment of the slot live, or one deployment, from an offset of its log. */
export interface SlotLogFollow {
  deploymentId?: string;
  /** With `deploymentId`: its stored output from this offset first, then its live output. */
  fromOffset?: number;
}

interface Reader {
  subscriber: SlotLogSubscriber;
  deploymentId: string | undefined;
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
    for (const reader of this.readers) if (reader.deploymentId === undefined || reader.deploymentId === deploymentId) this.connect(reader, deploymentId, output);
  }

  /** The deployment's log is closed: readers keep what they got, later readers skip it. */
  detach(deploymentId: string, output: DeploymentOutput): void {
    if (this.outputs.get(deploymentId) === output) this.outputs.delete(deploymentId);
  }

  /** The open log of a deployment that writes now, if it does. */
  output(deploymentId: string): DeploymentOutput | null {
    return this.outputs.get(deploymentId) ?? null;
  }

  /** `finished` reads a deployment's log that is not open, for a `fromOffset` in it. */
  subscribe(subscriber: SlotLogSubscriber, follow: SlotLogFollow, finished: (deploymentId: string) => FollowedLog): LogSubscription {
    const reader: Reader = { subscriber, deploymentId: follow.deploymentId, inner: new Set() };
    this.readers.add(reader);
    for (const [deploymentId, output] of this.outputs) {
      if (reader.deploymentId === undefined || reader.deploymentId === deploymentId) this.connect(reader, deploymentId, output, follow.fromOffset);
    }
    if (follow.deploymentId !== undefined && follow.fromOffset !== undefined && !this.outputs.has(follow.deploymentId)) {
      const { deploymentId, fromOffset } = follow;
      this.track(reader, deploymentId, (subscriber) => followLog(finished(deploymentId), subscriber, fromOffset));
    }
    return {
      ready: () => reader.inner.forEach((subscription) => subscription.ready()),
      close: () => {
        this.readers.delete(reader);
        reader.inner.forEach((subscription) => subscription.close());
        reader.inner.clear();
      },
    };
  }

  private connect(reader: Reader, deploymentId: string, output: DeploymentOutput, fromOffset?: number): void {
    this.track(reader, deploymentId, (subscriber) => output.subscribe(subscriber, { fromOffset }));
  }

  // A subscription may end before `start` returns (a closed log ends its readers at once).
  private track(reader: Reader, deploymentId: string, start: (subscriber: LogSubscriber) => LogSubscription): void {
    let subscription: LogSubscription | null = null;
    let ended = false;
    subscription = start({
      send: (event) => reader.subscriber.send({ deploymentId, event }),
      end: () => {
        ended = true;
        if (subscription !== null) reader.inner.delete(subscription);
      },
    });
    if (!ended) reader.inner.add(subscription);
  }
}
