// The `dram` section of a configuration turned into controller parameters: the preset,
// then every field the configuration overrides.
#pragma once
#include <string>

#include "sim/config/config.hpp"
#include "sim/memory/dram/dram_controller.hpp"

namespace cohsim {

// UserError (naming the key's file and line) when the result is inconsistent.
DramControllerParams dram_params(const Config& cfg);

// "" when the dram section gives a consistent device and controller (and, with
// memory.model dram, a burst the size of a cache line); else the problem, and in
// `blame` the key to point at. Config's cross-checks call it.
std::string dram_config_problem(const Config& cfg, std::string& blame);

}  // namespace cohsim
