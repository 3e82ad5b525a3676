import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
adj = [[] for _ in range(n + 1)]
for j in range(n - 1):
    u, v = int(data[1 + 2 * j]), int(data[2 + 2 * j])
    adj[u].append(v)
    adj[v].append(u)
depth = [-1] * (n + 1)
depth[1] = 0
queue = [1]
for u in queue:
    for v in adj[u]:
        if depth[v] < 0:
            depth[v] = depth[u] + 1
            queue.append(v)
print(max(depth))
