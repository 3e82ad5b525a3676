import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
print(' '.join(str(1 << (int(x).bit_length() - 1)) for x in data[1:1 + n]))
