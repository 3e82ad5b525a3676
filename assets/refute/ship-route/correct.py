import heapq
import sys

data = sys.stdin.buffer.read().split()
n, m = int(data[0]), int(data[1])
adj = [[] for _ in range(n + 1)]
for j in range(m):
    u, v, w = int(data[2 + 3 * j]), int(data[3 + 3 * j]), int(data[4 + 3 * j])
    adj[u].append((v, w))
    adj[v].append((u, w))
dist = [None] * (n + 1)
dist[1] = 0
heap = [(0, 1)]
while heap:
    d, u = heapq.heappop(heap)
    if d != dist[u]:
        continue
    for v, w in adj[u]:
        if dist[v] is None or d + w < dist[v]:
            dist[v] = d + w
            heapq.heappush(heap, (d + w, v))
print(-1 if dist[n] is None else dist[n])
