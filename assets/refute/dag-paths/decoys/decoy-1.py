# A long chain with a few shortcuts: only a handful of routes.
n = 2000
edges = [(i, i + 1) for i in range(1, n)] + [(1, 500), (600, 1500), (10, 11)]
print(n, len(edges))
for u, v in edges:
    print(u, v)
