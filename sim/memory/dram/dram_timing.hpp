// A DRAM device and channel as a datasheet describes it: the organisation
// (channels, ranks, bank groups, banks, rows, columns, bus width, burst length) and
// the timing parameters of a speed bin, in DRAM clock cycles (tCK). Named presets
// carry the JEDEC speed-bin values and cite them; any field can be overridden by
// name (dram_fields() is the one list of names, used by the config keys, the
// overrides and the docs). validate() refuses combinations no device has.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

struct DramTiming {
  std::string name;    // "DDR4-3200"
  std::string source;  // where the numbers come from
  std::string device;  // "8Gb x8", what the geometry describes

  // Organisation of one channel.
  unsigned ranks = 1;
  unsigned bank_groups = 4;
  unsigned banks_per_group = 4;
  unsigned rows = 65536;
  unsigned columns = 1024;    // per row, each bus_width bits wide
  unsigned bus_width = 64;    // data bits of a channel
  unsigned burst_length = 8;  // beats per column access (BL8, BL16)

  // Clock period in picoseconds; the data rate is two beats per clock.
  unsigned tCK_ps = 625;

  // Timing, in DRAM clock cycles.
  unsigned CL = 22;        // RD to first data beat (tAA)
  unsigned CWL = 16;       // WR to first data beat
  unsigned tRCD = 22;      // ACT to RD/WR, same bank
  unsigned tRP = 22;       // PRE to ACT, same bank
  unsigned tRAS = 52;      // ACT to PRE, same bank
  unsigned tRC = 74;       // ACT to ACT, same bank
  unsigned tCCD_S = 4;     // RD to RD or WR to WR, different bank group
  unsigned tCCD_L = 8;     // RD to RD or WR to WR, same bank group
  unsigned tCCD_L_WR = 8;  // WR to WR, same bank group (DDR5 separates it; DDR4: = tCCD_L)
  unsigned tRRD_S = 4;     // ACT to ACT, different bank group
  unsigned tRRD_L = 8;     // ACT to ACT, same bank group
  unsigned tFAW = 34;      // window holding at most four ACTs per rank
  unsigned tWR = 24;       // end of write data to PRE, same bank
  unsigned tWTR_S = 4;     // end of write data to RD, different bank group
  unsigned tWTR_L = 12;    // end of write data to RD, same bank group
  unsigned tRTP = 12;      // RD to PRE, same bank
  unsigned tRFC = 560;     // REF to ACT (all-bank refresh)
  unsigned tREFI = 12480;  // average interval between REF commands, per rank
  unsigned tRTRS = 2;      // rank-to-rank switch on the data bus (controller setting)

  // Derived figures.
  unsigned burst_cycles() const { return burst_length / 2; }             // data bus cycles per access
  unsigned burst_bytes() const { return bus_width / 8 * burst_length; }  // bytes per column access
  unsigned lines_per_row() const { return columns / burst_length; }
  unsigned banks() const { return bank_groups * banks_per_group; }  // per rank
  Tick tck_ticks() const { return Tick(tCK_ps) * 1000; }
  // Peak bandwidth of one channel: bus width × two transfers per clock.
  double peak_bytes_per_second() const { return double(bus_width / 8) * 2.0 * 1e12 / double(tCK_ps); }
  // Read-to-write turnaround on the data bus: the write's data may start two
  // cycles (bus turnaround and preamble) after the read's data ends.
  unsigned read_to_write() const { return CL + burst_cycles() + 2 > CWL ? CL + burst_cycles() + 2 - CWL : 1; }

  // "" when consistent, else every problem, one per line, naming the fields.
  std::string problems() const;
};

// One named field of DramTiming (organisation or timing), for overrides and docs.
struct DramField {
  const char* name;  // "tRCD", "bank_groups"
  unsigned DramTiming::*member;
  bool timing;  // a timing in cycles (true) or an organisation count
  const char* description;
};
const std::vector<DramField>& dram_fields();

// The presets, by name ("DDR4-2400", "DDR4-3200", "DDR5-4800").
const std::vector<DramTiming>& dram_presets();
std::vector<std::string> dram_preset_names();
const DramTiming* find_dram_preset(const std::string& name);  // nullptr if unknown

}  // namespace cohsim
