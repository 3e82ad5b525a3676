# A small random timetable with minutes anywhere in [1, 10^9].
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(1, 8)
print(n)
for _ in range(n):
    a, d = sorted((r.randint(1, 10**9), r.randint(1, 10**9)))
    print(a, d)
