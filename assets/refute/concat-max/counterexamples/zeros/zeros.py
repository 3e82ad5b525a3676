# Every plate shows zero: the banner must read 0, not 00.
print(2)
print(0, 0)
