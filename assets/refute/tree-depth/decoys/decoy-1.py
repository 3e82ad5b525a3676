# 3000 generations: deep, but within the recursion limit.
n = 3000
print(n)
for i in range(1, n):
    print(i + 1, i)
