# A small random test with at least two beacons.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 8)
print(n)
print(*[r.randint(-10**9, 10**9) for _ in range(n)])
