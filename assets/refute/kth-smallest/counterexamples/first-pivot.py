# Sorted input makes the first-element pivot the worst possible: each pass removes one element.
n = 200000
print(n, n)
print(' '.join(map(str, range(1, n + 1))))
