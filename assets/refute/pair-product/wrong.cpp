#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  std::vector<int> a(n);
  for (auto &x : a) scanf("%d", &x);
  std::sort(a.begin(), a.end());
  long long best = std::max(a[0] * a[1], a[n - 1] * a[n - 2]);
  printf("%lld\n", best);
}
