// The fuzz entries (fuzz_entries.hpp). The trace readers and the config command take
// a path, so each entry writes its input to an in-memory file (memfd) and passes its
// /proc/self/fd path: the parsers run exactly as they do on a user's file.
#include "tests/fuzz/fuzz_entries.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include "cpu/litmus/litmus.hpp"
#include "cpu/trace/binary_trace.hpp"
#include "cpu/trace/champsim_trace.hpp"
#include "cpu/trace/din_trace.hpp"
#include "cpu/trace/lackey_trace.hpp"
#include "cpu/trace/text_trace.hpp"
#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"
#include "sim/config/config.hpp"
#include "sim/system/litmus_runner.hpp"

namespace cohsim::fuzz {

namespace {

[[noreturn]] void finding(const char* entry, const std::string& what) {
  std::fprintf(stderr, "fuzz %s: %s\n", entry, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// One in-memory file per process, rewritten for every input.
class MemFile {
 public:
  MemFile() {
    fd_ = ::memfd_create("cohsim-fuzz", 0);
    if (fd_ < 0) finding("memfd", std::string("memfd_create: ") + std::strerror(errno));
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  const std::string& write(const void* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) finding("memfd", std::string("ftruncate: ") + std::strerror(errno));
    const char* p = static_cast<const char*>(data);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pwrite(fd_, p + done, size - done, off_t(done));
      if (n <= 0) finding("memfd", std::string("pwrite: ") + std::strerror(errno));
      done += std::size_t(n);
    }
    return path_;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

const std::string& as_file(const std::uint8_t* data, std::size_t size) {
  static MemFile file;
  return file.write(data, size);
}

// Runs `f`; a UserError (and, for commands, a usage error) is the parser refusing the
// input, which is fine; anything else is a finding.
template <typename F>
void guarded(const char* entry, F f) {
  try {
    f();
  } catch (const UserError&) {
  } catch (const boost::program_options::error&) {  // UsageError included
  } catch (const std::exception& e) {
    finding(entry, std::string("unexpected ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    finding(entry, "unexpected non-std exception");
  }
}

// Every operation of every thread, as the core reads them.
void drain(const Trace& trace) {
  (void)trace.format();
  (void)trace.symbols();
  for (unsigned t = 0; t < trace.threads(); ++t) {
    (void)trace.registers(t);
    auto stream = trace.stream(t);
    Op op;
    while (stream->next(op)) {
    }
    (void)stream->program();
  }
}

// Swaps std::cout for a string while a command prints.
class CaptureCout {
 public:
  CaptureCout() : old_(std::cout.rdbuf(out_.rdbuf())) {}
  ~CaptureCout() { std::cout.rdbuf(old_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::streambuf* old_;
};

}  // namespace

void config(const std::uint8_t* data, std::size_t size) {
  const char* p = reinterpret_cast<const char*>(data);
  const char* nul = static_cast<const char*>(std::memchr(p, '\0', size));
  const std::size_t yaml_size = nul ? std::size_t(nul - p) : size;
  std::vector<std::string> args{"show", as_file(data, yaml_size)};
  if (nul) {
    const char* end = p + size;
    for (const char* s = nul + 1; s <= end;) {
      const char* e = static_cast<const char*>(std::memchr(s, '\0', std::size_t(end - s)));
      if (!e) e = end;
      args.push_back("--set");
      args.emplace_back(s, e);
      s = e + 1;
    }
  }
  // `config show` is `config check` that prints the resolved configuration instead of
  // "ok": the same parsing, overrides and validation.
  static const Command* command = command_registry().find("config");
  std::string shown;
  bool ok = false;
  guarded("config", [&] {
    CaptureCout capture;
    command->run(args);
    shown = capture.text();
    ok = true;
  });
  if (!ok) return;
  // "Loading it gives back the same Config."
  std::string again;
  try {
    again = Config::from_yaml(shown, "<config show>").to_yaml();
  } catch (const std::exception& e) {
    finding("config", std::string("config show's output does not load again: ") + e.what() + "\n" + shown);
  }
  if (again != shown) finding("config", "config show's output loads as a different configuration:\n" + shown);
}

void text_trace(const std::uint8_t* data, std::size_t size) {
  const std::string& path = as_file(data, size);
  guarded("text_trace", [&] { drain(*open_text_trace(path)); });
}

void din_trace(const std::uint8_t* data, std::size_t size) {
  const std::string& path = as_file(data, size);
  guarded("din_trace", [&] { drain(*open_din_trace(path)); });
}

void lackey_trace(const std::uint8_t* data, std::size_t size) {
  const std::string& path = as_file(data, size);
  guarded("lackey_trace", [&] { drain(*open_lackey_trace(path)); });
}

void champsim_trace(const std::uint8_t* data, std::size_t size) {
  const std::string& path = as_file(data, size);
  guarded("champsim_trace", [&] { drain(*open_champsim_trace(path)); });
}

void binary_trace(const std::uint8_t* data, std::size_t size) {
  const std::string& path = as_file(data, size);
  guarded("binary_trace", [&] { drain(*open_binary_trace(path)); });
}

void litmus(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  guarded("litmus", [&] {
    const LitmusTest t = parse_litmus_text(text, "fuzz.litmus");
    // The trace of the litmus runner's first run (warm-up, delays, the observer).
    std::uint64_t jitter = 0, run_seed = 0;
    const LitmusSchedule s = litmus_schedule(t, 1, 0, jitter, run_seed);
    drain(*litmus_trace(t, TraceOptions{}, s));
    LitmusOutcome o;
    for (unsigned th = 0; th < t.threads; ++th) o.regs.emplace_back(t.registers.at(th).size(), 0);
    o.memory.assign(t.locations.size(), 0);
    (void)condition_holds(t, o);
    (void)outcome_key(t, o);
    (void)expectation_for(t, "arm");
  });
}

Entry entry(const char* name) {
  static const struct {
    const char* name;
    Entry f;
  } entries[] = {{"config", config},
                 {"text_trace", text_trace},
                 {"din_trace", din_trace},
                 {"lackey_trace", lackey_trace},
                 {"champsim_trace", champsim_trace},
                 {"binary_trace", binary_trace},
                 {"litmus", litmus}};
  for (auto& e : entries)
    if (std::strcmp(e.name, name) == 0) return e.f;
  return nullptr;
}

}  // namespace cohsim::fuzz
