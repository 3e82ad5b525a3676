# A small random set of downhill trails.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 8)
m = r.randint(1, 12)
print(n, m)
for _ in range(m):
    u, v = sorted(r.sample(range(1, n + 1), 2))
    print(u, v)
