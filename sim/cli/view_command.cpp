// `cohsim view RUN.events.jsonl -o lecture.html`: the classroom view of a run.
#include <iostream>

#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/view_page.hpp"

namespace cohsim {

namespace {

int run_view(const std::vector<std::string>& args) {
  CommandLine cl("cohsim view EVENTS.jsonl -o PAGE.html");
  cl.options()("output,o", boost::program_options::value<std::string>(), "the page to write (required)");
  cl.positional("events");
  if (!cl.parse(args)) return 0;
  if (!cl.has("output")) throw UsageError("cohsim view: give the page to write with -o PAGE.html");
  write_view_page(cl.str("events"), cl.str("output"));
  return 0;
}

}  // namespace

COHSIM_REGISTER(command_registry, "view", "write a run's classroom view: one self-contained HTML page",
                Command{{{"view EVENTS.jsonl -o PAGE.html",
                          "a page that steps through the run forward and back: cores, store buffers, caches, "
                          "messages, the protocol table (works offline; no server)"}},
                        run_view},
                0);

}  // namespace cohsim
