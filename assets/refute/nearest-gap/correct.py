import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
x = sorted(map(int, data[1:1 + n]))
print(min((x[i + 1] - x[i] for i in range(n - 1)), default=-1))
