# A single line of 10^4 generations: deeper than the recursion limit of 5000.
n = 10000
print(n)
for i in range(1, n):
    print(i, i + 1)
