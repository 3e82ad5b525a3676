import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress, formatDuration, setLogLevel } from '../../src/log/index.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress', () => {
  it('prints plain lines (no carriage returns) when not on a TTY', () => {
    const stream = fakeStream(false);
    const p = createProgress({ label: 'train', total: 10, unit: 'steps', stream, logEvery: 0 });
    for (let i = 0; i < 10; i++) p.tick(1, { loss: 2.5 - i * 0.1 });
    p.done();
    assert.ok(!stream.text.includes('\r'));
    const lines = stream.text.trim().split('\n');
    assert.ok(lines.length >= 2, stream.text);
    assert.match(lines.at(-1)!, /^train {2}10\/10 {2}[\d.]+ steps\/s {2}loss=1\.600 {2}in [\d.]+s$/);
  });

  it('redraws one line on a TTY', () => {
    const stream = fakeStream(true);
    const p = createProgress({ label: 'eval', total: 4, stream });
    p.tick();
    p.done('ok');
    assert.ok(stream.text.includes('\r\x1b[2K'));
    assert.match(stream.text, /\[#+\.*\] {2}1\/4/);
    assert.match(stream.text, /ok\n$/);
  });

  it('prints nothing with --quiet', () => {
    setLogLevel('quiet');
    try {
      const stream = fakeStream(false);
      const p = createProgress({ label: 'x', stream, logEvery: 0 });
      p.tick();
      p.done();
      assert.equal(stream.text, '');
    } finally {
      setLogLevel('normal');
    }
  });

  it('formats durations', () => {
    assert.equal(formatDuration(3.25), '3.3s');
    assert.equal(formatDuration(75), '1m15s');
    assert.equal(formatDuration(7260), '2h01m');
  });
});
