# Every month is a loss: the best season is the smallest loss, not an empty season worth 0.
print(3)
print(-5, -2, -9)
