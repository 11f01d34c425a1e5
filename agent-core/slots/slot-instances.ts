import type { Color } from '../protocol';
import type { CopyName, Instance } from './instance';

/** The instances a slot runs now, at most one per working copy, and which of them is live. */
export class SlotInstances {
  private readonly byCopy = new Map<CopyName, Instance>();
  private liveInstance: Instance | null = null;

  get live(): Instance | null {
    return this.liveInstance;
  }

  get isEmpty(): boolean {
    return this.byCopy.size === 0;
  }

  get(copy: CopyName): Instance | undefined {
    return this.byCopy.get(copy);
  }

  add(instance: Instance): void {
    this.byCopy.set(instance.copy, instance);
  }

  /** Makes `instance` live. The one it replaces leaves at once: it only finishes what it has in flight. */
  makeLive(instance: Instance): Instance | null {
    const previous = this.liveInstance;
    this.liveInstance = instance;
    if (previous && previous !== instance && this.byCopy.get(previous.copy) === previous) this.byCopy.delete(previous.copy);
    return previous === instance ? null : previous;
  }

  /** Removes and returns the instance of `copy`; the slot has no live instance once it was that one. */
  take(copy: CopyName): Instance | undefined {
    const instance = this.byCopy.get(copy);
    this.byCopy.delete(copy);
    if (instance && this.liveInstance === instance) this.liveInstance = null;
    return instance;
  }

  withDeployment(deploymentId: string): Instance | undefined {
    return [...this.byCopy.values()].find((instance) => instance.deploymentId === deploymentId);
  }

  copies(): CopyName[] {
    return [...this.byCopy.keys()];
  }

  pids(): number[] {
    return [...this.byCopy.values()].flatMap((instance) => instance.pids);
  }

  deploymentIds(): string[] {
    return [...this.byCopy.values()].map((instance) => instance.deploymentId);
  }

  previewIds(): string[] {
    return [...this.byCopy.values()].filter((instance) => instance !== this.liveInstance).map((instance) => instance.deploymentId);
  }

  /** The color a new deployment goes to: the one not live, else the one production did not use. */
  idleColor(productionColor: Color | null): Color {
    const liveColor = this.liveInstance?.copy;
    if (liveColor === 'blue') return 'green';
    if (liveColor === 'green') return 'blue';
    return productionColor === 'blue' ? 'green' : 'blue';
  }
}
