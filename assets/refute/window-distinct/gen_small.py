# A small random test with many repeated kinds.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 10)
print(n, r.randint(1, n))
print(*[r.randint(1, 5) for _ in range(n)])
