import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
a = sorted((x.decode() for x in data[1:1 + n]), reverse=True)
s = ''.join(a)
print('0' if s[0] == '0' else s)
