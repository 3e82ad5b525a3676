#include <cmath>
#include <cstdio>

int main() {
  long long l, r;
  if (scanf("%lld %lld", &l, &r) != 2) return 0;
  long long hi = (long long)std::floor(std::sqrt((double)r));
  long long lo = (long long)std::ceil(std::sqrt((double)l));
  printf("%lld\n", hi - lo + 1);
}
