// `cohsim stress CONFIG`: random loads, stores and atomics on a few lines, every value checked.
#include <iostream>

#include "sim/cli/command.hpp"
#include "sim/config/config.hpp"
#include "sim/system/stress.hpp"

namespace cohsim {

namespace {

int run_stress_command(const std::vector<std::string>& args) {
  CommandLine cl("cohsim stress CONFIG [--ops N] [--seed S] [--lines L] [--no-steer] [--prefetch LIST] [--set KEY=VALUE]... [--json]",
                 "Random loads, stores and atomics from every core on a few lines; every value a load\n"
                 "returns is checked against a reference. Exit status 4 when one is wrong.");
  cl.options()("ops", count_value(100000), "operations in all, split over the cores")(
      "seed", count_value(0), "seed of the random operations and timing")("lines", count_value(8),
                                                                          "distinct lines the cores contend for");
  cl.options()("no-steer", "the plain random mix throughout (by default the tester steers itself toward the "
                             "table cells still unhit after its first 65,536 operations)");
  cl.options()("prefetch", boost::program_options::value<std::string>(),
                "prefetchers on every private level (l1d.prefetcher, and l2.prefetcher when the L2 is private): "
                "a name or a comma-separated list, e.g. next_line,stream; their prefetches race with the "
                "random operations and the checker covers them");
  cl.add_set("cores=8");
  cl.add_json("print the result as JSON");
  cl.positional("config");
  if (!cl.parse(args)) return 0;
  StressOptions so;
  so.ops = cl.count("ops", 1);
  so.seed = cl.count("seed");
  so.lines = unsigned(cl.count("lines", 1, 1u << 20));
  so.steer = !cl.has("no-steer");
  if (cl.has("prefetch")) so.prefetch = cl.vm()["prefetch"].as<std::string>();
  const StressResult r = run_stress(cl.config(), so);
  std::cout << (cl.json() ? r.to_json() : r.to_text());
  return r.violation.empty() ? 0 : 4;
}

}  // namespace

COHSIM_REGISTER(command_registry, "stress", "random operations on a few lines, every value checked",
                Command{{{"stress CONFIG", "random loads, stores and atomics on a few lines, every value checked"}},
                        run_stress_command},
                3);

}  // namespace cohsim
