# Random search: small harvests and crates.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 4)
print(n, r.randint(1, 6))
print(*[r.randint(1, 20) for _ in range(n)])
