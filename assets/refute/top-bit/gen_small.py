# A small random test with needs up to 10^9.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 8)
print(n)
print(*[r.randint(1, 10**9) for _ in range(n)])
