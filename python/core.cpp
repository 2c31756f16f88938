// cohsim._core: the pybind11 extension under the `cohsim` Python package. It binds
// the same C++ the command line uses (configuration, protocol tables, trace tools),
// so values are validated and errors worded exactly as `cohsim` does it.
//
// The simulation itself (run_system) is called only by cohsim._worker, in a child
// process of its own: SystemC elaborates one design per process, and a crash of the
// simulator must not take the user's interpreter down with it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <systemc>

#include "coherence/protocol.hpp"
#include "cpu/litmus/litmus.hpp"
#include "cpu/trace/trace.hpp"
#include "cpu/trace/trace_convert.hpp"
#include "cpu/trace/trace_stats.hpp"
#include "sim/base/stats.hpp"
#include "sim/base/error.hpp"
#include "sim/base/version.hpp"
#include "sim/cli/command.hpp"
#include "sim/config/config.hpp"
#include "sim/system/litmus_runner.hpp"
#include "sim/system/stress.hpp"
#include "sim/system/system.hpp"

namespace py = pybind11;
using namespace cohsim;

// libsystemc refers to sc_main (its own main() calls it). Python is the program
// here, so this is never called; it only has to resolve when the module is loaded.
__attribute__((visibility("default"))) int sc_main(int, char**) { return 0; }

namespace {

// The exception classes of cohsim.errors (pure Python, imported at module load).
struct Errors {
  py::object user, config, trace, simulation;
};
Errors& errors() {
  static Errors e;
  return e;
}

// The message is decoded as UTF-8 with U+FFFD for invalid bytes: it may quote a
// trace's bytes, and PyErr_SetString would fail on them, leaving `type` raised
// without its message (and the worker would then misfile it as a ConfigError).
[[noreturn]] void raise(const py::object& type, const std::string& msg) {
  PyObject* text = PyUnicode_DecodeUTF8(msg.data(), static_cast<Py_ssize_t>(msg.size()), "replace");
  if (!text) throw py::error_already_set();
  PyErr_SetObject(type.ptr(), text);
  Py_DECREF(text);
  throw py::error_already_set();
}

// Runs `f`, turning a UserError into `type` (ConfigError, TraceError, ...).
template <class F>
auto user_errors_as(const py::object& type, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const UserError& e) {
    raise(type, e.what());
  }
}

const ParamSpec& spec(const std::string& key) {
  for (const auto& p : config_params())
    if (p.key == key) return p;
  throw py::key_error(key);
}

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::Int: return "int";
    case ParamType::Bool: return "bool";
    case ParamType::Size: return "size";
    case ParamType::Frequency: return "frequency";
    case ParamType::Latency: return "latency";
    case ParamType::Bandwidth: return "bandwidth";
    case ParamType::Choice: return "choice";
    case ParamType::String: return "string";
  }
  return "?";
}

// The typed value of a key: int, bool, bytes (int), hertz, bytes per second,
// ("cycles", n) or ("fs", femtoseconds) for a latency, str for a choice or string.
py::object typed_value(const Config& c, const std::string& key) {
  switch (spec(key).type) {
    case ParamType::Int: return py::int_(c.integer(key));
    case ParamType::Bool: return py::bool_(c.flag(key));
    case ParamType::Size: return py::int_(c.bytes(key));
    case ParamType::Frequency: return py::float_(c.hertz(key));
    case ParamType::Bandwidth: return py::float_(c.bytes_per_second(key));
    case ParamType::Latency: {
      Latency l = c.latency(key);
      return py::make_tuple(l.in_cycles ? "cycles" : "fs", l.value);
    }
    case ParamType::Choice:
    case ParamType::String: return py::str(c.choice(key));
  }
  return py::none();
}

// The one System this process may build (SystemC elaborates one design per process).
bool g_system_built = false;

