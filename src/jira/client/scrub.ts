// Removes the credentials from text that comes from Jira or whatever fronts it (error messages,
// plain-text bodies), before the text goes anywhere (errors, logs, the database, API answers).
// A Jira or proxy may echo a piece of the token, the Authorization header (base64 of
// `email:token`) or a URL-encoded form of either: every run of MIN_RUN or more characters that
// also occurs in one of those forms is replaced by `[redacted]`. Pure.

/** Shortest piece of a credential that is removed wherever it appears. */
export const MIN_RUN = 8;
/** Most characters kept of one foreign error text. */
export const MAX_FOREIGN_TEXT = 1_000;
const MARK = '[redacted]';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const b64url = (s: string): string => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const urlForms = (s: string): string[] => {
  const upper = encodeURIComponent(s);
  return [upper, upper.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), upper.replace(/%20/g, '+')];
};

/** Every written form of the credentials that a foreign text could echo. */
export function credentialForms(email: string, apiToken: string): string[] {
  const token = Buffer.from(apiToken, 'utf8');
  const base: string[] = [apiToken, b64(`${email}:${apiToken}`)];
  // base64 of the token at each of the three byte alignments it can have inside a longer value.
  for (let pad = 0; pad < 3; pad++) base.push(b64(Buffer.concat([Buffer.alloc(pad), token])).slice(pad === 0 ? 0 : 4));
  const forms = new Set<string>();
  for (const f of base) {
    for (const v of [f, b64url(f)]) {
      forms.add(v);
      for (const u of urlForms(v)) forms.add(u);
    }
  }
  return [...forms].filter((f) => f.length > 0);
}

export interface Scrubber {
  (text: string): string;
}

/** A scrubber for one pair of credentials (the forms are computed once). */
export function credentialScrubber(email: string, apiToken: string): Scrubber {
  const forms = credentialForms(email, apiToken);
  const grams = new Set<string>();
  const whole: string[] = [];
  for (const f of forms) {
    if (f.length < MIN_RUN) {
      if (f.length >= 6) whole.push(f); // a short token is still removed as a whole
      continue;
    }
    for (let i = 0; i + MIN_RUN <= f.length; i++) grams.add(f.slice(i, i + MIN_RUN));
  }
  return (text: string): string => {
    let out = text;
    if (grams.size > 0 && out.length >= MIN_RUN) {
      // Mark every character covered by a MIN_RUN-long piece of a credential form; any longer run
      // of a form is covered by its overlapping MIN_RUN-long pieces.
      const covered = new Uint8Array(out.length);
      let any = false;
      for (let i = 0; i + MIN_RUN <= out.length; i++) {
        if (grams.has(out.slice(i, i + MIN_RUN))) {
          covered.fill(1, i, i + MIN_RUN);
          any = true;
        }
      }
      if (any) {
        let r = '';
        for (let i = 0; i < out.length; ) {
          if (covered[i]) {
            r += MARK;
            while (i < out.length && covered[i]) i++;
          } else r += out[i++];
        }
        out = r;
      }
    }
    for (const w of whole) out = out.split(w).join(MARK);
    return out;
  };
}

/** Scrubs, then keeps at most `max` characters of a foreign text. */
export function boundForeignText(text: string, max = MAX_FOREIGN_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Keeps the leading messages while their total length stays within `max` characters. */
export function boundForeignMessages(messages: readonly string[], max = MAX_FOREIGN_TEXT): string[] {
  const out: string[] = [];
  let total = 0;
  for (const m of messages) {
    const room = max - total;
    if (room <= 1) break;
    const kept = boundForeignText(m, room);
    out.push(kept);
    total += kept.length;
  }
  return out;
}
