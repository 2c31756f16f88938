// Errors. A UserError is the user's mistake (bad config, bad trace): it carries a
// message that already names the file, line and the valid choices, and the command
// line prints it alone and exits non-zero. A SimError is a simulator bug (broken
// invariant, deadlock): its message carries the state dump that explains it.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cohsim {

struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SimError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "file:line: message" or "file:line:col: message"; line/col 0 means unknown.
std::string located(const std::string& file, int line, int col, const std::string& msg);

// The valid choice nearest to `word` by edit distance ("" when none is close). A
// choice whose length differs from the word's by more than the allowed distance is
// skipped without computing the distance, so a huge word costs nothing.
std::string nearest(const std::string& word, const std::vector<std::string>& choices);

// `s` to quote in a message: whole when at most `max` bytes, else its first `max`
// bytes and "... (N bytes)", so a megabyte of junk is not echoed back.
std::string excerpt(std::string_view s, std::size_t max = 64);

}  // namespace cohsim
