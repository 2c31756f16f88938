// How a line address is split into channel, rank, bank group, bank, row and column.
// A scheme names the fields from the most to the least significant bits, e.g.
// `ro_ra_ba_co_bg_ch`: the lowest bits of the line address pick the channel, the
// next the bank group, then the column within the row, and so on. With `_xor` the
// bank and bank-group bits are XORed with the lowest row bits (permutation-based
// interleaving, Zhang et al., MICRO 2000), which spreads the rows of a stride over
// banks. A plain class: tests and the controller use it without SystemC.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/memory/dram/dram_timing.hpp"

namespace cohsim {

struct DramAddress {
  unsigned channel = 0, rank = 0, bank_group = 0, bank = 0;  // bank: within its group
  std::uint32_t row = 0, column = 0;                         // column: in bursts (lines) within the row
};

class AddressMapping {
 public:
  // The schemes a config may name, each with a one-line description.
  struct Scheme {
    const char* name;
    const char* description;
  };
  static const std::vector<Scheme>& schemes();
  static std::vector<std::string> scheme_names();

  // `scheme` must be one of schemes(); std::invalid_argument otherwise.
  AddressMapping(const std::string& scheme, const DramTiming& t, unsigned channels);

  // `line`: a byte address divided by the burst size (one burst per line).
  DramAddress map(std::uint64_t line) const;
  // The inverse: the smallest line address that maps to `a` (tests, generators).
  std::uint64_t line_of(const DramAddress& a) const;

 private:
  enum Field { kChannel, kRank, kBankGroup, kBank, kRow, kColumn, kFields };
  struct Slice {
    Field field;
    unsigned bits;
  };
  std::vector<Slice> lsb_first_;  // the fields from the least significant up
  unsigned bits_[kFields] = {};
  bool xor_ = false;
};

}  // namespace cohsim
