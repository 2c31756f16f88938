#include "cpu/mmu/address_space.hpp"

#include <algorithm>
#include <cctype>

#include "sim/base/error.hpp"
#include "sim/base/units.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

const char* name(Perm p) {
  switch (p) {
    case Perm::None: return "none";
    case Perm::ReadOnly: return "ro";
    case Perm::ReadWrite: return "rw";
  }
  return "?";
}

namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\n") - b + 1);
}

const char* kSyntax =
    "expected START+SIZE:PERM[:PAGE], e.g. 0x100000+64KiB:ro or 0x40000000+1GiB:rw:1GiB (PERM: rw, ro, none; "
    "PAGE: 4KiB, 2MiB, 1GiB)";

std::uint64_t parse_number_or_size(const std::string& region, const std::string& what, const std::string& s) {
  std::string t = trim(s);
  std::string digits;
  for (char c : t)
    if (c != '_') digits += c;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    std::size_t used = 0;
    std::uint64_t v = 0;
    try {
      v = std::stoull(digits.substr(2), &used, 16);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != digits.size() - 2)
      throw UserError("region '" + region + "': " + what + " '" + t + "' is not a number");
    return v;
  }
  try {
    return parse_size(t);
  } catch (const UserError& e) {
    throw UserError("region '" + region + "': " + what + " '" + t + "': " + e.what());
  }
}

}  // namespace

std::vector<Region> parse_regions(const std::string& text) {
  std::vector<Region> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string item = trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) {
      if (comma == text.size()) break;
      throw UserError("an empty region between commas; " + std::string(kSyntax));
    }
    Region r;
    r.text = item;
    std::vector<std::string> parts;
    std::size_t p = 0;
    for (;;) {
      std::size_t colon = item.find(':', p);
      parts.push_back(trim(item.substr(p, colon == std::string::npos ? std::string::npos : colon - p)));
      if (colon == std::string::npos) break;
      p = colon + 1;
    }
    const std::size_t plus = parts[0].find('+');
    if (parts.size() < 2 || parts.size() > 3 || plus == std::string::npos)
      throw UserError("region '" + item + "': " + kSyntax);
    r.start = parse_number_or_size(item, "START", parts[0].substr(0, plus));
    r.size = parse_number_or_size(item, "SIZE", parts[0].substr(plus + 1));
    if (r.size == 0) throw UserError("region '" + item + "': SIZE must be greater than zero");
    if (r.start + r.size < r.start) throw UserError("region '" + item + "': it runs past the end of the address space");
    const std::string& perm = parts[1];
    if (perm == "rw") r.perm = Perm::ReadWrite;
    else if (perm == "ro" || perm == "r") r.perm = Perm::ReadOnly;
    else if (perm == "none") r.perm = Perm::None;
    else {
      const std::string n = nearest(perm, {"rw", "ro", "none"});
      throw UserError("region '" + item + "': unknown permission '" + perm + "'; valid: rw, ro, none" +
                      (n.empty() ? "" : " (did you mean '" + n + "'?)"));
    }
    if (parts.size() == 3) {
      std::uint64_t page = 0;
      try {
        page = parse_size(parts[2]);
      } catch (const UserError&) {
      }
      if (page == 4096) r.page_shift = 12;
      else if (page == 2u << 20) r.page_shift = 21;
      else if (page == 1u << 30) r.page_shift = 30;
      else throw UserError("region '" + item + "': page size '" + parts[2] + "' is not one of 4KiB, 2MiB, 1GiB");
    }
    const std::uint64_t align = std::uint64_t(1) << (r.page_shift ? r.page_shift : 12);
    if (r.start % align || r.size % align)
      throw UserError("region '" + item + "': START and SIZE must be multiples of its page size " + format_size(align));
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const Region& a, const Region& b) { return a.start < b.start; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].start < out[i - 1].start + out[i - 1].size)
      throw UserError("regions '" + out[i - 1].text + "' and '" + out[i].text + "' overlap");
  return out;
}

AddressSpace::AddressSpace(std::vector<Region> regions, bool thp) : regions_(std::move(regions)), thp_(thp) {}

const Region* AddressSpace::find(Addr va) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), va, [](Addr a, const Region& r) { return a < r.start; });
  if (it == regions_.begin()) return nullptr;
  --it;
  return va - it->start < it->size ? &*it : nullptr;
}

bool AddressSpace::overlaps_region(Addr lo, Addr hi) const {
  for (const Region& r : regions_)
    if (r.start < hi && lo < r.start + r.size) return true;
  return false;
}

AddressSpace::Page AddressSpace::page(Addr va) const {
  constexpr std::uint64_t k2M = std::uint64_t(1) << 21;
  const Addr block = va & ~(k2M - 1);
  if (const Region* r = find(va)) {
    unsigned shift = r->page_shift;
    if (!shift) {
      const bool inside = block >= r->start && block + k2M <= r->start + r->size;
      shift = thp_ && inside ? 21 : 12;
    }
    return {r->perm, shift, r};
  }
  return {Perm::ReadWrite, thp_ && !overlaps_region(block, block + k2M) ? 21u : 12u, nullptr};
}

COHSIM_REGISTER(config_rules, "vm.regions", "vm.regions is a list of well-formed regions",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  blame = "vm.regions";
                  try {
                    parse_regions(cfg.text("vm.regions"));
                  } catch (const UserError& e) {
                    return "vm.regions: " + std::string(e.what());
                  }
                  return std::string();
                }});

}  // namespace cohsim
