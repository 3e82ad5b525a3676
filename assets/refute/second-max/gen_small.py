# A small random test with results anywhere in [1, 10^9].
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 8)
print(n)
print(*[r.randint(1, 10**9) for _ in range(n)])
