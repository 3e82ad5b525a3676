# Random search: random downhill trails on a few dozen checkpoints.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 40)
m = r.randint(1, 3 * n)
print(n, m)
for _ in range(m):
    u, v = sorted(r.sample(range(1, n + 1), 2))
    print(u, v)
