import { describe, expect, it } from 'vitest';
import { OutputTail } from '../../agent-core/runner/output-tail';

describe('output tail', () => {
  it('keeps the last lines as plain text, across chunks split mid-line and mid-escape', () => {
    const tail = new OutputTail(3);
    for (const chunk of ['one\r\ntwo\r\n\x1b[3', '1mred\x1b[0m\r\n', '\r\nfour', ' and a half']) tail.push(chunk);
    expect(tail.text()).toEqual(['two', 'red', 'four and a half']);
  });

  it('keeps only what a progress bar left on screen', () => {
    const tail = new OutputTail();
    tail.push('downloading 10%\rdownloading 55%\rdownloading 100%\r\ndone\n');
    expect(tail.text()).toEqual(['downloading 100%', 'done']);
  });
});
