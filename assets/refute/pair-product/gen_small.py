# A small random test: a few charges of at most 3·10^4 in absolute value.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 8)
print(n)
print(*[r.randint(-30000, 30000) for _ in range(n)])
