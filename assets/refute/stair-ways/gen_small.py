# A small random test: at most 20 steps, so no count reaches the modulus.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 20)
print(n, r.randint(1, n))
