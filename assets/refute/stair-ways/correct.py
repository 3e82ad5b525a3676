MOD = 10**9 + 7
n, k = map(int, input().split())
ways = [0] * (n + 1)
prefix = [0] * (n + 2)  # prefix[i] = ways[0] + ... + ways[i - 1]
ways[0] = 1
prefix[1] = 1
for i in range(1, n + 1):
    ways[i] = (prefix[i] - prefix[max(0, i - k)]) % MOD
    prefix[i + 1] = (prefix[i] + ways[i]) % MOD
print(ways[n])
