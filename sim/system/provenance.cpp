#include "sim/system/provenance.hpp"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/base/error.hpp"
#include "sim/base/version.hpp"

namespace cohsim {

FileDigest digest_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw UserError(path + ": cannot read");
  FileDigest d;
  d.fnv1a64 = 0xcbf29ce484222325ULL;  // FNV-1a 64: offset basis, then xor and multiply per byte
  std::vector<char> buf(1 << 16);
  while (f) {
    f.read(buf.data(), std::streamsize(buf.size()));
    const std::size_t n = std::size_t(f.gcount());
    const unsigned char* p = reinterpret_cast<const unsigned char*>(buf.data());
    std::uint64_t h = d.fnv1a64;
    constexpr std::uint64_t kPrime = 0x100000001b3ULL;
    std::size_t i = 0;
    // The same byte-serial hash, eight bytes per loop trip (fewer host instructions).
    for (; i + 8 <= n; i += 8) {
      h = (h ^ p[i]) * kPrime;
      h = (h ^ p[i + 1]) * kPrime;
      h = (h ^ p[i + 2]) * kPrime;
      h = (h ^ p[i + 3]) * kPrime;
      h = (h ^ p[i + 4]) * kPrime;
      h = (h ^ p[i + 5]) * kPrime;
      h = (h ^ p[i + 6]) * kPrime;
      h = (h ^ p[i + 7]) * kPrime;
    }
    for (; i < n; ++i) h = (h ^ p[i]) * kPrime;
    d.fnv1a64 = h;
    d.bytes += std::uint64_t(n);
  }
  return d;
}

std::string hex64(std::uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

namespace {

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

}  // namespace

nlohmann::ordered_json run_provenance(const Config& cfg, const RunRequest& req, bool host_time) {
  nlohmann::ordered_json p = nlohmann::ordered_json::object();
  p["cohsim_version"] = cohsim_version();
  p["commit"] = cohsim_commit();
  p["seed"] = std::uint64_t(cfg.integer("seed"));
  nlohmann::ordered_json t = nlohmann::ordered_json::object();
  std::ifstream probe(req.trace_path, std::ios::binary);
  if (!req.trace_path.empty() && probe) {
    const FileDigest d = digest_file(req.trace_path);
    t["path"] = absolute(req.trace_path);
    t["bytes"] = d.bytes;
    t["fnv1a64"] = hex64(d.fnv1a64);
  } else {
    t["path"] = nullptr;  // made in memory: no file to rerun from
  }
  p["trace"] = std::move(t);
  p["max_cycles"] = req.max_cycles;
  if (req.warmup) p["warmup"] = req.warmup;  // (ROI markers are in the trace, which the hash pins)
  p["config"] = cfg.to_yaml();
  if (host_time) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    p["host_time"] = b;
  }
  return p;
}

}  // namespace cohsim

namespace cohsim {

Config config_from_provenance(const std::string& stats_path, RunRequest& req) {
  std::ifstream f(stats_path);
  if (!f) throw UserError(stats_path + ": cannot read");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(stats_path + ": not JSON: " + e.what());
  }
  const std::string where = stats_path + ": \"_provenance\"";
  if (!j.is_object() || !j.contains("_provenance") || !j["_provenance"].is_object())
    throw UserError(stats_path +
                    ": no \"_provenance\" object (a --stats file written by cohsim run since provenance exists)");
  const nlohmann::json& p = j["_provenance"];
  auto need = [&](const nlohmann::json& o, const char* key, bool (nlohmann::json::*is)() const noexcept,
                  const char* what) -> const nlohmann::json& {
    if (!o.contains(key) || !(o[key].*is)()) throw UserError(where + ": \"" + key + "\" missing or not " + what);
    return o[key];
  };
  const std::string yaml = need(p, "config", &nlohmann::json::is_string, "a string").get<std::string>();
  const nlohmann::json& t = need(p, "trace", &nlohmann::json::is_object, "an object");
  if (!t.contains("path") || t["path"].is_null())
    throw UserError(where + ": the run's trace was made in memory (no file): it cannot be rerun from the statistics");
  req.trace_path = need(t, "path", &nlohmann::json::is_string, "a string").get<std::string>();
  const std::uint64_t bytes = need(t, "bytes", &nlohmann::json::is_number_unsigned, "a count").get<std::uint64_t>();
  const std::string hash = need(t, "fnv1a64", &nlohmann::json::is_string, "a string").get<std::string>();
  req.max_cycles = need(p, "max_cycles", &nlohmann::json::is_number_unsigned, "a count").get<std::uint64_t>();
  req.warmup = p.contains("warmup") ? need(p, "warmup", &nlohmann::json::is_number_unsigned, "a count").get<std::uint64_t>()
                                    : 0;  // files from before --warmup, or runs without it
  const std::uint64_t seed = need(p, "seed", &nlohmann::json::is_number_unsigned, "a count").get<std::uint64_t>();
  std::ifstream probe(req.trace_path, std::ios::binary);
  if (!probe) throw UserError(where + ": the trace " + req.trace_path + " cannot be read (moved or deleted?)");
  const FileDigest d = digest_file(req.trace_path);
  if (d.bytes != bytes || hex64(d.fnv1a64) != hash)
    throw UserError(where + ": the trace " + req.trace_path + " changed since the run (recorded " +
                    std::to_string(bytes) + " bytes, FNV-1a 64 " + hash + "; now " + std::to_string(d.bytes) +
                    " bytes, " + hex64(d.fnv1a64) + "): refusing to rerun on a different trace");
  Config cfg = Config::from_yaml(yaml, stats_path + " (_provenance.config)");
  cfg.set("seed", std::to_string(seed));
  return cfg;
}

}  // namespace cohsim
