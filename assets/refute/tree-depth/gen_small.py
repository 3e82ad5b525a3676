# A small random tree with shuffled link directions.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 10)
print(n)
for i in range(2, n + 1):
    p = r.randint(1, i - 1)
    print(*((p, i) if r.random() < 0.5 else (i, p)))
