import { z } from 'zod';
import { Deployment } from '../deployment';
import { Seq } from './seq';

/** A deployment changed state; the Deployment fields stand beside `type` and `seq`. */
export const DeploymentUpdateMessage = z.object({ type: z.literal('deployment.update'), seq: Seq }).extend(Deployment.shape);
export type DeploymentUpdateMessage = z.infer<typeof DeploymentUpdateMessage>;
