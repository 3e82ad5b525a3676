import re
import sys

INT = re.compile(r'(0|-?[1-9][0-9]*)\Z')


def fail(msg):
    sys.stderr.write(msg + '\n')
    sys.exit(1)


try:
    DATA = sys.stdin.buffer.read().decode('ascii')
except UnicodeDecodeError:
    fail('input is not ASCII')
if not DATA.endswith('\n'):
    fail('input must end with a newline')
LINES = DATA[:-1].split('\n')
pos = 0


def line():
    global pos
    if pos >= len(LINES):
        fail('unexpected end of input at line %d' % (pos + 1))
    pos += 1
    return LINES[pos - 1]


def ints(k, lo, hi):
    """Reads one line of exactly k integers in [lo, hi], separated by single spaces."""
    parts = line().split(' ')
    if len(parts) != k:
        fail('line %d: expected %d integers, got %d tokens' % (pos, k, len(parts)))
    out = []
    for p in parts:
        if not INT.match(p):
            fail('line %d: %r is not an integer' % (pos, p[:30]))
        v = int(p)
        if not lo <= v <= hi:
            fail('line %d: %d is outside [%d, %d]' % (pos, v, lo, hi))
        out.append(v)
    return out


def end():
    if pos != len(LINES):
        fail('extra lines after line %d' % pos)


# ---- problem-specific checks ----
n, m = ints(2, 1, 10**9)
if n > 200000:
    fail('n = %d exceeds 200000' % n)
ints(n, 1, 10**9)
end()
