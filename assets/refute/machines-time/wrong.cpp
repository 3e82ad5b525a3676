#include <cstdio>
#include <vector>

int main() {
  int n;
  long long m;
  if (scanf("%d %lld", &n, &m) != 2) return 0;
  std::vector<long long> t(n);
  for (auto &x : t) scanf("%lld", &x);
  long long lo = 1, hi = 1000000000000000000LL;
  while (lo < hi) {
    long long mid = lo + (hi - lo) / 2, made = 0;
    for (long long x : t) made += mid / x;
    if (made >= m) hi = mid;
    else lo = mid + 1;
  }
  printf("%lld\n", lo);
}
