// Provenance of a run: what produced a statistics JSON, in its "_provenance" member
// (kept apart from the statistics, so that two runs' statistics still compare byte for
// byte once it is dropped): the cohsim version and commit, the resolved configuration
// (`cohsim config show`'s YAML), the seed, the trace (absolute path, size, FNV-1a 64
// hash of its bytes), the run options, and the host's date and time. `cohsim run
// --from-stats FILE` reruns a run from it alone (docs/stats.md, README "Statistics").
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "sim/config/config.hpp"

namespace cohsim {

// What a run was asked to do, beyond the configuration.
struct RunRequest {
  std::string trace_path;       // as opened ("" or not a file: a trace made in memory)
  std::uint64_t max_cycles = 0;  // --max-cycles (0: the config's max_cycles)
  std::uint64_t warmup = 0;      // --warmup (0: none); recorded only when not 0
};

// FNV-1a 64 of a file's bytes and its size; UserError if it cannot be read.
struct FileDigest {
  std::uint64_t bytes = 0;
  std::uint64_t fnv1a64 = 0;
};
FileDigest digest_file(const std::string& path);
std::string hex64(std::uint64_t v);  // 16 lower-case hex digits

// The "_provenance" object. `host_time`: add "host_time" (UTC, ISO 8601).
nlohmann::ordered_json run_provenance(const Config& cfg, const RunRequest& req, bool host_time = true);

}  // namespace cohsim

namespace cohsim {

// `cohsim run --from-stats FILE`: the configuration and request recorded in FILE's
// "_provenance". UserError naming FILE when it has none, when the trace is gone, or
// when the trace's size or FNV-1a 64 hash differs from the recorded one.
Config config_from_provenance(const std::string& stats_path, RunRequest& req);

}  // namespace cohsim
