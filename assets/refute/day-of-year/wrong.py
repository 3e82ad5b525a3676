y, m, d = map(int, input().split())
leap = y % 4 == 0 and y % 100 != 0
months = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
print(sum(months[:m - 1]) + d)
