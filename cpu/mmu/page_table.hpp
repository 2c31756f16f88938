// The page tables of the simulated program (one address space, shared by every
// thread; a multiprogrammed mix has one per program) and the OS's page-fault handler
// that fills them.
//
// The tables live in simulated physical memory, in frames from the FrameAllocator,
// in the format of the ISA (PageTableFormat). The handler decides what to map and
// returns the entries to write as stores; the faulting core performs them through
// its L1D like the kernel's stores, so they are coherent with every cached copy of
// the table and the walkers read them back with ordinary loads. The handler keeps
// its own record of what it wrote (a kernel knows its page tables), which also
// serves reports and tests.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "cpu/mmu/address_space.hpp"
#include "cpu/mmu/frame_allocator.hpp"
#include "cpu/mmu/page_table_format.hpp"

namespace cohsim {

struct PteWrite {
  Addr addr;  // physical address of the entry
  std::uint64_t value;
};

class PageTable {
 public:
  // `counts`: another table whose statistics this one's pages and tables add to (the
  // processes of a multiprogrammed mix; nullptr: its own).
  PageTable(const PageTableFormat& f, const AddressSpace& as, FrameAllocator& frames, PageTable* counts = nullptr);

  // CR3 / TTBR0_EL1 / satp: the physical address of the root table.
  Addr root() const { return root_; }
  const PageTableFormat& format() const { return f_; }
  const AddressSpace& address_space() const { return as_; }

  enum class Fault : std::uint8_t {
    Mapped,         // a frame was allocated; `stores` holds the entries to write
    AlreadyMapped,  // another fault mapped the page first; nothing to write
    NoAccess,       // the page is in a `none` region
  };
  // The page-fault handler for `va`, touched by `core`: allocates the page's frame
  // and any missing tables (placed by the allocator's policy) and appends the
  // entry stores, parents before children.
  Fault handle_fault(Addr va, unsigned core, std::vector<PteWrite>& stores);

  // A functional walk over the entries written so far: the leaf and its level.
  bool lookup(Addr va, DecodedPte& leaf, unsigned& level) const;
  std::uint64_t entry(Addr pte_addr) const;

  // Statistics: pages mapped by size class (4 KiB, 2 MiB, 1 GiB), table frames.
  const std::uint64_t& pages(unsigned size_class) const { return pages_[size_class]; }
  const std::uint64_t& table_frames() const { return tables_; }

 private:
  const PageTableFormat& f_;
  const AddressSpace& as_;
  FrameAllocator& frames_;
  Addr root_;
  std::unordered_map<Addr, std::uint64_t> entries_;  // what the handler wrote
  std::uint64_t pages_[3] = {0, 0, 0}, tables_ = 1;
  PageTable* counts_;  // where pages_ and tables_ are counted (this, or the mix's first table)
};

}  // namespace cohsim
