# A small random test with many ties.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 16)
print(n, r.randint(1, n))
for _ in range(n):
    print(r.randint(0, 3), r.randint(0, 3))
