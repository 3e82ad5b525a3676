# Two charges of 10^5: the product 10^10 does not fit in a 32-bit int.
print(2)
print(100000, 100000)
