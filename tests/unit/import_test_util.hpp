// Small helpers for the importers' tests: a per-test temporary folder, reading a trace
// to the end, and the message of the UserError a trace gives.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cpu/trace/trace.hpp"
#include "sim/base/error.hpp"

namespace cohsim::test {

class TraceFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cohsim_import_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) {
    const std::string p = path(name);
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  static std::vector<Op> drain(const Trace& t, unsigned thread = 0) {
    std::vector<Op> v;
    auto s = t.stream(thread);
    Op op;
    while (s->next(op)) v.push_back(op);
    return v;
  }
  // The UserError that opening and reading `p` (with `opts`) gives; "" if none.
  static std::string error_of(const std::string& p, const TraceOptions& opts = {}) {
    try {
      auto t = Trace::open(p, opts);
      for (unsigned i = 0; i < t->threads(); ++i) drain(*t, i);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir_;
};

#define EXPECT_HAS(msg, sub) EXPECT_NE(std::string(msg).find(sub), std::string::npos) << (msg)

}  // namespace cohsim::test
