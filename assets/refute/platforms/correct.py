import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
events = []
for i in range(n):
    events.append((int(data[1 + 2 * i]), 0))  # arrivals first at equal minutes: intervals are closed
    events.append((int(data[2 + 2 * i]), 1))
events.sort()
busy = best = 0
for _, kind in events:
    busy += 1 if kind == 0 else -1
    best = max(best, busy)
print(best)
