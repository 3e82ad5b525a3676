# Random search: needs of every magnitude.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 5)
print(n)
print(*[r.randint(1, 10 ** r.randint(1, 18)) for _ in range(n)])
