# 2000 is divisible by 400, so it is a leap year and 1 March is day 61.
print(2000, 3, 1)
