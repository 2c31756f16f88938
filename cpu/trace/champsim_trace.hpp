// ChampSim binary traces: 64-byte little-endian `input_instr` records (ChampSim's
// inc/trace_instruction.h): ip (u64), is_branch (u8), branch_taken (u8),
// destination_registers[2] (u8), source_registers[4] (u8), destination_memory[2]
// (u64), source_memory[4] (u64); a zero memory address is an unused slot. Optionally
// xz-compressed (`.xz`: decompressed with liblzma while reading). One thread. Each
// source memory operand becomes a plain 8-byte load, each destination operand a plain
// 8-byte store of 0 (ChampSim records no sizes: the address is aligned down to 8),
// with the record's ip as PC, loads before stores; the instructions without memory
// operands become `compute N` (one cycle each) before the next access.
#pragma once
#include <memory>
#include <string>

#include "cpu/trace/trace.hpp"

namespace cohsim {

constexpr std::size_t kChampSimRecordSize = 64;

std::unique_ptr<Trace> open_champsim_trace(const std::string& path, const TraceOptions& opts = {});

// True when `path` names a ChampSim trace by its extension: .champsim, .champsimtrace,
// either followed by .xz.
bool has_champsim_extension(const std::string& path);

}  // namespace cohsim
