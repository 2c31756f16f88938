#include "sim/memory/dram/dram_config.hpp"

#include "sim/base/error.hpp"

namespace cohsim {

namespace {

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
  const std::string& page = cfg.choice("dram.page_policy");
  p.page_policy = page == "closed" ? PagePolicy::Closed : page == "adaptive" ? PagePolicy::Adaptive : PagePolicy::Open;
  p.scheduler = cfg.choice("dram.scheduler") == "fcfs" ? DramScheduler::Fcfs : DramScheduler::FrFcfs;
  p.read_queue = unsigned(cfg.integer("dram.read_queue"));
  p.write_queue = unsigned(cfg.integer("dram.write_queue"));
  p.write_high = unsigned(cfg.integer("dram.write_high"));
  p.write_low = unsigned(cfg.integer("dram.write_low"));
  p.refresh = cfg.flag("dram.refresh");
  return p;
}

}  // namespace

std::string dram_config_problem(const Config& cfg, std::string& blame) {
  const DramControllerParams p = build(cfg);
  std::string why = p.timing.problems();
  // Blame the first overridden field the problem names, else the preset.
  blame = "dram.preset";
  auto given = [&](const std::string& key) { return cfg.where(key) != "default"; };
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
    blame = "dram.write_high";
    return "dram.write_high (" + std::to_string(p.write_high) + ") cannot exceed dram.write_queue (" +
           std::to_string(p.write_queue) + ")";
  }
  if (p.write_low >= p.write_high) {
    blame = given("dram.write_low") ? "dram.write_low" : "dram.write_high";
    return "dram.write_low (" + std::to_string(p.write_low) + ") must be below dram.write_high (" +
           std::to_string(p.write_high) + ")";
  }
  if (cfg.choice("memory.model") == "dram" && p.timing.burst_bytes() != cfg.bytes("l1d.line_size")) {
    blame = "memory.model";
    return "memory.model dram: one burst of " + p.timing.name + " carries " + std::to_string(p.timing.burst_bytes()) +
           " bytes (bus_width " + std::to_string(p.timing.bus_width) + " bits x burst_length " +
           std::to_string(p.timing.burst_length) + ") but a cache line is " +
           std::to_string(cfg.bytes("l1d.line_size")) +
           "; they must be equal (set dram.bus_width or dram.burst_length, or l1d.line_size)";
  }
  return "";
}

DramControllerParams dram_params(const Config& cfg) {
  std::string blame;
  const std::string why = dram_config_problem(cfg, blame);
  if (!why.empty()) throw UserError(cfg.where(blame) + ": " + why);
  return build(cfg);
}

}  // namespace cohsim
