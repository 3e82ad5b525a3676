# Random search: a few to a few dozen machines, fast and slow.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 40)
print(n, r.randint(1, 10**9))
print(*[r.choice([1, 2, r.randint(1, 10**9)]) for _ in range(n)])
