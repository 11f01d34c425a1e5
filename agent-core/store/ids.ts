import { randomBytes } from 'node:crypto';

// Crockford base32 in lower case: its digits sort in the same order as the values they encode, and
// no two of them look alike.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_DIGITS = 10;
const RANDOM_DIGITS = 16;

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * `prefix_` plus 26 characters that sort by creation time (like a ULID: 10 digits of milliseconds, then
 * 16 random digits). Ids made by this process always sort in the order they were made, even within
 * one millisecond or when the clock steps back, so "newest first" never reorders equal timestamps.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    lastRandom = randomDigits();
  } else if (!increment(lastRandom)) {
    lastTime += 1;
    lastRandom = randomDigits();
  }
  return `${prefix}_${encodeTime(lastTime)}${lastRandom.map((digit) => ALPHABET[digit]).join('')}`;
}

function encodeTime(time: number): string {
  let rest = time;
  let text = '';
  for (let i = 0; i < TIME_DIGITS; i++) {
    text = ALPHABET[rest % 32] + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

function randomDigits(): number[] {
  // 256 is a multiple of 32, so masking a byte keeps every digit equally likely.
  return [...randomBytes(RANDOM_DIGITS)].map((byte) => byte & 31);
}

/** Adds one in place; false when every digit was already the largest. */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i] += 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}
