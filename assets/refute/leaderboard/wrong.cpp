#include <algorithm>
#include <cstdio>
#include <vector>

struct Team {
  long long solved, penalty;
  int id;
};

int main() {
  int n, k;
  if (scanf("%d %d", &n, &k) != 2) return 0;
  std::vector<Team> t(n);
  for (int i = 0; i < n; i++) {
    scanf("%lld %lld", &t[i].solved, &t[i].penalty);
    t[i].id = i + 1;
  }
  // Teams are read in number order, so equal teams "already" sit smallest number first.
  std::sort(t.begin(), t.end(), [](const Team &a, const Team &b) {
    if (a.solved != b.solved) return a.solved > b.solved;
    return a.penalty < b.penalty;
  });
  for (int i = 0; i < k; i++) printf("%d%c", t[i].id, i + 1 == k ? '\n' : ' ');
}
