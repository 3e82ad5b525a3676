#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
  int n;
  long long m;
  if (scanf("%d %lld", &n, &m) != 2) return 0;
  std::vector<long long> t(n);
  for (auto &x : t) scanf("%lld", &x);
  long long lo = 0, hi = *std::min_element(t.begin(), t.end()) * m;  // the fastest machine alone suffices by hi
  while (hi - lo > 1) {
    long long mid = lo + (hi - lo) / 2, made = 0;
    for (long long x : t) {
      made += mid / x;
      if (made >= m) break;  // stop before the sum can overflow
    }
    (made >= m ? hi : lo) = mid;
  }
  printf("%lld\n", hi);
}
