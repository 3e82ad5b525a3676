# Random search: any staircase.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 100000)
print(n, r.randint(1, n))
