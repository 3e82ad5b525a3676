# Random search: mostly small streets, now and then a large one.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.choice([r.randint(1, 10), r.randint(1, 10), r.randint(1000, 200000)])
print(n, r.randint(1, n))
print(' '.join(str(r.randint(1, 50)) for _ in range(n)))
