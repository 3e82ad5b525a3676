# A small random test with few colours.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 10)
print(n)
print(*[r.randint(1, 3) for _ in range(n)])
