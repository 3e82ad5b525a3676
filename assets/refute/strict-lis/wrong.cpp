#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
  int n;
  if (scanf("%d", &n) != 1) return 0;
  std::vector<int> tails;
  for (int i = 0; i < n; i++) {
    int v;
    scanf("%d", &v);
    auto it = std::upper_bound(tails.begin(), tails.end(), v);
    if (it == tails.end()) tails.push_back(v);
    else *it = v;
  }
  printf("%zu\n", tails.size());
}
