#include <algorithm>
#include <climits>
#include <cstdio>
#include <vector>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  std::vector<long long> x(n);
  for (auto &v : x) scanf("%lld", &v);
  std::sort(x.begin(), x.end());
  long long best = LLONG_MAX;
  for (int i = 0; i + 1 < n; i++) best = std::min(best, x[i + 1] - x[i]);
  printf("%lld\n", best);
}
