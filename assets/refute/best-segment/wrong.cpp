#include <algorithm>
#include <cstdio>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  long long best = 0, cur = 0;
  for (int i = 0; i < n; i++) {
    long long a;
    scanf("%lld", &a);
    cur = std::max(0LL, cur + a);
    best = std::max(best, cur);
  }
  printf("%lld\n", best);
}
