# Random search: few beacons, sometimes only one.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 5)
print(n)
print(*[r.randint(-20, 20) for _ in range(n)])
