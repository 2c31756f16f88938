#include "sim/memory/dram/address_mapping.hpp"

#include <stdexcept>

#include "sim/base/registry.hpp"

namespace cohsim {

namespace {

unsigned log2u(std::uint64_t x) {
  unsigned b = 0;
  while ((std::uint64_t(1) << b) < x) ++b;
  return b;
}

}  // namespace

const std::vector<AddressMapping::Scheme>& AddressMapping::schemes() {
  static const std::vector<Scheme> s = {
      {"ro_ra_ba_co_bg_ch",
       "consecutive lines go to the channels, then to the bank groups, then along the row: a stream "
       "keeps rows open in every bank group and bursts back to back (tCCD_S)"},
      {"ro_ra_ba_co_bg_ch_xor", "ro_ra_ba_co_bg_ch with the bank and bank-group bits XORed with the low row bits"},
      {"ro_ra_bg_ba_co_ch",
       "consecutive lines fill one row of one bank: a stream stays in one bank group (tCCD_L apart)"},
      {"ro_co_ra_ba_bg_ch", "consecutive lines go round every bank group, bank and rank before the next column"},
      {"ch_ra_bg_ba_ro_co", "each bank holds a contiguous region, each channel a contiguous slice of memory"},
  };
  return s;
}

std::vector<std::string> AddressMapping::scheme_names() {
  std::vector<std::string> n;
  for (const auto& s : schemes()) n.push_back(s.name);
  return n;
}

namespace {
const bool schemes_listed = [] {
  int rank = 0;
  for (const auto& s : AddressMapping::schemes())
    plugin_index_add("dram.mapping", PluginInfo{s.name, s.description, rank++});
  return true;
}();
}  // namespace

AddressMapping::AddressMapping(const std::string& scheme, const DramTiming& t, unsigned channels) {
  bool known = false;
  for (const auto& s : schemes()) known |= scheme == s.name;
  if (!known) throw std::invalid_argument("unknown address mapping '" + scheme + "'");
  bits_[kChannel] = log2u(channels);
  bits_[kRank] = log2u(t.ranks);
  bits_[kBankGroup] = log2u(t.bank_groups);
  bits_[kBank] = log2u(t.banks_per_group);
  bits_[kRow] = log2u(t.rows);
  bits_[kColumn] = log2u(t.lines_per_row());
  std::string s = scheme;
  if (s.size() > 4 && s.compare(s.size() - 4, 4, "_xor") == 0) {
    xor_ = true;
    s.resize(s.size() - 4);
  }
  std::vector<Field> msb_first;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    const std::string f = s.substr(i, 2);
    msb_first.push_back(f == "ch"   ? kChannel
                        : f == "ra" ? kRank
                        : f == "bg" ? kBankGroup
                        : f == "ba" ? kBank
                        : f == "ro" ? kRow
                                    : kColumn);
  }
  for (auto it = msb_first.rbegin(); it != msb_first.rend(); ++it) lsb_first_.push_back({*it, bits_[*it]});
}

DramAddress AddressMapping::map(std::uint64_t line) const {
  std::uint64_t v[kFields] = {};
  for (const Slice& s : lsb_first_) {
    v[s.field] = line & ((std::uint64_t(1) << s.bits) - 1);
    line >>= s.bits;
  }
  // The row absorbs whatever lies above the modelled capacity (it wraps).
  v[kRow] &= (std::uint64_t(1) << bits_[kRow]) - 1;
  if (xor_) {
    v[kBankGroup] ^= v[kRow] & ((std::uint64_t(1) << bits_[kBankGroup]) - 1);
    v[kBank] ^= (v[kRow] >> bits_[kBankGroup]) & ((std::uint64_t(1) << bits_[kBank]) - 1);
  }
  DramAddress a;
  a.channel = unsigned(v[kChannel]);
  a.rank = unsigned(v[kRank]);
  a.bank_group = unsigned(v[kBankGroup]);
  a.bank = unsigned(v[kBank]);
  a.row = std::uint32_t(v[kRow]);
  a.column = std::uint32_t(v[kColumn]);
  return a;
}

std::uint64_t AddressMapping::line_of(const DramAddress& a) const {
  std::uint64_t v[kFields] = {a.channel, a.rank, a.bank_group, a.bank, a.row, a.column};
  if (xor_) {
    v[kBankGroup] ^= v[kRow] & ((std::uint64_t(1) << bits_[kBankGroup]) - 1);
    v[kBank] ^= (v[kRow] >> bits_[kBankGroup]) & ((std::uint64_t(1) << bits_[kBank]) - 1);
  }
  std::uint64_t line = 0;
  unsigned shift = 0;
  for (const Slice& s : lsb_first_) {
    line |= (v[s.field] & ((std::uint64_t(1) << s.bits) - 1)) << shift;
    shift += s.bits;
  }
  return line;
}

}  // namespace cohsim
