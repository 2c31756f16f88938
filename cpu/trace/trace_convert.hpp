// `cohsim trace convert IN OUT`: reads a trace in any format and writes it as text
// (OUT ending in .trace or .txt) or binary (any other extension, e.g. .bin, .ctr).
#pragma once
#include <string>

#include "cpu/trace/trace.hpp"

namespace cohsim {

// The output format convert_trace() picks for `out`: "text" or "binary".
const char* trace_output_format(const std::string& out);

// Streams `in` to `out` (bounded memory; written to a temporary file, then renamed).
// Throws UserError when `in` cannot be read, is malformed, or `out` cannot be written.
void convert_trace(const std::string& in, const std::string& out, const TraceOptions& opts = {});

}  // namespace cohsim
