import { z } from 'zod';
import { PathSegmentName } from '../names';
import { Port, SlotSpec } from '../slot-spec';
import { DirectorySource } from '../source';
import { SlotView } from './state';

/** What `berth-agent up` and "New slot from a folder" ask: a folder, and optionally the slot's name and public port. */
export const ProposeParams = z.object({
  /** An absolute path under one of the agent's source roots (`PATH_NOT_ALLOWED` elsewhere). */
  path: z.string().min(1),
  name: PathSegmentName.optional(),
  publicPort: Port.optional(),
});

export const ProjectKind = z.enum(['procfile', 'node', 'python', 'static']);
export type ProjectKind = z.infer<typeof ProjectKind>;

/** A local, blue-green slot proposed for a folder: nothing is created until the person creates it. */
export const SlotProposal = z.object({
  spec: SlotSpec,
  /** The folder as the agent resolved it (symlinks followed). */
  source: DirectorySource,
  kind: ProjectKind,
  /** What was found and what each command is for, one line each. */
  explanation: z.array(z.string()),
  /** The local slot made from this folder before, or null: `up` deploys that one again instead of making another. */
  existingSlotId: z.string().nullable(),
  /** Whether the existing slot's template differs from the one the folder asks for now (it is kept as it is). */
  templateChanged: z.boolean(),
});
export type SlotProposal = z.infer<typeof SlotProposal>;

/** The health-check path found for a slot (null: none answered, a TCP check stays), and the slot after. */
export const HealthCheckFound = z.object({
  path: z.string().nullable(),
  expectStatus: z.number().int(),
  /** Whether this call stored it; false when the slot had a path already, which is then kept. */
  changed: z.boolean(),
  slot: SlotView,
});
export type HealthCheckFound = z.infer<typeof HealthCheckFound>;
