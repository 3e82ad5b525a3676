import sys

MOD = 10**9 + 7
data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
out = [[] for _ in range(n + 1)]
for j in range(m):
    out[int(data[2 + 2 * j])].append(int(data[3 + 2 * j]))
ways = [0] * (n + 1)
ways[1] = 1
for u in range(1, n + 1):  # u < v on every trail, so increasing order is a topological order
    w = ways[u]
    if w:
        for v in out[u]:
            ways[v] = (ways[v] + w) % MOD
print(ways[n])
