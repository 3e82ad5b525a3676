#include <algorithm>
#include <cstdio>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  long long best = 0, cur = 0;
  for (int i = 0; i < n; i++) {
    long long a;
    scanf("%lld", &a);
    cur = i == 0 ? a : std::max(cur + a, a);
    best = i == 0 ? cur : std::max(best, cur);
  }
  printf("%lld\n", best);
}
