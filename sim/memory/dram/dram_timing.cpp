#include "sim/memory/dram/dram_timing.hpp"

#include <algorithm>

#include "sim/base/registry.hpp"

namespace cohsim {

const std::vector<DramField>& dram_fields() {
  using T = DramTiming;
  static const std::vector<DramField> f = {
      {"ranks", &T::ranks, false, "ranks per channel"},
      {"bank_groups", &T::bank_groups, false, "bank groups per rank"},
      {"banks_per_group", &T::banks_per_group, false, "banks in each bank group"},
      {"rows", &T::rows, false, "rows per bank"},
      {"columns", &T::columns, false, "columns per row (each bus_width bits wide)"},
      {"bus_width", &T::bus_width, false, "data bits of one channel"},
      {"burst_length", &T::burst_length, false, "beats per column access (8 for DDR4, 16 for DDR5)"},
      {"CL", &T::CL, true, "CAS latency: RD to the first data beat (tAA)"},
      {"CWL", &T::CWL, true, "CAS write latency: WR to the first data beat"},
      {"tRCD", &T::tRCD, true, "ACT to RD or WR, same bank"},
      {"tRP", &T::tRP, true, "PRE to ACT, same bank"},
      {"tRAS", &T::tRAS, true, "ACT to PRE, same bank"},
      {"tRC", &T::tRC, true, "ACT to ACT, same bank"},
      {"tCCD_S", &T::tCCD_S, true, "RD to RD or WR to WR, different bank group"},
      {"tCCD_L", &T::tCCD_L, true, "RD to RD (and WR to WR on DDR4), same bank group"},
      {"tCCD_L_WR", &T::tCCD_L_WR, true, "WR to WR, same bank group (DDR5; equals tCCD_L on DDR4)"},
      {"tRRD_S", &T::tRRD_S, true, "ACT to ACT, different bank group, same rank"},
      {"tRRD_L", &T::tRRD_L, true, "ACT to ACT, same bank group"},
      {"tFAW", &T::tFAW, true, "four-activate window: at most 4 ACTs per rank in any tFAW"},
      {"tWR", &T::tWR, true, "write recovery: end of write data to PRE, same bank"},
      {"tWTR_S", &T::tWTR_S, true, "end of write data to RD, different bank group"},
      {"tWTR_L", &T::tWTR_L, true, "end of write data to RD, same bank group"},
      {"tRTP", &T::tRTP, true, "RD to PRE, same bank"},
      {"tRFC", &T::tRFC, true, "refresh cycle: REF to the next ACT of the rank"},
      {"tREFI", &T::tREFI, true, "refresh interval: one REF per rank every tREFI on average"},
      {"tRTRS", &T::tRTRS, true, "rank-to-rank switch: idle data-bus cycles between bursts of different ranks"},
  };
  return f;
}

namespace {
// The fields become configuration keys (dram.tRCD, ...): list them for the config.
const bool fields_listed = [] {
  int rank = 0;
  for (const DramField& f : dram_fields())
    plugin_index_add("dram.field", PluginInfo{f.name, f.description, rank++, f.timing ? "DRAM cycles" : ""});
  return true;
}();
}  // namespace

namespace {

// The timing of each preset is the JEDEC speed bin's, converted to clocks with the
// standard's rounding (nCK = ceil(t / tCK) after its 2.5% guard band); where a
// parameter is max(n nCK, t ns) the larger is taken. The organisation is that of the
// named device.
std::vector<DramTiming> make_presets() {
  std::vector<DramTiming> v;
  {
    DramTiming t;
    t.name = "DDR4-2400";
    t.device = "8Gb x8 (MT40A1G8), one rank of 8 devices on a 64-bit channel";
    t.source =
        "JEDEC JESD79-4B speed bin DDR4-2400R (16-16-16, tCK 0.833 ns, CWL 12) and its AC timing table "
        "(tRAS 32 ns, tCCD_L 5 ns, tRRD_S/L 3.3/4.9 ns and tFAW 21 ns for 1 KB pages, tWR 15 ns, "
        "tWTR_S/L 2.5/7.5 ns, tRTP 7.5 ns, tRFC 350 ns for 8 Gb, tREFI 7.8 us); Micron MT40A1G8 "
        "datasheet (-083E) for the organisation: 4 bank groups x 4 banks, 64K rows, 1K columns";
    t.tCK_ps = 833;
    t.CL = 16, t.CWL = 12, t.tRCD = 16, t.tRP = 16, t.tRAS = 39, t.tRC = 55;
    t.tCCD_S = 4, t.tCCD_L = 6, t.tCCD_L_WR = 6, t.tRRD_S = 4, t.tRRD_L = 6, t.tFAW = 26;
    t.tWR = 18, t.tWTR_S = 3, t.tWTR_L = 9, t.tRTP = 9, t.tRFC = 420, t.tREFI = 9363;
    v.push_back(t);
  }
  {
    DramTiming t;
    t.name = "DDR4-3200";
    t.device = "8Gb x8 (MT40A1G8), one rank of 8 devices on a 64-bit channel";
    t.source =
        "JEDEC JESD79-4B speed bin DDR4-3200AA (22-22-22, tCK 0.625 ns, CWL 16) and its AC timing table "
        "(tRAS 32 ns, tCCD_L 5 ns, tRRD_S/L 2.5/4.9 ns and tFAW 21 ns for 1 KB pages, tWR 15 ns, "
        "tWTR_S/L 2.5/7.5 ns, tRTP 7.5 ns, tRFC 350 ns for 8 Gb, tREFI 7.8 us); Micron MT40A1G8 "
        "datasheet (-062E) for the organisation";
    t.tCK_ps = 625;
    t.CL = 22, t.CWL = 16, t.tRCD = 22, t.tRP = 22, t.tRAS = 52, t.tRC = 74;
    t.tCCD_S = 4, t.tCCD_L = 8, t.tCCD_L_WR = 8, t.tRRD_S = 4, t.tRRD_L = 8, t.tFAW = 34;
    t.tWR = 24, t.tWTR_S = 4, t.tWTR_L = 12, t.tRTP = 12, t.tRFC = 560, t.tREFI = 12480;
    v.push_back(t);
  }
  {
    DramTiming t;
    t.name = "DDR5-4800";
    t.device = "16Gb x8, one rank of 4 devices on a 32-bit subchannel (a DIMM has two: set channels: 2)";
    t.source =
        "JEDEC JESD79-5B speed bin DDR5-4800B (40-39-39, tCK 0.416 ns, CWL = CL-2) and its AC timing "
        "table for 16 Gb x8 (tRAS 32 ns, tCCD_L 5 ns, tCCD_L_WR 20 ns, tRRD_L 5 ns, tFAW 13.333 ns, "
        "tWR 30 ns, tWTR_S/L 2.5/10 ns, tRTP 7.5 ns, tRFC1 295 ns, tREFI 3.9 us); organisation: "
        "8 bank groups x 4 banks, 64K rows, 1K columns, BL16";
    t.tCK_ps = 416;
    t.bank_groups = 8, t.banks_per_group = 4, t.rows = 65536, t.columns = 1024;
    t.bus_width = 32, t.burst_length = 16;
    t.CL = 40, t.CWL = 38, t.tRCD = 39, t.tRP = 39, t.tRAS = 77, t.tRC = 116;
    t.tCCD_S = 8, t.tCCD_L = 12, t.tCCD_L_WR = 48, t.tRRD_S = 8, t.tRRD_L = 12, t.tFAW = 32;
    t.tWR = 72, t.tWTR_S = 6, t.tWTR_L = 24, t.tRTP = 18, t.tRFC = 708, t.tREFI = 9360;
    v.push_back(t);
  }
  return v;
}

bool pow2(unsigned x) { return x && (x & (x - 1)) == 0; }

}  // namespace

const std::vector<DramTiming>& dram_presets() {
  static const std::vector<DramTiming> p = make_presets();
  return p;
}

std::vector<std::string> dram_preset_names() {
  std::vector<std::string> n;
  for (const auto& p : dram_presets()) n.push_back(p.name);
  return n;
}

namespace {
const bool presets_listed = [] {
  int rank = 0;
  for (const auto& p : dram_presets())
    plugin_index_add("dram.preset", PluginInfo{p.name, "JEDEC speed bin " + p.name + " (docs/dram.md)", rank++});
  return true;
}();
}  // namespace

const DramTiming* find_dram_preset(const std::string& name) {
  for (const auto& p : dram_presets())
    if (p.name == name) return &p;
  return nullptr;
}

std::string DramTiming::problems() const {
  std::string out;
  auto need = [&](bool ok, const std::string& why) {
    if (!ok) out += (out.empty() ? "" : "\n") + why;
  };
  for (const auto& f : dram_fields())
    if (f.member != &DramTiming::tRTRS) need(this->*f.member > 0, std::string(f.name) + " must be at least 1");
  if (!out.empty()) return out;
  need(tCK_ps > 0, "tCK must be greater than zero");
  need(pow2(bank_groups) && pow2(banks_per_group) && pow2(rows) && pow2(columns) && pow2(ranks),
       "ranks, bank_groups, banks_per_group, rows and columns must be powers of two (the address bits "
       "are split between them)");
  need(bus_width % 8 == 0, "bus_width must be a whole number of bytes");
  need(burst_length % 2 == 0, "burst_length must be even (two beats per clock)");
  need(columns % burst_length == 0 && columns >= burst_length, "columns must be a multiple of burst_length");
  need(tRC >= tRAS + tRP,
       "tRC (" + std::to_string(tRC) + ") must be at least tRAS + tRP (" + std::to_string(tRAS + tRP) + ")");
  need(tRAS >= tRCD, "tRAS must be at least tRCD");
  need(tCCD_S >= burst_cycles(), "tCCD_S (" + std::to_string(tCCD_S) + ") must be at least the burst, " +
                                     std::to_string(burst_cycles()) + " cycles (BL/2), or bursts would overlap");
  need(tCCD_L >= tCCD_S, "tCCD_L must be at least tCCD_S");
  need(tCCD_L_WR >= tCCD_S, "tCCD_L_WR must be at least tCCD_S");
  need(tRRD_L >= tRRD_S, "tRRD_L must be at least tRRD_S");
  need(tWTR_L >= tWTR_S, "tWTR_L must be at least tWTR_S");
  need(tREFI > tRFC, "tREFI (" + std::to_string(tREFI) + ") must be greater than tRFC (" + std::to_string(tRFC) + ")");
  need(ranks <= 16 && bank_groups <= 16 && banks_per_group <= 16,
       "at most 16 ranks, 16 bank_groups and 16 banks_per_group");
  return out;
}

}  // namespace cohsim
