#include <cstdio>
#include <vector>

const long long MOD = 1000000007;

int main() {
  int n, k;
  if (scanf("%d %d", &n, &k) != 2) return 0;
  std::vector<long long> ways(n + 1), prefix(n + 2);
  ways[0] = 1;
  prefix[1] = 1;
  for (int i = 1; i <= n; i++) {
    ways[i] = (prefix[i] - prefix[i - k > 0 ? i - k : 0]) % MOD;
    prefix[i + 1] = (prefix[i] + ways[i]) % MOD;
  }
  printf("%lld\n", ways[n]);
}
