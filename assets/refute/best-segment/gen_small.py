# A random test of 8 to 12 months with gains and losses.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(8, 12)
print(n)
print(*[r.randint(-10**9, 10**9) for _ in range(n)])
