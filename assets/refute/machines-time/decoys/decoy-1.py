# 18 one-second machines: 18 · 5·10^17 = 9·10^18 still fits in a long long.
n = 18
print(n, 10**9)
print(' '.join(['1'] * n))
