#include <cstdio>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

const long long INF = 1e9;

int main() {
  int n, m;
  if (scanf("%d %d", &n, &m) != 2) return 0;
  std::vector<std::vector<std::pair<int, int>>> adj(n + 1);
  for (int j = 0; j < m; j++) {
    int u, v, w;
    scanf("%d %d %d", &u, &v, &w);
    adj[u].push_back({v, w});
    adj[v].push_back({u, w});
  }
  std::vector<long long> dist(n + 1, INF);
  std::priority_queue<std::pair<long long, int>, std::vector<std::pair<long long, int>>, std::greater<>> pq;
  dist[1] = 0;
  pq.push({0, 1});
  while (!pq.empty()) {
    auto [d, u] = pq.top();
    pq.pop();
    if (d != dist[u]) continue;
    for (auto [v, w] : adj[u])
      if (d + w < dist[v]) {
        dist[v] = d + w;
        pq.push({dist[v], v});
      }
  }
  printf("%lld\n", dist[n] == INF ? -1LL : dist[n]);
}
