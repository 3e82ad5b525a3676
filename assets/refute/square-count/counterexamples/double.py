# 10^18 − 1 rounds to 10^18 as a double, whose square root is exactly 10^9.
x = 10**18 - 1
print(x, x)
