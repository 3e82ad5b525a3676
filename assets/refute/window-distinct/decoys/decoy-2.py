# Large, but there is a single window of the whole street.
n = 200000
print(n, n)
print(' '.join(str(i * 7919 % 100003 + 1) for i in range(n)))
