# A small random test.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 10)
print(n, r.randint(1, n))
print(*[r.randint(-20, 20) for _ in range(n)])
