// DRAM-only request streams: generated (sequential, random, mixed) or read from a
// file, and the loop that runs one through a DramController, with back-pressure.
// `cohsim dram` and the benchmarks use them.
#pragma once
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "sim/memory/dram/dram_controller.hpp"

namespace cohsim {

struct DramStreamRequest {
  std::uint64_t line = 0;
  bool write = false;
  bool timed = false;  // arrives at `cycle`; else as soon as the controller has room
  std::uint64_t cycle = 0;
};

class DramRequestSource {
 public:
  virtual ~DramRequestSource() = default;
  virtual bool next(DramStreamRequest& r) = 0;
};

// `pattern`: seq (consecutive lines), random (uniform over the capacity), mix (half
// continue a sequential stream, half random). Each request is a write with
// probability `write_share`. gap > 0: request i arrives at cycle i * gap; 0: as soon
// as the controller has room. std::invalid_argument for an unknown pattern.
std::unique_ptr<DramRequestSource> generated_stream(const std::string& pattern, std::uint64_t count,
                                                    std::uint64_t capacity_lines, double write_share, std::uint64_t gap,
                                                    std::uint64_t seed);

// A file of one request per line: `R|W ADDRESS [CYCLE]` or DRAMsim3's
// `ADDRESS READ|WRITE CYCLE` (what gen_refs -f dram writes); ADDRESS a byte address,
// hex with 0x or decimal; CYCLE the arrival in DRAM clocks. `#` starts a comment.
// UserError naming the file and line on a malformed line.
std::unique_ptr<DramRequestSource> file_stream(const std::string& path, unsigned burst_bytes);

struct DramStreamResult {
  std::uint64_t requests = 0, reads = 0, writes = 0;
  std::uint64_t first_cycle = 0, end_cycle = 0;  // first arrival, last read data / last decision
};

// Runs every request of `src` through `c` and on until the controller is idle.
// Untimed requests arrive when fewer than `window` requests are waiting.
DramStreamResult run_dram_stream(DramController& c, DramRequestSource& src, std::uint64_t window);

// Lines the controller's channels hold in all.
std::uint64_t dram_capacity_lines(const DramControllerParams& p);

}  // namespace cohsim
