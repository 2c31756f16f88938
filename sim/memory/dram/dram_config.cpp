#include "sim/memory/dram/dram_config.hpp"

#include "sim/base/error.hpp"
#include "sim/base/registry.hpp"
#include "sim/memory/memory_level.hpp"

namespace cohsim {

namespace {

const Choices<PagePolicy>& page_policies() {
  static const Choices<PagePolicy> c(
      "dram.page_policy",
      {{"open", PagePolicy::Open, "a row stays open until another row of its bank is needed"},
       {"closed", PagePolicy::Closed, "every access auto-precharges"},
       {"adaptive", PagePolicy::Adaptive, "an access auto-precharges unless a queued request wants the same row"}});
  return c;
}
COHSIM_REGISTER_CHOICES(page_policies);

const Choices<DramScheduler>& schedulers() {
  static const Choices<DramScheduler> c(
      "dram.scheduler",
      {{"fcfs", DramScheduler::Fcfs, "the oldest request whose next command is ready, requests to one bank in order"},
       {"frfcfs", DramScheduler::FrFcfs, "ready row hits first, then the oldest ready request"}});
  return c;
}
COHSIM_REGISTER_CHOICES(schedulers);

DramControllerParams build(const Config& cfg) {
  DramControllerParams p;
  p.timing = *find_dram_preset(cfg.choice("dram.preset"));
  const Latency tck = cfg.latency("dram.tCK");
  if (tck.value > 0) p.timing.tCK_ps = unsigned(tck.value / 1000.0 + 0.5);
  for (const DramField& f : dram_fields()) {
    const std::int64_t v = cfg.integer(std::string("dram.") + f.name);
    if (v > 0) p.timing.*f.member = unsigned(v);
  }
  p.channels = unsigned(cfg.integer("dram.channels"));
  p.mapping = cfg.choice("dram.mapping");
  p.page_policy = page_policies().value(cfg.choice("dram.page_policy"));
  p.scheduler = schedulers().value(cfg.choice("dram.scheduler"));
  p.read_queue = unsigned(cfg.integer("dram.read_queue"));
  p.write_queue = unsigned(cfg.integer("dram.write_queue"));
  p.write_high = unsigned(cfg.integer("dram.write_high"));
  p.write_low = unsigned(cfg.integer("dram.write_low"));
  p.refresh = cfg.flag("dram.refresh");
  p.read_forwarding = cfg.flag("dram.read_forwarding");
  p.read_merging = cfg.flag("dram.read_merging");
  p.write_merging = cfg.flag("dram.write_merging");
  return p;
}

}  // namespace

std::string dram_config_problem(const Config& cfg, std::string& blame) {
  const DramControllerParams p = build(cfg);
  std::string why = p.timing.problems();
  // Blame the first overridden field the problem names, else the preset.
  blame = "dram.preset";
  if (!why.empty()) {
    // An override is a field set to something other than 0 (= the preset's).
    for (const DramField& f : dram_fields()) {
      const std::string key = std::string("dram.") + f.name;
      if (why.find(f.name) != std::string::npos && cfg.integer(key) != 0) {
        blame = key;
        break;
      }
    }
    if (blame == "dram.preset" && cfg.latency("dram.tCK").value > 0) blame = "dram.tCK";
    return "dram (" + p.timing.name + "): " + why;
  }
  if (p.write_high > p.write_queue) {
    blame = cfg.blame({"dram.write_high", "dram.write_queue"});
    return "dram.write_high (" + std::to_string(p.write_high) + ") cannot exceed dram.write_queue (" +
           std::to_string(p.write_queue) + ")";
  }
  if (p.write_low >= p.write_high) {
    blame = cfg.blame({"dram.write_low", "dram.write_high"});
    return "dram.write_low (" + std::to_string(p.write_low) + ") must be below dram.write_high (" +
           std::to_string(p.write_high) + ")";
  }
  if (memory_models().value(cfg.choice("memory.model")) == MemoryModel::Dram && p.timing.burst_bytes() != cfg.bytes("l1d.line_size")) {
    blame = cfg.blame({"memory.model", "l1d.line_size", "dram.burst_length", "dram.bus_width", "dram.preset"});
    return "memory.model dram: one burst of " + p.timing.name + " carries " + std::to_string(p.timing.burst_bytes()) +
           " bytes (bus_width " + std::to_string(p.timing.bus_width) + " bits x burst_length " +
           std::to_string(p.timing.burst_length) + ") but a cache line is " +
           std::to_string(cfg.bytes("l1d.line_size")) +
           "; they must be equal (set dram.bus_width or dram.burst_length, or l1d.line_size)";
  }
  return "";
}

COHSIM_REGISTER(config_rules, "dram",
                "the dram section gives a consistent device and controller, and a burst the size of a line",
                ConfigRule{dram_config_problem});

DramControllerParams dram_params(const Config& cfg) {
  std::string blame;
  const std::string why = dram_config_problem(cfg, blame);
  if (!why.empty()) throw UserError(cfg.where(blame) + ": " + why);
  return build(cfg);
}

}  // namespace cohsim
