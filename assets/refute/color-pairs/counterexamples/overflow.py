# 50000 socks of one colour: c·(c−1) = 2.5·10^9 overflows a 32-bit int.
n = 50000
print(n)
print(' '.join(['7'] * n))
