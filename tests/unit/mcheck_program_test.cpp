// Random programs for `cohsim mcheck` (cpu/mcheck/program.hpp): deterministic, valid
// litmus text, unique written values, reductions, outcome keys read back.
#include "cpu/mcheck/program.hpp"

#include <gtest/gtest.h>

#include <set>

#include "cpu/mcheck/axiomatic.hpp"

using namespace cohsim;

TEST(McheckProgram, GeneratedProgramsParseAndWriteUniqueValues) {
  unsigned rmws = 0, cas = 0, fences = 0;
  for (std::uint64_t i = 0; i < 300; ++i) {
    const McSource p = mc_generate(7, i);
    ASSERT_GE(p.threads.size(), 2u);
    ASSERT_LE(p.threads.size(), 4u);
    ASSERT_GE(p.locations, 2u);
    ASSERT_LE(p.locations, 4u);
    std::set<std::uint64_t> values;
    for (auto& th : p.threads) {
      ASSERT_GE(th.size(), 1u);
      ASSERT_LE(th.size(), 4u);
      for (auto& st : th) {
        if (st.kind == OpKind::Load || st.kind == OpKind::Fence) {
          fences += st.kind == OpKind::Fence;
          continue;
        }
        EXPECT_TRUE(values.insert(st.value).second) << "value " << st.value << " written twice, program " << i;
        rmws += st.kind == OpKind::FetchAdd || st.kind == OpKind::Swap;
        cas += st.kind == OpKind::CompareExchange;
      }
    }
    const std::string text = mc_render(p, "p" + std::to_string(i));
    const LitmusTest t = parse_litmus_text(text, "p.litmus");  // throws on a malformed one
    EXPECT_TRUE(t.condition_reads_memory);
    EXPECT_EQ(t.locations.size(), p.locations);
    // Every ISA lowers it within the checker's event budget.
    for (const char* isa : {"x86", "arm", "riscv"}) EXPECT_NO_THROW(mc_program(t, isa, false));
    EXPECT_EQ(mc_render(mc_generate(7, i), "p" + std::to_string(i)), text) << "deterministic";
  }
  EXPECT_GT(rmws, 50u);
  EXPECT_GT(cas, 30u);
  EXPECT_GT(fences, 50u);
}

TEST(McheckProgram, ReductionsAreSmallerAndValid) {
  const McSource p = mc_generate(1, 5);
  const auto rs = mc_reductions(p);
  ASSERT_FALSE(rs.empty());
  for (auto& q : rs) {
    EXPECT_TRUE(q.statements() < p.statements() || q.threads.size() < p.threads.size() || q.locations < p.locations);
    for (auto& th : q.threads) EXPECT_FALSE(th.empty());
    EXPECT_NO_THROW(parse_litmus_text(mc_render(q, "q"), "q.litmus"));
  }
}

TEST(McheckProgram, OutcomeKeysRoundTrip) {
  const LitmusTest t = parse_litmus_text(mc_render(mc_generate(3, 9), "p"), "p.litmus");
  for (auto& o : mc_allowed_outcomes(mc_program(t, "arm", false))) {
    const std::string key = outcome_key(t, o);
    LitmusOutcome back;
    ASSERT_TRUE(mc_parse_outcome(t, key, back)) << key;
    EXPECT_EQ(back.regs, o.regs);
    EXPECT_EQ(back.memory, o.memory);
    // The condition naming the outcome holds on it and only on it.
    const LitmusTest c = parse_litmus_text(
        mc_render(mc_generate(3, 9), "p", mc_outcome_condition(t, o)), "c.litmus");
    EXPECT_TRUE(condition_holds(c, o));
  }
  LitmusOutcome bad;
  EXPECT_FALSE(mc_parse_outcome(t, "9:r0=1", bad));
  EXPECT_FALSE(mc_parse_outcome(t, "x=oops", bad));
}
