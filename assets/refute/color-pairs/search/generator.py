# Random search: small drawers, now and then a large one with few colours.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.choice([r.randint(1, 10), r.randint(1, 200000)])
print(n)
print(' '.join(str(r.randint(1, 3)) for _ in range(n)))
