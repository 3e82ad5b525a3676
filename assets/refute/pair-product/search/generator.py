# Random search: small arrays mixing small and extreme charges.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 6)
print(n)
print(*[r.choice([r.randint(-10, 10), r.randint(-10**9, 10**9), 10**9, -10**9]) for _ in range(n)])
