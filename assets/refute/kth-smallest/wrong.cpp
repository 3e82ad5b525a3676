#include <cstdio>
#include <utility>
#include <vector>

int main() {
  int n, k;
  if (scanf("%d %d", &n, &k) != 2) return 0;
  std::vector<int> a(n);
  for (auto &x : a) scanf("%d", &x);
  // Quickselect: expected linear time.
  int lo = 0, hi = n - 1, want = k - 1;
  while (lo < hi) {
    int pivot = a[lo], store = lo;
    for (int i = lo + 1; i <= hi; i++)
      if (a[i] < pivot) std::swap(a[++store], a[i]);
    std::swap(a[lo], a[store]);
    if (store == want) break;
    if (store < want) lo = store + 1;
    else hi = store - 1;
  }
  printf("%d\n", a[want]);
}
