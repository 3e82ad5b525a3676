# Random search: ranges around squares, small and large.
import random
import sys

r = random.Random(int(sys.argv[1]))
y = r.choice([r.randint(1, 100), r.randint(1, 10**9)])
l = max(1, y * y + r.randint(-2, 2))
rr = min(10**18, l + r.randint(0, 3))
print(l, rr)
