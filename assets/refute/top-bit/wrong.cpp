#include <cstdio>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  for (int i = 0; i < n; i++) {
    long long a;
    scanf("%lld", &a);
    int k = 0;
    while ((1LL << (k + 1)) <= a) k++;
    printf("%lld%c", (long long)(1 << k), i + 1 == n ? '\n' : ' ');
  }
}
