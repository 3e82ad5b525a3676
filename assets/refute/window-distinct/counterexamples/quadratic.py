# The worst case for sorting every window: n = 2·10^5 and k = n/2 (10^5 windows of 10^5 values).
import random

r = random.Random(7)
n = 200000
print(n, n // 2)
print(' '.join(str(r.randint(1, 10**9)) for _ in range(n)))
