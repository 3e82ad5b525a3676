#include <cstdio>
#include <vector>

const long long MOD = 1000000007;
int n;
std::vector<std::vector<int>> out;

long long routes(int u) {
  if (u == n) return 1;
  long long total = 0;
  for (int v : out[u]) total = (total + routes(v)) % MOD;
  return total;
}

int main() {
  int m;
  if (scanf("%d %d", &n, &m) != 2) return 0;
  out.assign(n + 1, {});
  for (int j = 0; j < m; j++) {
    int u, v;
    scanf("%d %d", &u, &v);
    out[u].push_back(v);
  }
  printf("%lld\n", routes(1));
}
