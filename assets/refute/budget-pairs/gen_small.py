# A small random test: a few fares anywhere in [1, 10^9] and a random budget.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 8)
print(n, r.randint(1, 2 * 10**9))
print(*[r.randint(1, 10**9) for _ in range(n)])
