#include "sim/base/event_log.hpp"

#include <cerrno>
#include <cstring>

#include "sim/base/error.hpp"

namespace cohsim {

EventLog::~EventLog() {
  if (file_) std::fclose(file_);
}

void EventLog::open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw UserError(path + ": cannot write the event log: " + std::strerror(errno));
}

void EventLog::transition(Tick t, std::uint64_t cycle, const std::string& component, Addr line_addr, const char* from,
                          const char* to, const char* cause) {
  std::fprintf(file_,
               "{\"time_ns\": %.3f, \"cycle\": %llu, \"component\": \"%s\", \"line\": \"0x%llx\", "
               "\"old\": \"%s\", \"new\": \"%s\", \"cause\": \"%s\"}\n",
               double(t) / double(kTicksPerNs), static_cast<unsigned long long>(cycle), component.c_str(),
               static_cast<unsigned long long>(line_addr), from, to, cause);
}

}  // namespace cohsim
