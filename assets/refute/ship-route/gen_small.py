# A small random graph with moderate costs.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 6)
m = r.randint(1, 8)
print(n, m)
for _ in range(m):
    u, v = r.sample(range(1, n + 1), 2)
    print(u, v, r.randint(1, 10**6))
