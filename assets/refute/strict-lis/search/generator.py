# Random search: short sequences of small levels (repeats are common).
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 8)
print(n)
print(*[r.randint(1, 5) for _ in range(n)])
