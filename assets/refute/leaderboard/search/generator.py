# Random search: up to 40 teams with heavy ties.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 40)
print(n, r.randint(1, n))
for _ in range(n):
    print(r.randint(0, 2), r.randint(0, 2))
