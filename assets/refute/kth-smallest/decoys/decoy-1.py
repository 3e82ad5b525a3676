# A shuffled large input: quickselect runs in expected linear time.
import random

r = random.Random(11)
n = 100000
a = list(range(-n // 2, n - n // 2))
r.shuffle(a)
print(n, n // 2)
print(' '.join(map(str, a)))
