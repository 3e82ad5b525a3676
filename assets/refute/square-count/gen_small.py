# A random test: a random range inside [1, 10^18].
import random
import sys

r = random.Random(int(sys.argv[1]))
a, b = r.randint(1, 10**18), r.randint(1, 10**18)
print(min(a, b), max(a, b))
