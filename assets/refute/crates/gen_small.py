# A small random test with any crate size from 2 up.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 8)
print(n, r.randint(2, 10**9))
print(*[r.randint(1, 10**9) for _ in range(n)])