py::dict run_system(const Config& cfg, const std::string& trace, const std::string& events, std::uint64_t max_cycles,
                    std::uint64_t stats_interval, const std::string& interval_path, std::uint64_t warmup,
                    bool events_dram) {
  if (g_system_built)
    throw std::logic_error(
        "cohsim: a process can run one simulation only (SystemC elaborates one design "
        "per process); use cohsim.run(), which runs each in a child process");
  g_system_built = true;
  RunOptions ro;
  ro.trace = trace;
  ro.events_path = events;
  ro.events_dram = events_dram;
  ro.max_cycles = max_cycles;
  ro.stats_interval = stats_interval;
  ro.stats_interval_path = interval_path;
  ro.warmup = warmup;
  ro.progress = false;
  py::dict out;
  try {
    System sys(cfg, ro);
    RunOutcome o = sys.run();
    out["stats_json"] = sys.stats_json();
    out["summary"] = sys.summary();
    out["completed"] = o.completed;
    out["cycles"] = o.cycles;
    out["ops"] = o.ops;
    out["wall_seconds"] = o.wall_seconds;
  } catch (const UserError& e) {
    raise(errors().user, e.what());
  } catch (const SimError& e) {
    raise(errors().simulation,
          std::string("internal error (a simulator bug; please report it with this dump):\n") + e.what());
  } catch (const sc_core::sc_report& e) {
    raise(errors().simulation, std::string("internal SystemC error: ") + e.what());
  } catch (const py::error_already_set&) {
    throw;
  } catch (const std::exception& e) {
    raise(errors().simulation, std::string("internal error: ") + e.what());
  }
  return out;
}

// Litmus runs (`cohsim litmus`): the runner forks one child per run and never
// elaborates in this process. One JSON object per test.
std::string run_litmus_json(const std::string& path, const Config& cfg, const std::string& isa, bool lse,
                            std::uint64_t runs, std::uint64_t seed, unsigned jobs, const std::string& expect) {
  try {
    LitmusRunOptions o;
    o.isa = isa;
    o.lse = lse;
    o.runs = runs;
    o.seed = seed;
    o.jobs = jobs;
    o.expect = expect;
    return run_litmus(parse_litmus(path), cfg, o).to_json();
  } catch (const UserError& e) {
    raise(errors().user, e.what());
  }
}

// The random tester (`cohsim stress`); like run_system, once per process.
std::string run_stress_json(const Config& cfg, std::uint64_t ops, std::uint64_t seed, unsigned lines) {
  if (g_system_built) throw std::logic_error("cohsim: a process can run one simulation only; use cohsim.stress()");
  g_system_built = true;
  try {
    return run_stress(cfg, StressOptions{ops, seed, lines}).to_json();
  } catch (const UserError& e) {
    raise(errors().user, e.what());
  }
}

