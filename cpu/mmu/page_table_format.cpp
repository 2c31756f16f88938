#include "cpu/mmu/page_table_format.hpp"

#include "sim/base/registry.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

namespace {

constexpr std::uint64_t bit(unsigned n) { return std::uint64_t(1) << n; }
// Physical address bits 12..51 of an entry (x86, and RISC-V's PPN after the shift).
constexpr std::uint64_t kFrameMask = ((std::uint64_t(1) << 52) - 1) & ~std::uint64_t(0xfff);

// x86-64 (SDM vol. 3A, 4.5): P, R/W, U/S, A, D, PS.
constexpr std::uint64_t kX86P = bit(0), kX86RW = bit(1), kX86US = bit(2), kX86A = bit(5), kX86D = bit(6),
                        kX86PS = bit(7);
// AArch64 VMSAv8-64 descriptors (Arm ARM D8.3): valid, table/page, AP[1] (EL0), AP[2] (read-only), SH inner, AF.
constexpr std::uint64_t kArmValid = bit(0), kArmTable = bit(1), kArmAp1 = bit(6), kArmAp2 = bit(7),
                        kArmShInner = bit(8) | bit(9), kArmAf = bit(10);
constexpr std::uint64_t kArmOaMask = ((std::uint64_t(1) << 48) - 1) & ~std::uint64_t(0xfff);
// RISC-V privileged spec, 4.3-4.5: V R W X U G A D, PPN from bit 10.
constexpr std::uint64_t kRvV = bit(0), kRvR = bit(1), kRvW = bit(2), kRvX = bit(3), kRvU = bit(4), kRvA = bit(6),
                        kRvD = bit(7);

}  // namespace

const PageTableFormat* PageTableFormat::find(const std::string& name) {
  static const PageTableFormat formats[] = {
      {"x86-4level", Kind::X86, 4, 48, bit(47)}, {"x86-5level", Kind::X86, 5, 57, bit(56)},
      {"arm-4k", Kind::Arm, 4, 48, bit(48)},     {"sv39", Kind::RiscV, 3, 39, bit(38)},
      {"sv48", Kind::RiscV, 4, 48, bit(47)},
  };
  for (const auto& f : formats)
    if (f.name_ == name) return &f;
  return nullptr;
}

std::vector<std::string> PageTableFormat::names() { return {"x86-4level", "x86-5level", "arm-4k", "sv39", "sv48"}; }

namespace {
// vm.format's names: auto, then the formats.
const bool formats_listed = [] {
  int rank = 0;
  plugin_index_add("vm.format", PluginInfo{"auto", "the ISA's usual format", rank++});
  for (const auto& n : PageTableFormat::names()) plugin_index_add("vm.format", PluginInfo{n, "", rank++});
  return true;
}();
}  // namespace

// A page-table format belongs to one ISA.
COHSIM_REGISTER(config_rules, "vm.format", "vm.format is a page-table format of the isa",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  const std::string& format = cfg.choice("vm.format");
                  const std::string& isa = cfg.choice("isa");
                  if (format == "auto") return std::string();
                  const PageTableFormat* f = PageTableFormat::find(format);
                  if (!f) throw std::logic_error("vm.format " + format + " is listed but not defined");
                  if (f->isa() == isa) return std::string();
                  std::string valid = "auto";
                  for (const std::string& n : PageTableFormat::names())
                    if (PageTableFormat::find(n)->isa() == isa) valid += ", " + n;
                  blame = cfg.given("vm.format") ? "vm.format" : "isa";
                  return "vm.format: " + format + " is a page-table format of isa " + f->isa() + ", but isa is " +
                         isa + "; for isa " + isa + " use one of: " + valid;
                }});

const std::string& PageTableFormat::auto_for_isa(const std::string& isa) {
  static const std::string x86 = "x86-4level", arm = "arm-4k", rv = "sv39";
  return isa == "arm" ? arm : isa == "riscv" ? rv : x86;
}

const char* PageTableFormat::isa() const {
  switch (kind_) {
    case Kind::X86: return "x86";
    case Kind::Arm: return "arm";
    case Kind::RiscV: return "riscv";
  }
  return "?";
}

std::uint64_t PageTableFormat::encode_table(Addr next) const {
  switch (kind_) {
    case Kind::X86: return (next & kFrameMask) | kX86P | kX86RW | kX86US | kX86A;
    case Kind::Arm: return (next & kArmOaMask) | kArmValid | kArmTable;
    case Kind::RiscV: return ((next >> 12) << 10) | kRvV;
  }
  return 0;
}

std::uint64_t PageTableFormat::encode_leaf(Addr frame, unsigned level, bool writable) const {
  const bool last = level == levels_ - 1;
  // Accessed (and, when writable, Dirty) are set when the entry is made, so the
  // walker never has to write them back.
  switch (kind_) {
    case Kind::X86:
      return (frame & kFrameMask) | kX86P | kX86US | kX86A | (writable ? kX86RW | kX86D : 0) | (last ? 0 : kX86PS);
    case Kind::Arm:
      return (frame & kArmOaMask) | kArmValid | (last ? kArmTable : 0) | kArmAp1 | (writable ? 0 : kArmAp2) |
             kArmShInner | kArmAf;
    case Kind::RiscV: return ((frame >> 12) << 10) | kRvV | kRvR | kRvU | kRvA | (writable ? kRvW | kRvD : 0);
  }
  return 0;
}

DecodedPte PageTableFormat::decode(std::uint64_t pte, unsigned level) const {
  DecodedPte d;
  const bool last = level == levels_ - 1;
  // Leaves above these levels do not exist (a 512 GiB page): treated as invalid.
  const bool block_ok = level + 2 >= levels_ - 1 && !last;  // the 1 GiB and 2 MiB levels
  switch (kind_) {
    case Kind::X86:
      if (!(pte & kX86P)) return d;
      d.pa = pte & kFrameMask;
      if (last || (pte & kX86PS)) {
        if (!last && !block_ok) return d;
        d.kind = PteKind::Leaf;
        d.writable = pte & kX86RW;
      } else {
        d.kind = PteKind::Table;
      }
      return d;
    case Kind::Arm:
      if (!(pte & kArmValid)) return d;
      d.pa = pte & kArmOaMask;
      if (last) {
        if (!(pte & kArmTable)) return d;  // 01 at level 3 is reserved: invalid
        d.kind = PteKind::Leaf;
      } else if (pte & kArmTable) {
        d.kind = PteKind::Table;
        return d;
      } else {
        if (!block_ok) return d;
        d.kind = PteKind::Leaf;
      }
      d.writable = !(pte & kArmAp2);
      return d;
    case Kind::RiscV:
      if (!(pte & kRvV)) return d;
      d.pa = ((pte >> 10) << 12) & kFrameMask;
      if (!(pte & (kRvR | kRvW | kRvX))) {
        if (last) return d;  // a pointer at the last level is a page fault
        d.kind = PteKind::Table;
        return d;
      }
      if (!last && !block_ok) return d;
      d.kind = PteKind::Leaf;
      d.writable = pte & kRvW;
      return d;
  }
  return d;
}

}  // namespace cohsim
