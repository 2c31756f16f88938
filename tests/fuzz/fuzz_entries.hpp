// The entries the fuzz targets (libFuzzer, scripts/fuzz.sh) and the regression
// replayer (ctest fuzz_regressions_<target>) feed their inputs to: one per input
// parser, each taking the bytes a user could put in a file. An entry returns normally
// when the parser accepts the input or refuses it with a UserError (the message a
// user sees); anything else -- another exception, a signal, a sanitizer report, a
// hang -- is a finding. An unexpected exception is printed and aborts, so libFuzzer
// records the input.
#pragma once
#include <cstddef>
#include <cstdint>

namespace cohsim::fuzz {

using Entry = void (*)(const std::uint8_t* data, std::size_t size);

// `cohsim config check FILE --set A --set B ...`, through the command itself: the
// input is the YAML file, then optionally a NUL byte and NUL-separated --set
// assignments ("l1d.size=64KiB"). An accepted configuration must also survive
// `config show`'s promise: loading its to_yaml() gives the same configuration.
void config(const std::uint8_t* data, std::size_t size);

// A text trace (open_text_trace, every thread streamed to the end).
void text_trace(const std::uint8_t* data, std::size_t size);

// A Dinero din trace (open_din_trace, streamed to the end).
void din_trace(const std::uint8_t* data, std::size_t size);

// A Valgrind lackey trace (open_lackey_trace, streamed to the end).
void lackey_trace(const std::uint8_t* data, std::size_t size);

// A ChampSim trace, plain or xz (open_champsim_trace, streamed to the end).
void champsim_trace(const std::uint8_t* data, std::size_t size);

// A binary trace (open_binary_trace, every thread streamed to the end).
void binary_trace(const std::uint8_t* data, std::size_t size);

// A litmus test (parse_litmus_text, its `exists` condition included): then its trace
// with a warm-up, delays and an observer thread, streamed to the end, and the
// condition evaluated on an all-zero outcome.
void litmus(const std::uint8_t* data, std::size_t size);

// The entry named `name` ("config", "text_trace", ...), or nullptr.
Entry entry(const char* name);

}  // namespace cohsim::fuzz
