// The consistency-aware random tester (`cohsim mcheck`, docs/mcheck.md): random
// litmus programs (cpu/mcheck/program.hpp) run on the simulated machine with the
// litmus runner's randomised timing; every distinct outcome is judged by the
// axiomatic checker (cpu/mcheck/axiomatic.hpp); a violation is shrunk, re-running the
// machine on each smaller program, to the smallest program that still shows one.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "cpu/mcheck/axiomatic.hpp"
#include "cpu/mcheck/program.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

struct McheckOptions {
  std::string isa = "x86";  // the machine's ISA
  bool lse = false;
  std::string model;  // the model judging it ("x86", "arm", "riscv"); "" = the ISA's
  std::uint64_t programs = 100, seed = 0, runs = 20;
  std::uint64_t shrink_runs = 0;  // runs per shrinking attempt; 0: max(10 * runs, 200)
  unsigned jobs = 0;
  std::string out_dir = ".";  // where the shrunk litmus file goes
  McGenOptions gen;
  // Non-empty: check these programs (e.g. a litmus file's) instead of random ones.
  std::vector<McSource> given;
  std::string given_name;
};

struct McheckViolation {
  std::uint64_t program = 0;  // its index
  std::string litmus;         // the program as first found (litmus text)
  std::string outcome;        // the outcome key the model forbids
  std::string reason;
  std::string shrunk_litmus, shrunk_outcome, shrunk_path;
  std::size_t statements = 0, shrunk_statements = 0;
  std::uint64_t shrink_attempts = 0;
};

struct McheckReport {
  std::uint64_t programs = 0, executions = 0, outcomes = 0, violations = 0, failed_runs = 0;
  std::uint64_t candidates = 0;  // candidate executions the checker examined
  std::string first_failure;
  std::vector<McheckViolation> shrunk;  // the first violation, shrunk
  double seconds = 0;
};

// Runs the tester; `progress` (may be empty) gets one line per program.
McheckReport run_mcheck(const Config& base, const McheckOptions& o,
                        const std::function<void(const std::string&)>& progress = {});

}  // namespace cohsim
