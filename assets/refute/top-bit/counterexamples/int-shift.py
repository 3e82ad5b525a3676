# 2^32 needs k = 32, but 1 << k is computed in a 32-bit int.
print(1)
print(2**32)
