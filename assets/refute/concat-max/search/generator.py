# Random search: short plates with shared prefixes and zeros.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 5)
print(n)
print(*[r.choice([0, r.randint(1, 9), r.randint(10, 99), r.randint(100, 999)]) for _ in range(n)])
