import { knownSecrets, knownSecretsVersion } from './known-secrets';

/** Secrets shorter than this (ignoring surrounding blanks) are left alone: masking "a" or "on" would destroy every log. */
export const MIN_SECRET_LENGTH = 4;

export const SECRET_MASK = '***';

// Forms are searched by their first characters only: a regex of whole forms as long as a PEM key
// grows too large for V8 to optimise and crawls. A hit is confirmed with startsWith.
const OPENING_LENGTH = 16;

/**
 * Masks secrets in a stream of terminal output before any of it is written, shown or sent.
 *
 * A secret may be printed raw, line by line (a PEM key, with \n or the terminal's \r\n), as base64
 * inside a longer base64 text, URL-encoded or JSON-escaped; each of those spellings is a "form".
 * One regex of the forms' openings finds candidates, and the longest form that matches there is
 * masked. A chunk may end in the middle of a form, so `push` keeps back the tail from the earliest
 * position that could still grow into one (the least that is safe) and emits everything before
 * it at once.
 */
export class Redactor {
  private openings: RegExp | null = null;
  private maxFormLength = 0;
  private forms: string[] = [];
  // Longest first, so the first form that matches at a position is the one to mask.
  private formsByFirstChar = new Map<string, string[]>();
  private learnedVersion = -1;
  private pending = '';

  /** Masks `secrets` and every secret the agent knows (known-secrets.ts), also ones it learns later. */
  constructor(private readonly secrets: readonly string[]) {
    this.learn();
  }

  /** Returns the part of the stream so far that can no longer turn into a secret, masked. */
  push(chunk: string): string {
    if (this.learnedVersion !== knownSecretsVersion()) this.learn();
    if (this.openings === null) return chunk;
    const text = this.pending.length === 0 ? chunk : this.pending + chunk;
    const holdFrom = this.heldTailStart(text);
    const { output, consumed } = this.mask(text, holdFrom);
    this.pending = text.slice(consumed);
    return output;
  }

  /** Returns whatever was held back, masked; an unfinished secret at the very end is not a secret. */
  flush(): string {
    if (this.learnedVersion !== knownSecretsVersion()) this.learn();
    if (this.openings === null || this.pending.length === 0) return '';
    const text = this.pending;
    this.pending = '';
    return this.mask(text, text.length).output;
  }

  private learn(): void {
    this.learnedVersion = knownSecretsVersion();
    this.forms = secretForms([...this.secrets, ...knownSecrets()]);
    const openings = new Set(this.forms.map((form) => form.slice(0, OPENING_LENGTH)));
    this.openings = openings.size === 0 ? null : new RegExp([...openings].map(escapeRegExp).join('|'), 'g');
    this.maxFormLength = this.forms.length === 0 ? 0 : this.forms[0].length;
    this.formsByFirstChar = new Map();
    for (const form of this.forms) {
      const sameStart = this.formsByFirstChar.get(form[0]);
      if (sameStart === undefined) this.formsByFirstChar.set(form[0], [form]);
      else sameStart.push(form);
    }
  }

  /**
   * Index of the earliest position whose rest of `text` is a proper prefix of some form, or
   * text.length. Long prefixes are found by searching each form's opening (native indexOf rather
   * than a loop over a window as long as a PEM key); only the last few positions are checked one by one.
   */
  private heldTailStart(text: string): number {
    const length = text.length;
    const windowStart = Math.max(0, length - this.maxFormLength + 1);
    let earliest = length;
    for (const form of this.forms) {
      if (form.length <= OPENING_LENGTH) break;
      const opening = form.slice(0, OPENING_LENGTH);
      let index = text.indexOf(opening, Math.max(windowStart, length - form.length + 1));
      while (index !== -1 && index < earliest) {
        if (form.startsWith(text.slice(index))) earliest = index;
        else index = text.indexOf(opening, index + 1);
      }
    }
    for (let index = Math.max(windowStart, length - OPENING_LENGTH + 1); index < earliest; index++) {
      const candidates = this.formsByFirstChar.get(text[index]);
      if (candidates === undefined) continue;
      const tail = text.slice(index);
      if (candidates.some((form) => form.length > tail.length && form.startsWith(tail))) return index;
    }
    return earliest;
  }

  /**
   * Masks every form found at a position before `holdFrom`. What is found there is final (no later
   * text can change it), and a form that starts there but runs past it is complete, so it is
   * emitted whole.
   */
  private mask(text: string, holdFrom: number): { output: string; consumed: number } {
    const openings = this.openings as RegExp;
    openings.lastIndex = 0;
    let output = '';
    let emittedTo = 0;
    for (let hit = openings.exec(text); hit !== null && hit.index < holdFrom; hit = openings.exec(text)) {
      const form = this.formsByFirstChar.get(text[hit.index])?.find((candidate) => text.startsWith(candidate, hit.index));
      if (form === undefined) {
        openings.lastIndex = hit.index + 1;
        continue;
      }
      output += text.slice(emittedTo, hit.index) + SECRET_MASK;
      emittedTo = hit.index + form.length;
      openings.lastIndex = emittedTo;
    }
    const consumed = Math.max(emittedTo, holdFrom);
    return { output: output + text.slice(emittedTo, consumed), consumed };
  }
}

/** Masks secrets in one complete text (an error message, a status line). */
export function redactText(text: string, secrets: readonly string[]): string {
  const redactor = new Redactor(secrets);
  return redactor.push(text) + redactor.flush();
}

/** Every spelling of every secret that must be masked, longest first, without duplicates. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!isMaskable(secret)) continue;
    const lines = secret.split(/\r?\n/);
    const wholes = lines.length === 1 ? [secret] : [secret, lines.join('\n'), lines.join('\r\n')];
    for (const whole of wholes) {
      forms.add(whole);
      for (const encoded of encodedForms(whole)) forms.add(encoded);
    }
    // A program may print a multi-line secret (a PEM key) one line at a time, between other text.
    if (lines.length > 1) for (const line of lines) forms.add(line);
  }
  return [...forms].filter(isMaskable).sort((a, b) => b.length - a.length);
}

function isMaskable(text: string): boolean {
  return text.trim().length >= MIN_SECRET_LENGTH;
}

function encodedForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  return [
    ...base64Forms(secret),
    uri,
    uri.replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/**
 * The secret's base64 as it appears inside a longer base64 text, for each of the three byte
 * alignments the secret can start at. The characters that also encode bits of the bytes before or
 * after the secret vary with them, so only the stable inner part is a form.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const padded = Buffer.concat([Buffer.alloc(lead), bytes]);
    const encoded = padded.toString('base64');
    const first = Math.ceil((lead * 8) / 6);
    const end = Math.floor((padded.length * 8) / 6);
    forms.push(encoded.slice(first, end));
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
