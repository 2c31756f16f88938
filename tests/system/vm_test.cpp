// Virtual memory, whole runs: TLB misses equal a reference model written
// differently; huge pages remove them; a cold walk reads one entry per level of
// each ISA's format, through the L1D; the page-walk cache skips levels; a page
// faults once; an access its region forbids stops the run naming the trace line.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <list>
#include <sstream>

#include "run_cohsim.hpp"

using cohsim::test::RunResult;
using cohsim::test::simulate;

namespace {

// An LRU TLB level as a recency list per set (most recent first).
struct RecencyTlb {
  unsigned sets, ways;
  std::vector<std::list<std::uint64_t>> lists;
  RecencyTlb(unsigned entries, unsigned assoc) : sets(entries / assoc), ways(assoc), lists(sets) {}
  bool access(std::uint64_t page) {
    auto& l = lists[page % sets];
    auto it = std::find(l.begin(), l.end(), page);
    const bool hit = it != l.end();
    if (hit) l.erase(it);
    l.push_front(page);
    if (l.size() > ways) l.pop_back();
    return hit;
  }
};

std::string strided_trace(unsigned pages, unsigned stride_pages, unsigned rounds, std::vector<std::uint64_t>& vas) {
  std::ostringstream t;
  t << "thread 0\n";
  for (unsigned r = 0; r < rounds; ++r)
    for (unsigned i = 0; i < pages; ++i) {
      const std::uint64_t va = 0x10000000 + std::uint64_t(i) * stride_pages * 4096 + (i * 64) % 4096;
      vas.push_back(va);
      if ((i + r) % 3 == 2) t << "store 0x" << std::hex << va << std::dec << " " << i << "\n";
      else t << "load 0x" << std::hex << va << std::dec << " -> r0\n";
    }
  return t.str();
}

const char* kTlbYaml = "cores: 1\nvm: {enabled: true}\ndtlb: {entries: 16, assoc: 4}\nstlb: {entries: 64, assoc: 4}\n";

struct Strided {
  unsigned pages, stride;
};
void PrintTo(const Strided& s, std::ostream* os) { *os << s.pages << " pages, stride " << s.stride; }

class VmTlbReference : public ::testing::TestWithParam<Strided> {};

TEST_P(VmTlbReference, MissesEqualTwoRecencyLists) {
  std::vector<std::uint64_t> vas;
  const std::string trace = strided_trace(GetParam().pages, GetParam().stride, 4, vas);
  RecencyTlb l1(16, 4), l2(64, 4);
  std::uint64_t l1_misses = 0, l2_misses = 0;
  for (auto va : vas)
    if (!l1.access(va / 4096)) ++l1_misses, l2_misses += !l2.access(va / 4096);
  auto r = simulate(kTlbYaml, trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.dtlb.misses"), double(l1_misses));
  EXPECT_EQ(r.at("core0.dtlb.hits"), double(vas.size() - l1_misses));
  EXPECT_EQ(r.at("core0.stlb.misses"), double(l2_misses));
  EXPECT_EQ(r.at("core0.stlb.hits"), double(l1_misses - l2_misses));
  // Each page faults once; a fault's access walks again.
  EXPECT_EQ(r.at("core0.mmu.faults"), double(GetParam().pages));
  EXPECT_EQ(r.at("core0.mmu.walks"), double(l2_misses + GetParam().pages));
  EXPECT_EQ(r.at("vm.pages_4KiB"), double(GetParam().pages));
}

INSTANTIATE_TEST_SUITE_P(Patterns, VmTlbReference,
                         ::testing::Values(Strided{12, 1}, Strided{16, 1}, Strided{17, 1}, Strided{40, 1},
                                           Strided{40, 4}, Strided{64, 1}, Strided{80, 1}, Strided{24, 16}),
                         [](const auto& i) {
                           return std::to_string(i.param.pages) + "pages_stride" + std::to_string(i.param.stride);
                         });

TEST(VmHugePages, TwoMiBPagesRemoveTheMisses) {
  std::vector<std::uint64_t> vas;
  const std::string trace = strided_trace(200, 1, 4, vas);  // 800 KiB: one 2 MiB block
  auto small = simulate(kTlbYaml, trace);
  auto huge = simulate(kTlbYaml, trace, {"--set", "vm.thp=always"});
  auto region = simulate(kTlbYaml, trace, {"--set", "vm.regions=0x10000000+4MiB:rw:2MiB"});
  ASSERT_EQ(small.exit_code, 0) << small.err;
  EXPECT_GT(small.at("core0.dtlb.misses"), 600);  // 200 pages through a 16-entry dTLB, 4 times
  EXPECT_EQ(small.at("core0.mmu.faults"), 200);
  for (const RunResult* r : {&huge, &region}) {
    ASSERT_EQ(r->exit_code, 0) << r->err;
    EXPECT_EQ(r->at("core0.dtlb.misses"), 1);  // the first touch only
    EXPECT_EQ(r->at("core0.stlb.misses"), 1);
    EXPECT_EQ(r->at("core0.mmu.faults"), 1);
    EXPECT_EQ(r->at("vm.pages_2MiB"), 1);
    EXPECT_EQ(r->at("vm.pages_4KiB"), 0);
    EXPECT_LT(r->at("cycles"), small.at("cycles"));
  }
}

// Core 0 stores to a page (the fault maps it); much later core 1, with a cold TLB
// and no page-walk cache, loads it: its one walk reads one entry per level.
RunResult cold_walk(const std::string& isa, const std::string& format, const std::string& extra_vm,
                    std::uint64_t va = 0x40000000 + 0x5000) {
  std::ostringstream t;
  t << "thread 0\n  store 0x" << std::hex << va << " 42\nthread 1\n  compute 20000\n  load 0x" << va << " -> r0\n";
  return simulate("cores: 2\nisa: " + isa + "\nvm: {enabled: true, format: " + format + ", pwc_entries: 0" + extra_vm +
                      "}\nstlb: null\n",
                  t.str());
}

struct Format {
  const char *isa, *format;
  int levels;
};
void PrintTo(const Format& f, std::ostream* os) { *os << f.format; }

class VmWalkDepth : public ::testing::TestWithParam<Format> {};

TEST_P(VmWalkDepth, OnePteLoadPerLevelThroughTheL1d) {
  const Format& f = GetParam();
  struct Size {
    const char* vm;
    int loads;
  };
  for (Size s : {Size{"", f.levels}, Size{", thp: always", f.levels - 1},
                 Size{", regions: \"0x40000000+1GiB:rw:1GiB\"", f.levels - 2}}) {
    auto r = cold_walk(f.isa, f.format, s.vm);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    SCOPED_TRACE(s.vm);
    EXPECT_EQ(r.at("core1.mmu.walks"), 1);
    EXPECT_EQ(r.at("core1.mmu.faults"), 0);
    EXPECT_EQ(r.at("core1.mmu.pte_loads"), s.loads);
    // The PTE loads go through the L1D, counted as page-walk accesses (and miss there:
    // core 0 wrote them); the load itself is the one L1D load.
    EXPECT_EQ(r.at("core1.l1d.walk_hits") + r.at("core1.l1d.walk_misses"), s.loads);
    EXPECT_EQ(r.at("core1.l1d.walk_primary_misses"), s.loads);
    EXPECT_EQ(r.at("core1.l1d.load_hits") + r.at("core1.l1d.load_misses"), 1);
    EXPECT_EQ(r.at("core1.mmu.pte_l1d_misses"), s.loads);
    EXPECT_EQ(r.at("core1.regs.r0"), 42);  // the same frame as core 0's store
    // Core 0: a walk ending at the first invalid entry, the fault's entry stores,
    // and a full walk.
    EXPECT_EQ(r.at("core0.mmu.faults"), 1);
    EXPECT_EQ(r.at("core0.mmu.walks"), 2);
    EXPECT_EQ(r.at("core0.mmu.pte_loads"), 1 + s.loads);
    EXPECT_EQ(r.at("core0.mmu.pte_stores"), s.loads);
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, VmWalkDepth,
                         ::testing::Values(Format{"x86", "x86-4level", 4}, Format{"x86", "x86-5level", 5},
                                           Format{"arm", "arm-4k", 4}, Format{"riscv", "sv39", 3},
                                           Format{"riscv", "sv48", 4}),
                         [](const auto& i) {
                           std::string n = i.param.format;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(VmWalkCache, PageWalkCacheHitsCutPteLoads) {
  const std::string trace =
      "thread 0\n  store 0x10000000 1\n  store 0x10001000 2\nthread 1\n  compute 20000\n"
      "  load 0x10000000 -> a\n  load 0x10001000 -> b\n";
  auto none = simulate("cores: 2\nvm: {enabled: true, pwc_entries: 0}\n", trace);
  auto pwc = simulate("cores: 2\nvm: {enabled: true, pwc_entries: 8}\n", trace);
  ASSERT_EQ(none.exit_code, 0) << none.err;
  ASSERT_EQ(pwc.exit_code, 0) << pwc.err;
  EXPECT_EQ(none.at("core1.mmu.pte_loads"), 8);  // two 4-level walks
  EXPECT_EQ(pwc.at("core1.mmu.pte_loads"), 5);   // the second starts at the page table
  EXPECT_EQ(pwc.at("core1.mmu.pwc_hits"), 1);
  EXPECT_EQ(pwc.at("core1.mmu.pwc_misses"), 1);
  EXPECT_EQ(pwc.at("core1.regs.b"), 2);
}

TEST(VmFaults, APageFaultsOnceAndGetsOneFrame) {
  std::ostringstream t;
  t << "thread 0\n";
  for (int r = 0; r < 3; ++r)
    for (int p = 0; p < 10; ++p) t << "load 0x" << std::hex << 0x20000000 + p * 0x1000 + r * 8 << std::dec << " -> x\n";
  t << "thread 1\n  compute 60000\n";
  for (int p = 0; p < 10; ++p) t << "store 0x" << std::hex << 0x20000000 + p * 0x1000 << std::dec << " 1\n";
  auto r = simulate("cores: 2\nvm: {enabled: true}\n", t.str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.mmu.faults"), 10);
  EXPECT_EQ(r.at("core1.mmu.faults"), 0);
  EXPECT_EQ(r.at("vm.pages_4KiB"), 10);
  EXPECT_EQ(r.at("vm.table_frames"), 4);  // the root, a PDPT, a PD and one page table
  EXPECT_EQ(r.at("vm.node0.allocated_bytes"), (10 + 4) * 4096);
}

TEST(VmFaults, TwoCoresTouchingOnePageAtOnceMapItOnce) {
  const std::string trace =
      "thread 0\n  store 0x30000000 7\n  load 0x30000008 -> a\nthread 1\n  store 0x30000008 9\n"
      "  load 0x30000000 -> b\n  compute 20000\n  load 0x30000000 -> c\n";
  auto r = simulate("cores: 2\ncheck: true\nvm: {enabled: true}\n", trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.mmu.faults") + r.at("core1.mmu.faults"), 1);
  EXPECT_EQ(r.at("vm.pages_4KiB"), 1);
  EXPECT_EQ(r.at("core1.regs.c"), 7);
}

TEST(VmRuns, EveryIsaRunsAMessagePassingTraceWithTheCheckerOn) {
  const std::string trace =
      "thread 0\n  store x 1\n  store y 1 Release\n  fetch_add z 1 SeqCst -> o\n"
      "thread 1\n  load y Acquire -> r0\n  load x -> r1\n  compare_exchange z 0 5 AcqRel Acquire -> r2\n";
  for (const char* isa : {"x86", "arm", "riscv"}) {
    auto r = simulate(std::string("cores: 2\ncheck: true\nisa: ") + isa + "\nvm: {enabled: true}\n", trace);
    ASSERT_EQ(r.exit_code, 0) << isa << r.err;
    EXPECT_EQ(r.at("completed"), 1);
    EXPECT_GE(r.at("vm.pages_4KiB"), 1);
  }
}

TEST(VmRuns, OffByDefaultAddsNoStatistics) {
  auto r = simulate("cores: 1\n", "thread 0\n  load 0x1000 -> a\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.stats.count("core0.dtlb.hits"), 0u);
  EXPECT_EQ(r.stats.count("vm.pages_4KiB"), 0u);
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// configs/vm-x86.yaml on traces/vm_pages.trace: the counts its comments state.
TEST(VmRuns, TheExampleConfigAndTraceGiveTheCountsTheirCommentsState) {
  const std::string root = COHSIM_SOURCE_DIR;
  const std::string yaml = slurp(root + "/configs/vm-x86.yaml"), trace = slurp(root + "/traces/vm_pages.trace");
  auto r = simulate(yaml, trace);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.at("core0.dtlb.misses"), 192);
  EXPECT_EQ(r.at("core0.stlb.misses"), 96);
  EXPECT_EQ(r.at("core0.mmu.faults"), 96);
  EXPECT_EQ(r.at("core1.mmu.faults"), 18);
  EXPECT_EQ(r.at("core1.dtlb.misses"), 18);
  EXPECT_EQ(r.at("vm.pages_1GiB"), 1);
  EXPECT_EQ(r.at("vm.pages_4KiB"), 96 + 17);
  auto thp = simulate(yaml, trace, {"--set", "vm.thp=always"});
  ASSERT_EQ(thp.exit_code, 0) << thp.err;
  EXPECT_EQ(thp.at("core0.dtlb.misses"), 1);
  EXPECT_EQ(thp.at("core0.mmu.faults"), 1);
  auto ro = simulate(yaml, trace + "  store 0x100000 1\n");
  EXPECT_EQ(ro.exit_code, 1);
  EXPECT_NE(ro.err.find("permissions ro: read only"), std::string::npos) << ro.err;
}

// ---- errors ------------------------------------------------------------------------

TEST(VmErrors, AStoreToAReadOnlyRegionNamesTheTraceLine) {
  auto r = simulate("cores: 1\nvm: {enabled: true, regions: \"0x100000+64KiB:ro, 0x200000+4KiB:none\"}\n",
                    "thread 0\n  load 0x100000 -> a\n  store 0x110000 1\n  store 0x100040 1\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".trace:4: core0: store to virtual address 0x100040 is not allowed: it is in a read-only "
                       "page, region '0x100000+64KiB:ro' (permissions ro: read only"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos);
  // ... also when the page is already in the TLB, and for an atomic.
  auto t = simulate("cores: 1\nvm: {enabled: true, regions: \"0x100000+64KiB:ro\"}\n",
                    "thread 0\n  load 0x100000 -> a\n  fetch_add 0x100008 1 Relaxed\n");
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.err.find(".trace:3: core0: fetch_add to virtual address 0x100008"), std::string::npos) << t.err;
}

TEST(VmErrors, AnyAccessToANoAccessRegionStops) {
  auto r = simulate("cores: 1\nvm: {enabled: true, regions: \"0x200000+4KiB:none\"}\n",
                    "thread 0\n  load 0x1000 -> a\n\n  load 0x200ff8 -> b\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".trace:4: core0: load from virtual address 0x200ff8 is not allowed"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("region '0x200000+4KiB:none' (permissions none: no access"), std::string::npos) << r.err;
}

TEST(VmErrors, AnAddressOutsideTheFormatsAddressSpace) {
  auto r = simulate("cores: 1\nisa: riscv\nvm: {enabled: true}\n", "thread 0\n  load 0x4000000000 -> a\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".trace:2: core0: load at virtual address 0x4000000000 is outside the user half of "
                       "sv39's 39-bit address space"),
            std::string::npos)
      << r.err;
}

TEST(VmErrors, BadConfigurationsNameFileLineAndChoices) {
  auto r = simulate("cores: 1\nvm:\n  enabled: true\n  regions: \"0x1000+4KiB:rx\"\n", "thread 0\n  load 0 -> a\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(".yaml:4:12: vm.regions: region '0x1000+4KiB:rx': unknown permission 'rx'; valid: rw, ro, none"),
            std::string::npos)
      << r.err;
  auto f = simulate("cores: 1\nvm: {enabled: true, format: sv39}\n", "thread 0\n  load 0 -> a\n");
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_NE(f.err.find("vm.format: sv39 is a page-table format of isa riscv, but isa is x86; for isa x86 use one "
                       "of: auto, x86-4level, x86-5level"),
            std::string::npos)
      << f.err;
  auto d = simulate("cores: 1\ndtlb: {entries: 48}\n", "thread 0\n  load 0 -> a\n");
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_NE(d.err.find("dtlb: 48 entries / assoc 4 must give a power-of-two number of sets"), std::string::npos)
      << d.err;
  auto b = simulate("cores: 1\nvm: {enabled: true, placement: bind, bind_node: 2}\n", "thread 0\n  load 0 -> a\n");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("vm.bind_node: 2 but the system has 1 memory node(s); valid: 0..0"), std::string::npos) << b.err;
}

}  // namespace
