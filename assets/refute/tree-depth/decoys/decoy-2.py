# A large but flat family: everyone is a child of the founder.
n = 50000
print(n)
for i in range(2, n + 1):
    print(1, i)
