import sys
from collections import Counter

data = sys.stdin.buffer.read().split()
n = int(data[0])
print(sum(c * (c - 1) // 2 for c in Counter(data[1:1 + n]).values()))
