// Concurrency and rate limits of the request layer: a counting semaphore (requests in flight per
// provider) and a token bucket (requests or tokens per minute) that may run into debt when a
// response used more tokens than estimated, so the next requests wait it off.

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  get inFlight(): number {
    return this.active;
  }
}

/** A bucket of `perMinute` units, refilled continuously, full at start. */
export class TokenBucket {
  private level: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly perMinute: number, private readonly now: () => number = () => performance.now(), private readonly sleep: Sleep = realSleep) {
    this.level = perMinute;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.level = Math.min(this.perMinute, this.level + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Waits until `n` units are available (in arrival order) and takes them. */
  take(n: number): Promise<void> {
    const amount = Math.min(n, this.perMinute); // a request larger than the bucket waits for a full one
    const turn = this.queue.then(async () => {
      for (;;) {
        this.refill();
        if (this.level >= amount) {
          this.level -= amount;
          return;
        }
        await this.sleep(Math.ceil(((amount - this.level) * 60_000) / this.perMinute));
      }
    });
    this.queue = turn;
    return turn;
  }

  /** Adds (refund) or removes (debt) units after the fact. */
  adjust(delta: number): void {
    this.refill();
    this.level = Math.min(this.perMinute, this.level + delta);
  }
}
