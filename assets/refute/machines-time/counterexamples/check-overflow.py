# 20 one-second machines: at the first probe T = 5·10^17 the count 10^19 overflows a long long.
n = 20
print(n, 10**9)
print(' '.join(['1'] * n))
