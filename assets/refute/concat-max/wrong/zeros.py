import sys
from functools import cmp_to_key

data = sys.stdin.buffer.read().split()
n = int(data[0])
a = [x.decode() for x in data[1:1 + n]]
a.sort(key=cmp_to_key(lambda x, y: -1 if x + y > y + x else (1 if x + y < y + x else 0)))
print(''.join(a))
