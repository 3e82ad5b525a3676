#include <cstdio>
#include <map>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  std::map<int, int> count;
  for (int i = 0; i < n; i++) {
    int c;
    scanf("%d", &c);
    count[c]++;
  }
  long long pairs = 0;
  for (auto &[colour, c] : count) pairs += c * (c - 1) / 2;
  printf("%lld\n", pairs);
}
