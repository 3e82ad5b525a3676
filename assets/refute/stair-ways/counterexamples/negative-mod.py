# Replays the C++ arithmetic (% truncates toward zero) to find the first n where the printed
# count for k = 3 is negative; the true count is always in [0, MOD).
MOD = 10**9 + 7
k = 3


def cmod(a):
    r = abs(a) % MOD
    return -r if a < 0 else r


ways, prefix = [1], [0, 1]
for i in range(1, 100001):
    ways.append(cmod(prefix[i] - prefix[max(0, i - k)]))
    prefix.append(cmod(prefix[i] + ways[i]))
    if ways[i] < 0 and i >= k:
        print(i, k)
        break
