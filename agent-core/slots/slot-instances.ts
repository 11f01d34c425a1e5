import type { Color } from '../protocol';
import type { CopyName, Instance } from './instance';

/**
 * The instances a slot runs now, at most one per working copy: which of them is live, and which
 * is warm (swapped out, still running without traffic, so that going back to it is a swap).
 */
export class SlotInstances {
  private readonly byCopy = new Map<CopyName, Instance>();
  private liveInstance: Instance | null = null;
  private warmInstance: Instance | null = null;

  get live(): Instance | null {
    return this.liveInstance;
  }

  get warm(): Instance | null {
    return this.warmInstance;
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

  /**
   * Makes `instance` live. The one it replaces either stays as the warm instance (`keepPrevious`)
   * or leaves at once: then it only finishes what it has in flight.
   */
  makeLive(instance: Instance, keepPrevious: boolean): Instance | null {
    const previous = this.liveInstance;
    this.liveInstance = instance;
    if (this.warmInstance === instance) this.warmInstance = null;
    if (!previous || previous === instance) return null;
    if (keepPrevious) this.warmInstance = previous;
    else if (this.byCopy.get(previous.copy) === previous) this.byCopy.delete(previous.copy);
    return previous;
  }

  /** Removes and returns the instance of `copy`; it is no longer live or warm. */
  take(copy: CopyName): Instance | undefined {
    const instance = this.byCopy.get(copy);
    this.byCopy.delete(copy);
    if (instance && this.liveInstance === instance) this.liveInstance = null;
    if (instance && this.warmInstance === instance) this.warmInstance = null;
    return instance;
  }

  /** What `instance` is to the slot now: the live one, the warm one, or a preview. */
  roleOf(instance: Instance): 'live' | 'warm' | 'preview' {
    if (instance === this.liveInstance) return 'live';
    return instance === this.warmInstance ? 'warm' : 'preview';
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
    return [...this.byCopy.values()].filter((instance) => this.roleOf(instance) === 'preview').map((instance) => instance.deploymentId);
  }

  /** The color a new deployment goes to: the one not live, else the one production did not use. */
  idleColor(productionColor: Color | null): Color {
    const liveColor = this.liveInstance?.copy;
    if (liveColor === 'blue') return 'green';
    if (liveColor === 'green') return 'blue';
    return productionColor === 'blue' ? 'green' : 'blue';
  }
}
