# A random valid date.
import random
import sys

r = random.Random(int(sys.argv[1]))
y, m = r.randint(1, 9999), r.randint(1, 12)
leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
print(y, m, r.randint(1, days))
