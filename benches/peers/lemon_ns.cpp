// Times LEMON's NetworkSimplex (Debian liblemon-dev 1.3.1) on a DIMACS `p min` file, 5 times on
// the graph read once. Prints:
//   file,lemon.NetworkSimplex,median_run,5,cost,median_build_run,first_build_run
// median_run: run() only. build_run: the solver built from the graph (its arc order, and the
// bounds, costs and supplies copied in: what LEMON does before run()) and run(), the same span
// as the solve time `duijie solve` reports, which starts from the parsed network; first: the
// first of the five, in a process that has solved nothing yet, as `duijie solve` does.
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
  std::vector<double> ts, whole;
  long long total = 0;
  for (int r = 0; r < 5; ++r) {
    auto b0 = std::chrono::steady_clock::now();
    NetworkSimplex<SmartDigraph, V, V> ns(g);
    ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
    auto t0 = std::chrono::steady_clock::now();
    auto st = ns.run();
    auto t1 = std::chrono::steady_clock::now();
    if (st != NetworkSimplex<SmartDigraph, V, V>::OPTIMAL) { std::cerr << "status " << st << "\n"; return 1; }
    total = ns.totalCost<long long>();
    ts.push_back(std::chrono::duration<double>(t1 - t0).count());
    whole.push_back(std::chrono::duration<double>(t1 - b0).count());
  }
  double first = whole[0];
  std::sort(ts.begin(), ts.end());
  std::sort(whole.begin(), whole.end());
  std::cout << argv[1] << ",lemon.NetworkSimplex," << ts[2] << ",5," << total << "," << whole[2]
            << "," << first << "\n";
}
