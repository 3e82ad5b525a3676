# One line costing 10^9: the "infinity" of 10^9 is not larger than a real route.
print(2, 1)
print(1, 2, 10**9)
