# Large, but each window has one stall: sorting windows costs nothing.
n = 200000
print(n, 1)
print(' '.join(str(i % 1000 + 1) for i in range(n)))
