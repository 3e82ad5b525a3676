# More than 16 fully tied teams: std::sort leaves insertion sort and stops preserving input order.
n = 40
print(n, n)
for i in range(n):
    print(3, 100 if i % 3 else 90)
