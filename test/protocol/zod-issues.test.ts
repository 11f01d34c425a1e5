import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from '../../agent-core/protocol';

describe('zod issues', () => {
  it('names the field of every problem, and the value itself for a problem with the whole', () => {
    const Payload = z.object({ slot: z.object({ name: z.string() }), count: z.number() });
    const fields = Payload.safeParse({ slot: { name: 1 }, count: 'x' });
    expect(fields.success || describeIssues(fields.error, 'payload')).toMatch(/^slot\.name: .+; count: .+$/);
    const whole = Payload.safeParse('nope');
    expect(whole.success || describeIssues(whole.error, 'payload')).toMatch(/^payload: /);
  });
});
