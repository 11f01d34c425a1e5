import { z } from 'zod';

export const ContentHash = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 hex digits');

export const GitSource = z.object({
  kind: z.literal('git'),
  branch: z.string().min(1),
  commit: z.string().nullable().optional(),
});

export const DirectorySource = z.object({
  kind: z.literal('directory'),
  path: z.string().min(1),
});

export const SnapshotSource = z.object({
  kind: z.literal('snapshot'),
  contentHash: ContentHash,
});

export const Source = z.discriminatedUnion('kind', [GitSource, DirectorySource, SnapshotSource]);
export type Source = z.infer<typeof Source>;
