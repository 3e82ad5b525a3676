# A ladder: trails i -> i+1 and i -> i+2 give Fibonacci-many routes, each walked one by one.
n = 90
edges = [(i, i + 1) for i in range(1, n)] + [(i, i + 2) for i in range(1, n - 1)]
print(n, len(edges))
for u, v in edges:
    print(u, v)
