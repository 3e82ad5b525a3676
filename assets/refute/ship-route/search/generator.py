# Random search: small graphs with costs up to the maximum.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 5)
m = r.randint(1, 6)
print(n, m)
for _ in range(m):
    u, v = r.sample(range(1, n + 1), 2)
    print(u, v, r.choice([r.randint(1, 10), r.randint(1, 10**9), 10**9]))
