# Random search: random arrays of random size.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.choice([r.randint(1, 10), r.randint(1, 200000)])
print(n, r.randint(1, n))
print(' '.join(str(r.randint(-10**9, 10**9)) for _ in range(n)))
