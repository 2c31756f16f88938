// The compact binary trace format ("COHSIMTR", version 2; layout in traces/README.md):
// a header with the symbol and register tables and a directory of per-thread record
// arrays, then fixed 24-byte little-endian records (a compare_exchange takes two; an
// op with a PC one more, version 2). Version 1 files (no PCs) are still read.
// Streams read their thread's records in chunks, so memory stays bounded.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "cpu/trace/trace.hpp"

namespace cohsim {

constexpr char kBinaryTraceMagic[8] = {'C', 'O', 'H', 'S', 'I', 'M', 'T', 'R'};
constexpr std::uint32_t kBinaryTraceVersion = 2;  // written; 1 and 2 are read
constexpr std::size_t kBinaryRecordSize = 24;

// Opens a binary trace; throws UserError naming the file and what is wrong when the
// header is truncated or corrupt. Corrupt records are reported by ThreadStream::next().
std::unique_ptr<Trace> open_binary_trace(const std::string& path, const TraceOptions& opts = {});

// Writes `trace` (any format) in the binary format.
void write_binary_trace(const Trace& trace, const std::string& out);

}  // namespace cohsim
