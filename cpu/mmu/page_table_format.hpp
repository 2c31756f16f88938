// The radix page-table formats of the three ISAs, as the hardware walker sees them:
// how many levels, which virtual-address bits index each level, and how a 64-bit
// entry encodes a next-level table, a leaf (a 4 KiB page, or a 2 MiB / 1 GiB block)
// or nothing. Every format here has 4 KiB tables of 512 eight-byte entries, so a
// level consumes 9 bits of the virtual address above the 12-bit page offset.
//
//   x86-4level  PML4 → PDPT → PD → PT       48-bit VA; P, R/W, U/S, A, D, PS (bit 7) marks a 1 GiB / 2 MiB leaf
//   x86-5level  PML5 → PML4 → PDPT → PD → PT 57-bit VA
//   arm-4k      L0 → L1 → L2 → L3 (AArch64, 4 KiB granule, TTBR0, 48-bit VA): bits[1:0] 11 = table
//               (L0-L2) or page (L3), 01 = block (L1: 1 GiB, L2: 2 MiB); AP[2] (bit 7) = read-only; AF (bit 10)
//   sv39, sv48  RISC-V: V, R, W, X, U, A, D; R|W|X = 0 is a pointer to the next level; PPN at bit 10
//
// A user-space address must lie in the lower half of the format's address space
// (x86 canonical addresses with bit 47/56 clear, TTBR0's range, Sv39/Sv48 with the
// top VA bit clear).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

enum class PteKind : std::uint8_t { Invalid, Table, Leaf };

struct DecodedPte {
  PteKind kind = PteKind::Invalid;
  Addr pa = 0;            // the next table, or the frame of the page/block
  bool writable = false;  // leaves only
};

class PageTableFormat {
 public:
  enum class Kind : std::uint8_t { X86, Arm, RiscV };

  // "x86-4level", "x86-5level", "arm-4k", "sv39", "sv48"; nullptr for another name.
  static const PageTableFormat* find(const std::string& name);
  static std::vector<std::string> names();
  // The format `vm.format: auto` picks for an ISA: x86-4level, arm-4k, sv39.
  static const std::string& auto_for_isa(const std::string& isa);
  // The ISA a format belongs to ("x86", "arm", "riscv").
  const char* isa() const;

  const std::string& name() const { return name_; }
  unsigned levels() const { return levels_; }
  // Level 0 is the root; level levels()-1 holds the 4 KiB PTEs.
  unsigned shift(unsigned level) const { return 12 + 9 * (levels_ - 1 - level); }
  unsigned index(Addr va, unsigned level) const { return unsigned(va >> shift(level)) & 511; }
  // The level whose entries map pages of 2^page_shift bytes (12, 21 or 30).
  unsigned leaf_level(unsigned page_shift) const { return levels_ - 1 - (page_shift - 12) / 9; }
  // Virtual addresses a user thread may use: [0, va_limit).
  Addr va_limit() const { return va_limit_; }
  unsigned va_bits() const { return va_bits_; }

  std::uint64_t encode_table(Addr next_table) const;
  std::uint64_t encode_leaf(Addr frame, unsigned level, bool writable) const;
  DecodedPte decode(std::uint64_t pte, unsigned level) const;

 private:
  PageTableFormat(std::string name, Kind k, unsigned levels, unsigned va_bits, Addr va_limit)
      : name_(std::move(name)), kind_(k), levels_(levels), va_bits_(va_bits), va_limit_(va_limit) {}
  std::string name_;
  Kind kind_;
  unsigned levels_, va_bits_;
  Addr va_limit_;
};

}  // namespace cohsim
