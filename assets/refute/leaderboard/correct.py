import sys

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
teams = sorted(range(n), key=lambda i: (-int(data[2 + 2 * i]), int(data[3 + 2 * i]), i))
print(' '.join(str(i + 1) for i in teams[:k]))
