import sys

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
a = data[2:2 + n]
count = {}
for x in a[:k]:
    count[x] = count.get(x, 0) + 1
total = len(count)
for i in range(k, n):
    out = a[i - k]
    c = count[out] - 1
    if c:
        count[out] = c
    else:
        del count[out]
    count[a[i]] = count.get(a[i], 0) + 1
    total += len(count)
print(total)
