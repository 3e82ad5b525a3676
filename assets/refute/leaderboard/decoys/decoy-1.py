# Many teams, all with different results: ties never need breaking.
n = 1000
print(n, 10)
for i in range(n):
    print(i * 37 % 1000, i)
