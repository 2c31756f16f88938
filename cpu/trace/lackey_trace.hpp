// Valgrind lackey traces (`valgrind --tool=lackey --trace-mem=yes --log-file=F prog`):
// `I  ADDR,SIZE` (an instruction), ` L ADDR,SIZE` (load), ` S ADDR,SIZE` (store),
// ` M ADDR,SIZE` (modify: a load then a store), addresses in hex, sizes in decimal;
// valgrind's own `==PID== ...` lines are skipped. One thread (lackey serialises a
// program's threads into one stream). Each I line becomes an `ifetch.1` (counted; read
// through the L1I when l1i.size > 0); each data access plain loads/stores (stores write 0) split by
// split_access(), with the preceding I line's address as PC; the instructions that
// make no data access become `compute N` (one cycle each) before the next access.
#pragma once
#include <memory>
#include <string>

#include "cpu/trace/trace.hpp"

namespace cohsim {

std::unique_ptr<Trace> open_lackey_trace(const std::string& path, const TraceOptions& opts = {});

// True when the line [b, e) is a lackey line: `==N==...`, `I  HEX,N` or ` [LSM] HEX,N`.
bool looks_like_lackey(const char* b, const char* e);

}  // namespace cohsim