py::object protocol_table(const std::string& name, const std::string& fabric, const std::string& format) {
  try {
    std::string out = show_protocol(name, fabric, format, false);  // what `cohsim protocol show` prints
    if (format == "png") return py::bytes(out);                      // an image
    return py::str(out);
  } catch (const UserError& e) {
    raise(errors().user, e.what());
  }
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "cohsim's C++ core (configuration, protocol tables, traces, one simulation per process)";
  m.attr("version") = cohsim_version();
  m.attr("commit") = cohsim_commit();
  py::module_ err = py::module_::import("cohsim.errors");
  errors() = {err.attr("UserError"), err.attr("ConfigError"), err.attr("TraceError"), err.attr("SimulationError")};

  py::class_<Config>(m, "Config")
      .def_static(
          "load",
          [](const std::string& path) { return user_errors_as(errors().config, [&] { return Config::load(path); }); })
      .def_static(
          "from_yaml",
          [](const std::string& text, const std::string& origin) {
            return user_errors_as(errors().config, [&] { return Config::from_yaml(text, origin); });
          },
          py::arg("text"), py::arg("origin") = "<yaml>")
      .def_static("defaults", &Config::defaults)
      .def("set", [](Config& c, const std::string& k,
                     const std::string& v) { user_errors_as(errors().config, [&] { c.set(k, v); }); })
      .def("set_assignment",
           [](Config& c, const std::string& kv) { user_errors_as(errors().config, [&] { c.set_assignment(kv); }); })
      .def("set_all",
           [](Config& c, const std::vector<std::pair<std::string, std::string>>& kv) {
             user_errors_as(errors().config, [&] { c.set_all(kv); });
           })
      .def("validate", [](const Config& c) { user_errors_as(errors().config, [&] { c.validate(); }); })
      .def("to_yaml", &Config::to_yaml)
      .def("text", &Config::text)
      .def("value", &typed_value)
      .def("has_level", &Config::has_level)
      .def("where", &Config::where)
      .def("origin", &Config::origin)
      .def("copy", [](const Config& c) { return Config(c); });

  // `python3 -m cohsim ARGS...` (cohsim/__main__.py): the command line in this process,
  // which exits after it; data_dirs are the package's installed configs and traces.
  m.def(
      "main",
      [](const std::vector<std::string>& args, const std::vector<std::string>& data_dirs) {
        for (auto& d : data_dirs) add_data_dir(d);
        return run_cohsim(args);
      },
      py::arg("args"), py::arg("data_dirs") = std::vector<std::string>{});
  m.def("data_dirs", &data_dirs);
  m.def("add_data_dir", &add_data_dir);
  // The command line's lookup of an input file (find_input): PATH if it exists, else the
  // installed copy in data_dirs(); `config` also takes a bare name (`default`).
  m.def("find_input", [](const std::string& path, bool config) {
    return find_input(path, config ? InputKind::Config : InputKind::File);
  });
  m.def("all_keys", &all_keys);
  m.def("isa_choices", &isa_choices);
  m.def("protocol_choices", &protocol_choices);
  m.def("fabric_choices", &fabric_choices);
  m.def("config_reference_markdown", &config_reference_markdown);
  // The entries of a registry kind ("config.rule", "replacement", ...): name, description.
  m.def("plugins", [](const std::string& kind) {
    py::list out;
    for (const PluginInfo& i : plugin_infos(kind)) {
      py::dict d;
      d["name"] = i.name;
      d["description"] = i.description;
      out.append(d);
    }
    return out;
  });
  m.def("params", [] {
    py::list out;
    for (const auto& p : config_params()) {
      py::dict d;
      d["key"] = p.key;
      d["section"] = p.section();
      d["type"] = type_name(p.type);
      d["default"] = p.default_text;
      d["unit"] = p.unit;
      d["description"] = p.description;
      d["rule"] = p.valid.text;
      d["choices"] = p.choices ? py::cast(p.choices()) : py::object(py::none());
      out.append(d);
    }
    return out;
  });
  m.def("sections", [] {
    py::list out;
    for (const auto& s : config_sections())
      out.append(py::make_tuple(s.name, s.description, s.nullable, s.present_by_default));
    return out;
  });
  m.def("resolve_trace_path", [](const Config& c, const std::string& option) {
    return user_errors_as(errors().config, [&] { return resolve_trace_path(c, option); });
  });

  m.def("protocols", [] {
    py::list out;
    for (const ProtocolTable* t : all_protocols()) out.append(py::make_tuple(t->name(), t->fabric(), t->description()));
    return out;
  });
  m.def("protocol_table", &protocol_table, py::arg("name"), py::arg("fabric") = "bus", py::arg("format") = "text");

  m.def(
      "trace_stats",
      [](const std::string& path, unsigned line_size, unsigned page_size, bool json) {
        return user_errors_as(errors().trace, [&] {
          auto t = Trace::open(path);
          TraceStats s = compute_trace_stats(*t, line_size, page_size);
          return json ? s.to_json() : format_trace_stats(s);
        });
      },
      py::arg("path"), py::arg("line_size") = 64, py::arg("page_size") = 4096, py::arg("json") = true);
  m.def("convert_trace", [](const std::string& in, const std::string& out) {
    user_errors_as(errors().trace, [&] { convert_trace(in, out); });
  });
  m.def("trace_output_format", [](const std::string& out) { return std::string(trace_output_format(out)); });

  // The declaration of a statistic (docs/stats.md): a dict, or None for an undeclared name.
  m.def("stat_declaration", [](const std::string& name) -> py::object {
    const StatDecl* d = find_stat_declaration(name);
    if (!d) return py::none();
    py::dict out;
    out["pattern"] = d->pattern;
    out["unit"] = d->unit;
    out["clock"] = d->clock;
    out["description"] = d->description;
    return out;
  });
  m.def("stats_schema_json", &stats_schema_json);

  m.def("run_litmus", &run_litmus_json, py::arg("path"), py::arg("config"), py::arg("isa"), py::arg("lse"),
        py::arg("runs"), py::arg("seed"), py::arg("jobs"), py::arg("expect"));
  m.def("run_stress", &run_stress_json, py::arg("config"), py::arg("ops"), py::arg("seed"), py::arg("lines"));
  m.def("run_system", &run_system, py::arg("config"), py::arg("trace"), py::arg("events") = "",
        py::arg("max_cycles") = 0, py::arg("stats_interval") = 0, py::arg("interval_path") = "", py::arg("warmup") = 0,
        py::arg("events_dram") = false);
}
