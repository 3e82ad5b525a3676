# Random search: random trees, some of them large.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.choice([r.randint(1, 10), r.randint(1, 20000)])
print(n)
for i in range(2, n + 1):
    print(r.randint(max(1, i - 3), i - 1), i)
