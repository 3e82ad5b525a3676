# A small random test: a few machines of any speed.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 8)
print(n, r.randint(1, 10**9))
print(*[r.randint(1, 10**9) for _ in range(n)])
