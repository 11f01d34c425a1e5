import { z } from 'zod';

/** A reliable agent message's number: one more than the previous one over the installation's whole life; the first is 1. */
export const Seq = z.number().int().min(1);
