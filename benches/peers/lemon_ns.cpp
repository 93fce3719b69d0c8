// Times LEMON's NetworkSimplex (Debian liblemon-dev 1.3.1) on a DIMACS `p min` file: median of
// 5 runs of run() only (the graph is read once). Prints: file,lemon.NetworkSimplex,median,5,cost
//   g++ -O2 -o target/lemon_ns benches/peers/lemon_ns.cpp -llemon
// and with 32-bit flows and costs (LEMON's own default types):
//   g++ -O2 -DVALUE=int -o target/lemon_ns_int benches/peers/lemon_ns.cpp -llemon
#include <lemon/smart_graph.h>
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <fstream>
#include <iostream>
#include <chrono>
#include <vector>
#include <algorithm>
using namespace lemon;
#ifndef VALUE
#define VALUE long long
#endif
typedef VALUE V;
int main(int argc, char** argv) {
  std::ifstream in(argv[1]);
  SmartDigraph g;
  SmartDigraph::ArcMap<V> lower(g), cap(g), cost(g);
  SmartDigraph::NodeMap<V> sup(g);
  readDimacsMin(in, g, lower, cap, cost, sup);
  std::vector<double> ts;
  long long total = 0;
  for (int r = 0; r < 5; ++r) {
    NetworkSimplex<SmartDigraph, V, V> ns(g);
    ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
    auto t0 = std::chrono::steady_clock::now();
    auto st = ns.run();
    auto t1 = std::chrono::steady_clock::now();
    if (st != NetworkSimplex<SmartDigraph, V, V>::OPTIMAL) { std::cerr << "status " << st << "\n"; return 1; }
    total = ns.totalCost<long long>();
    ts.push_back(std::chrono::duration<double>(t1 - t0).count());
  }
  std::sort(ts.begin(), ts.end());
  std::cout << argv[1] << ",lemon.NetworkSimplex," << ts[2] << ",5," << total << "\n";
}
