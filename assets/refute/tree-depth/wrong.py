import sys

sys.setrecursionlimit(5000)
data = sys.stdin.buffer.read().split()
n = int(data[0])
adj = [[] for _ in range(n + 1)]
for j in range(n - 1):
    u, v = int(data[1 + 2 * j]), int(data[2 + 2 * j])
    adj[u].append(v)
    adj[v].append(u)


def height(u, parent):
    best = 0
    for v in adj[u]:
        if v != parent:
            best = max(best, height(v, u) + 1)
    return best


print(height(1, 0))
