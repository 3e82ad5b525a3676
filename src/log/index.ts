// Console output for long work: levelled log lines and progress reporting. On a TTY progress is
// a redrawn bar with rate and ETA; elsewhere (CI, pipes, log files) it becomes a plain line every
// few seconds, so logs stay readable. Lower layers take a `Progress` and never print themselves.

export type LogLevel = 'quiet' | 'normal' | 'verbose';

let level: LogLevel = 'normal';

/** Sets how much fathom prints to stderr (`--quiet`, `--verbose`). */
export function setLogLevel(next: LogLevel): void {
  level = next;
}

export function getLogLevel(): LogLevel {
  return level;
}

/** Informational line on stderr (suppressed by --quiet); stdout stays for results. */
export function info(message: string): void {
  if (level !== 'quiet') process.stderr.write(`${message}\n`);
}

/** Detail only shown with --verbose. */
export function debug(message: string): void {
  if (level === 'verbose') process.stderr.write(`${message}\n`);
}

/** Warnings are shown even with --quiet. */
export function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

export interface Progress {
  /** Advances by `n` items (default 1); `fields` are shown beside the bar, e.g. `{ loss: 2.31 }`. */
  tick(n?: number, fields?: Record<string, number | string>): void;
  /** Ends the bar with a final line. */
  done(message?: string): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  /** What is counted, for the rate: 'items', 'steps', 'tokens'... */
  unit?: string;
  /** Seconds between plain log lines when not on a TTY. */
  logEvery?: number;
  stream?: NodeJS.WriteStream;
}

/** A progress reporter that draws a bar on a TTY and logs plain lines elsewhere. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'items';
  const logEvery = (options.logEvery ?? 10) * 1000;
  const tty = stream.isTTY === true;
  const started = performance.now();
  let count = 0;
  let lastDraw = 0;
  let fields: Record<string, number | string> = {};

  const line = (final: boolean): string => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    const parts = [options.label];
    if (options.total !== undefined) {
      const frac = options.total > 0 ? Math.min(1, count / options.total) : 1;
      if (tty) parts.push(`[${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}]`);
      parts.push(`${count}/${options.total}`);
      if (!final && rate > 0 && count < options.total) parts.push(`ETA ${formatDuration((options.total - count) / rate)}`);
    } else {
      parts.push(`${count} ${unit}`);
    }
    parts.push(`${formatRate(rate)} ${unit}/s`);
    for (const [k, v] of Object.entries(fields)) parts.push(`${k}=${typeof v === 'number' ? formatNumber(v) : v}`);
    if (final) parts.push(`in ${formatDuration(seconds)}`);
    return parts.join('  ');
  };

  return {
    tick(n = 1, next) {
      count += n;
      if (next) fields = { ...fields, ...next };
      if (level === 'quiet') return;
      const now = performance.now();
      if (tty && now - lastDraw > 100) {
        stream.write(`\r\x1b[2K${line(false)}`);
        lastDraw = now;
      } else if (!tty && now - lastDraw > logEvery) {
        if (lastDraw > 0 || now - started > logEvery) stream.write(`${line(false)}\n`);
        lastDraw = now;
      }
    },
    done(message) {
      if (level === 'quiet') return;
      stream.write(`${tty ? '\r\x1b[2K' : ''}${line(true)}${message ? `  ${message}` : ''}\n`);
    },
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function formatRate(rate: number): string {
  if (rate >= 1000) return rate.toFixed(0);
  if (rate >= 10) return rate.toFixed(1);
  return rate.toFixed(2);
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}
