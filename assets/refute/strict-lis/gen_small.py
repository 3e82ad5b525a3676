# A small random test: levels anywhere in [1, 10^9].
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 8)
print(n)
print(*[r.randint(1, 10**9) for _ in range(n)])
