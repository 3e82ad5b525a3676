# Random search: short runs of small gains and losses.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 5)
print(n)
print(*[r.randint(-5, 3) for _ in range(n)])
