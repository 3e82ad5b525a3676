// Text of a generated sequence as it grows: stop strings (the text is cut before the first one,
// as the OpenAI API does) and streaming deltas that are final — text that could still turn into
// a stop string, or a character whose UTF-8 bytes are not all generated yet (decoded as U+FFFD),
// is held back until the next token decides it.

export class StopText {
  private emitted = 0;
  private full = '';
  private stoppedAt: number | null = null;

  constructor(private readonly decode: (ids: ArrayLike<number>) => string, private readonly stops: readonly string[]) {}

  /** The text so far (cut before a stop string once one appeared). */
  get text(): string {
    return this.stoppedAt === null ? this.full : this.full.slice(0, this.stoppedAt);
  }

  /** Re-decodes the generated ids; returns the new final text and whether a stop string appeared. */
  push(generated: readonly number[]): { text: string; stopped: boolean } {
    this.full = this.decode(generated);
    let cut = -1;
    for (const s of this.stops) {
      if (!s) continue;
      const at = this.full.indexOf(s, Math.max(0, this.emitted - s.length + 1));
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stoppedAt = cut;
      return { text: this.take(cut), stopped: true };
    }
    let safe = this.full.length;
    for (const s of this.stops) {
      for (let k = Math.min(s.length - 1, this.full.length); k > 0; k--) {
        if (this.full.endsWith(s.slice(0, k))) {
          safe = Math.min(safe, this.full.length - k);
          break;
        }
      }
    }
    while (safe > this.emitted && this.full[safe - 1] === '\uFFFD') safe--;
    return { text: this.take(safe), stopped: false };
  }

  /** Everything not yet emitted (the sequence has ended). */
  flush(): string {
    return this.take(this.text.length);
  }

  /** The generated ids whose text is kept: the longest prefix that decodes within the kept text. */
  tokensKept(generated: readonly number[]): number[] {
    if (this.stoppedAt === null) return [...generated];
    const kept = this.text;
    for (let k = generated.length; k > 0; k--) {
      const t = this.decode(generated.slice(0, k));
      if (kept.startsWith(t.replace(/\uFFFD+$/, ''))) return generated.slice(0, k);
    }
    return [];
  }

  private take(end: number): string {
    if (end <= this.emitted) return '';
    const out = this.full.slice(this.emitted, end);
    this.emitted = end;
    return out;
  }
}
