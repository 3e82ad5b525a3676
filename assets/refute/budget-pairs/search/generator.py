# Random search: small fares and budgets, so sums often meet the budget exactly.
import random
import sys

r = random.Random(int(sys.argv[1]))
n = r.randint(2, 6)
print(n, r.randint(1, 20))
print(*[r.randint(1, 10) for _ in range(n)])
