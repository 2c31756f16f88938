// Dinero IV "din" traces: one `LABEL ADDRESS` per line (label 0 read, 1 write,
// 2 instruction fetch; address in hex without 0x). A din file is one thread:
// reads become plain 4-byte loads, writes plain 4-byte stores of 0, fetches IFetch.
#pragma once
#include <memory>
#include <string>

#include "cpu/trace/trace.hpp"

namespace cohsim {

std::unique_ptr<Trace> open_din_trace(const std::string& path, const TraceOptions& opts = {});

// True when the line [b, e) looks like a din record: `^[0-9][ \t]+[0-9a-fA-F]+`, or an
// extended one: `^[rwimRWIM][ \t]+HEX[ \t]+HEX`.
bool looks_like_din(const char* b, const char* e);

}  // namespace cohsim
