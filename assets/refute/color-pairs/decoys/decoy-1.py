# 46341 socks of one colour: 46341·46340 = 2147441940 still fits in a 32-bit int.
n = 46341
print(n)
print(' '.join(['1'] * n))
