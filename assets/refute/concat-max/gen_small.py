# A small random test: a few plates with values anywhere in [0, 10^9].
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 6)
print(n)
print(*[r.randint(0, 10**9) for _ in range(n)])
