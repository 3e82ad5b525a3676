from math import isqrt

l, r = map(int, input().split())
print(isqrt(r) - isqrt(l - 1))
