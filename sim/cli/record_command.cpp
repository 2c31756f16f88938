// `cohsim record -o FILE -- PROGRAM ARGS...`: runs a program built against cohsim's
// recording runtime (tools/record/, libcohsim_record.so) and keeps the trace it writes.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"
#include "sim/cli/command.hpp"

namespace cohsim {

namespace {

const char* kSynopsis = "cohsim record -o FILE.trace [--allow-unsupported] -- PROGRAM [ARGS...]";

const char* kAbout =
    "Runs PROGRAM, which must be compiled with `clang -fsanitize=thread -c` and linked with\n"
    "cohsim's recording runtime (libcohsim_record.so, next to the cohsim binary, or in\n"
    "PREFIX/lib/cohsim/ of an installed cohsim) instead of\n"
    "the sanitizer's, and writes the text trace it records: one thread section per program\n"
    "thread, plain accesses with their sizes, atomics with their orderings, mutexes, thread\n"
    "starts and joins as waits (docs/recording.md). scripts/record.sh compiles and records a\n"
    "C or C++ file in one step. What the recorder cannot replay (a 128-bit atomic, a barrier,\n"
    "a detached thread, ...) is named and the trace refused unless --allow-unsupported.\n";

std::string runtime_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "libcohsim_record.so";
  std::string exe(buf, std::size_t(n));
  const std::string bindir = exe.substr(0, exe.rfind('/') + 1);
  // The build tree has it next to cohsim; an install (cmake --install) in PREFIX/lib/cohsim.
  const std::string beside = bindir + "libcohsim_record.so", installed = bindir + "../lib/cohsim/libcohsim_record.so";
  return access(beside.c_str(), F_OK) != 0 && access(installed.c_str(), F_OK) == 0 ? installed : beside;
}

// The file execvp would run, or "" when there is none.
std::string find_program(const std::string& p) {
  if (p.find('/') != std::string::npos) return access(p.c_str(), X_OK) == 0 ? p : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t b = 0;
  for (;;) {
    const std::size_t e = dirs.find(':', b);
    std::string d = dirs.substr(b, e == std::string::npos ? std::string::npos : e - b);
    if (d.empty()) d = ".";
    const std::string f = d + "/" + p;
    struct stat st;
    if (stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(f.c_str(), X_OK) == 0) return f;
    if (e == std::string::npos) return "";
    b = e + 1;
  }
}

int run_record(const std::vector<std::string>& all) {
  // Everything after `--` is the program's command line, untouched.
  std::vector<std::string> args, program;
  bool dashes = false;
  for (auto& a : all) {
    if (!dashes && a == "--") dashes = true;
    else (dashes ? program : args).push_back(a);
  }
  CommandLine cl(kSynopsis, kAbout);
  cl.options()("output,o", boost::program_options::value<std::string>(), "the trace file to write (text)")(
      "allow-unsupported", "keep a trace although the program used something the recorder does not replay");
  cl.positional("program", false, true);
  if (!cl.parse(args)) return 0;
  if (cl.has("program")) {
    const auto extra = cl.strs("program");
    program.insert(program.begin(), extra.begin(), extra.end());
  }
  if (!cl.has("output")) throw UsageError("record: missing -o FILE.trace (where to write the trace)");
  if (program.empty()) throw UsageError("record: missing the program to run; usage: " + std::string(kSynopsis));
  const std::string out = cl.str("output");
  const std::string exe = find_program(program[0]);
  if (exe.empty())
    throw UserError(program[0] + ": no such program (or not executable)" +
                    (program[0].find('/') == std::string::npos ? " in PATH; give a path such as ./" + program[0] : ""));

  const std::string tmp = out + ".recording." + std::to_string(getpid());
  std::remove(tmp.c_str());
  std::cout.flush(), std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) throw SimError(std::string("record: fork: ") + std::strerror(errno));
  if (pid == 0) {
    setenv("COHSIM_RECORD_OUT", tmp.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : program) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    std::fprintf(stderr, "cohsim: error: %s: cannot run: %s\n", exe.c_str(), std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  auto discard = [&] { std::remove(tmp.c_str()); };
  if (WIFSIGNALED(status)) {
    discard();
    throw UserError(program[0] + " died of signal " + std::to_string(WTERMSIG(status)) + " (" +
                    strsignal(WTERMSIG(status)) + "); no trace written");
  }
  if (WEXITSTATUS(status) == 127 && access(tmp.c_str(), F_OK) != 0)
    throw UserError(program[0] + ": could not be started (exit status 127); no trace written");
  if (WEXITSTATUS(status) != 0) {
    discard();
    throw UserError(program[0] + " exited with status " + std::to_string(WEXITSTATUS(status)) +
                    "; no trace written");
  }
  if (access(tmp.c_str(), F_OK) != 0)
    throw UserError(program[0] +
                    " recorded nothing: it never called the recording runtime's __tsan_init. Compile it with "
                    "`clang -fsanitize=thread -c` and link it WITHOUT -fsanitize=thread against " +
                    runtime_path() + " (scripts/record.sh PROGRAM.c -o FILE.trace does both)");

  // What the recorder could not replay, named in the trace's header.
  std::vector<std::string> unsupported;
  static const char* const kUnsupported = "# unsupported: ";  // as tools/record/record_runtime.cpp writes it
  {
    std::ifstream f(tmp);
    std::string line;
    while (std::getline(f, line) && (line.empty() || line[0] == '#'))
      if (line.rfind(kUnsupported, 0) == 0) unsupported.push_back(line.substr(std::strlen(kUnsupported)));
  }
  if (!unsupported.empty()) {
    std::string list;
    for (auto& u : unsupported) list += "\n  " + u;
    if (!cl.has("allow-unsupported")) {
      discard();
      throw UserError(program[0] + " used what the recorder cannot replay:" + list +
                      "\nno trace written (--allow-unsupported keeps it, without those)");
    }
    std::cerr << "cohsim: warning: " << program[0] << " used what the recorder cannot replay:" << list << "\n";
  }

  // The trace must read back whole: a recorder that writes a bad trace is a bug.
  std::uint64_t ops = 0;
  unsigned threads = 0;
  try {
    auto trace = Trace::open(tmp);
    threads = trace->threads();
    for (unsigned t = 0; t < threads; ++t) {
      auto s = trace->stream(t);
      Op op;
      while (s->next(op)) ++ops;
    }
  } catch (const UserError& e) {
    throw SimError(std::string("record: the recording runtime wrote a trace cohsim cannot read (kept in ") + tmp +
                   "): " + e.what());
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    discard();
    throw UserError(out + ": cannot write: " + why);
  }
  std::cerr << "cohsim: recorded " << threads << (threads == 1 ? " thread, " : " threads, ") << ops
            << " operations -> " << out << "\n";
  return 0;
}

}  // namespace

COHSIM_REGISTER(command_registry, "record", "record a program compiled with -fsanitize=thread",
                Command{{{"record -o FILE -- PROGRAM ARGS", "run a program built with the recording runtime, "
                                                             "write its trace"}},
                        run_record},
                7);

}  // namespace cohsim
