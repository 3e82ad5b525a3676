import sys

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
print(sum(int(x) // k + 1 for x in data[2:2 + n]))
