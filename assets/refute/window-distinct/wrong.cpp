#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
  int n, k;
  if (scanf("%d %d", &n, &k) != 2) return 0;
  std::vector<int> a(n);
  for (auto &x : a) scanf("%d", &x);
  long long total = 0;
  std::vector<int> w(k);
  for (int i = 0; i + k <= n; i++) {
    std::copy(a.begin() + i, a.begin() + i + k, w.begin());
    std::sort(w.begin(), w.end());
    total += std::unique(w.begin(), w.end()) - w.begin();
  }
  printf("%lld\n", total);
}
