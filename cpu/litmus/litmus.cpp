#include "cpu/litmus/litmus.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "cpu/trace/program.hpp"
#include "cpu/trace/text_trace.hpp"
#include "sim/base/error.hpp"

namespace cohsim {
namespace {

// ---- tokens -----------------------------------------------------------------------

struct Tok {
  enum Kind { Ident, Number, Punct, End } kind = End;
  std::string text;
  std::uint64_t number = 0;
  int col = 0;
};

class Lexer {
 public:
  Lexer(const std::string& file, int line, const std::string& text) : file_(file), line_(line), s_(text) { advance(); }
  const Tok& peek() const { return cur_; }
  Tok take() {
    Tok t = cur_;
    advance();
    return t;
  }
  bool accept(const std::string& p) {
    if (cur_.kind != Tok::End && cur_.text == p) return advance(), true;
    return false;
  }
  void expect(const std::string& p, const std::string& what) {
    if (!accept(p)) fail("expected '" + p + "' " + what + got());
  }
  std::string ident(const std::string& what) {
    if (cur_.kind != Tok::Ident) fail("expected " + what + got());
    return take().text;
  }
  std::uint64_t number(const std::string& what) {
    if (cur_.kind != Tok::Number) fail("expected " + what + " (a decimal or 0x hex number)" + got());
    return take().number;
  }
  bool at_end() const { return cur_.kind == Tok::End; }
  std::string got() const {
    return cur_.kind == Tok::End ? ", found the end of the line" : ", found '" + excerpt(cur_.text) + "'";
  }
  [[noreturn]] void fail(const std::string& msg) const { throw UserError(located(file_, line_, cur_.col, msg)); }
  [[noreturn]] void fail_at(int col, const std::string& msg) const {
    throw UserError(located(file_, line_, col, msg));
  }
  int line() const { return line_; }

 private:
  void advance() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    cur_ = Tok{};
    cur_.col = int(pos_) + 1;
    if (pos_ >= s_.size()) return;
    const char c = s_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t e = pos_;
      while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
      cur_.kind = Tok::Ident, cur_.text = s_.substr(pos_, e - pos_), pos_ = e;
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t e = pos_;
      while (e < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[e])) || s_[e] == '_')) ++e;
      cur_.kind = Tok::Number, cur_.text = s_.substr(pos_, e - pos_), pos_ = e;
      std::string digits;
      for (char d : cur_.text)
        if (d != '_') digits += d;
      try {
        std::size_t used = 0;
        const bool hex = digits.size() > 2 && (digits[1] == 'x' || digits[1] == 'X');
        cur_.number = std::stoull(hex ? digits.substr(2) : digits, &used, hex ? 16 : 10);
        if (used != (hex ? digits.size() - 2 : digits.size())) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw UserError(located(file_, line_, cur_.col, "bad number '" + excerpt(cur_.text) + "' (decimal or 0x hex)"));
      }
      return;
    }
    static const char* two[] = {"::", "==", "!=", "<=", ">=", "&&", "||", "/\\", "\\/"};
    for (const char* t : two)
      if (s_.compare(pos_, 2, t) == 0) {
        cur_.kind = Tok::Punct, cur_.text = t, pos_ += 2;
        return;
      }
    cur_.kind = Tok::Punct, cur_.text = std::string(1, c), ++pos_;
  }
  std::string file_;
  int line_;
  std::string s_;
  std::size_t pos_ = 0;
  Tok cur_;
};

const std::vector<std::string>& ordering_names() {
  static const std::vector<std::string> v = {"Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"};
  return v;
}

// `Ordering::SeqCst`, `atomic::Ordering::SeqCst`, or bare `SeqCst`.
Ordering parse_ordering(Lexer& lx) {
  std::string w = lx.ident("an ordering (Ordering::Relaxed, Acquire, Release, AcqRel or SeqCst)");
  while (lx.accept("::")) w = lx.ident("an ordering after '::'");
  const auto& names = ordering_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (w == names[i]) return Ordering(i + 1);
  std::string near = nearest(w, names);
  lx.fail("unknown ordering '" + excerpt(w) + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
          "; valid: Ordering::Relaxed, Acquire, Release, AcqRel, SeqCst");
}

const char* rmw_methods[] = {"fetch_add", "fetch_sub", "fetch_and", "fetch_or", "fetch_xor", "swap"};
const OpKind rmw_kinds[] = {OpKind::FetchAdd, OpKind::FetchSub, OpKind::FetchAnd,
                            OpKind::FetchOr,  OpKind::FetchXor, OpKind::Swap};

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// ---- the parser ---------------------------------------------------------------------

class Parser {
 public:
  Parser(const std::string& path) { t_.path = path; }

  LitmusTest run(const std::string& text) {
    std::istringstream in(text);
    std::string raw;
    int n = 0;
    int cond_line = 0;
    std::vector<std::string> trace_lines;
    while (std::getline(in, raw)) {
      ++n;
      trace_lines.emplace_back();
      std::string s = raw;
      if (auto c = s.find("//"); c != std::string::npos) s = s.substr(0, c);
      if (!s.empty() && trim(s).rfind("#", 0) == 0) s.clear();
      const std::string line = trim(s);
      if (line.empty()) continue;
      Lexer lx(t_.path, n, s);
      if (in_thread_) {
        if (line == "}" && blocks_.empty()) {
          finish_thread(trace_lines);
          in_thread_ = false;
          continue;
        }
        statement(lx, trace_lines.back());
        continue;
      }
      const std::string word = lx.peek().kind == Tok::Ident ? lx.peek().text : "";
      if (word == "litmus") {
        lx.take();
        std::string name = trim(s.substr(s.find("litmus") + 6));
        if (name.empty()) lx.fail("expected the test's name after 'litmus'");
        if (!t_.name.empty()) lx.fail("a second 'litmus' line (one test per file)");
        t_.name = name;
      } else if (word == "init") {
        lx.take();
        init(lx);
      } else if (word == "expect") {
        lx.take();
        expect(lx);
      } else if (word == "thread") {
        lx.take();
        const std::uint64_t k = lx.number("the thread number");
        if (k != t_.threads)
          lx.fail("thread " + std::to_string(k) + ": threads must be numbered 0, 1, 2, ... in order; expected thread " +
                  std::to_string(t_.threads));
        lx.expect("{", "after 'thread " + std::to_string(k) + "'");
        if (!lx.at_end()) lx.fail("put each statement on its own line after 'thread N {'");
        if (cond_) lx.fail("a thread after the 'exists' condition: the condition comes last");
        ++t_.threads;
        t_.registers.emplace_back();
        t_.ops.emplace_back();
        temps_.clear();
        in_thread_ = true;
        thread_line_ = n;
        trace_lines.back() = "thread " + std::to_string(k);
      } else if (word == "exists") {
        lx.take();
        if (cond_) lx.fail("a second 'exists' condition");
        if (t_.threads == 0) lx.fail("the 'exists' condition comes after the threads");
        const std::size_t at = s.find("exists");
        t_.condition_text = trim(s.substr(at));
        cond_ = expr(lx, 0);
        if (!lx.at_end()) lx.fail("unexpected text after the condition" + lx.got());
        cond_line = n;
      } else {
        std::string near = nearest(word, {"litmus", "init", "expect", "thread", "exists"});
        lx.fail("expected 'litmus NAME', 'init', 'expect', 'thread N {' or 'exists (...)'" + lx.got() +
                (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      }
    }
    if (in_thread_ && !blocks_.empty())
      throw UserError(located(t_.path, blocks_.back().line, 0,
                              std::string(blocks_.back().kind == Block::While ? "while" : "if") +
                                  " block is not closed: missing '}'"));
    if (in_thread_)
      throw UserError(located(t_.path, thread_line_, 0,
                              "thread " + std::to_string(t_.threads - 1) + " is not closed: missing '}'"));
    if (t_.threads == 0)
      throw UserError(located(t_.path, n, 0, "no threads: a test needs at least one 'thread N { ... }'"));
    if (!cond_) throw UserError(located(t_.path, n, 0, "missing the final condition 'exists (...)'"));
    (void)cond_line;
    t_.condition = cond_;
    if (t_.name.empty()) {
      std::string base = t_.path.substr(t_.path.find_last_of('/') + 1);
      if (auto d = base.rfind(".litmus"); d != std::string::npos) base = base.substr(0, d);
      t_.name = base;
    }
    std::ostringstream tt;
    for (auto& l : trace_lines) tt << l << "\n";
    t_.trace_text = tt.str();
    return t_;
  }

 private:
  unsigned location(const std::string& name) {
    for (std::size_t i = 0; i < t_.locations.size(); ++i)
      if (t_.locations[i] == name) return unsigned(i);
    t_.locations.push_back(name);
    return unsigned(t_.locations.size() - 1);
  }

  void init(Lexer& lx) {
    do {
      if (lx.at_end()) break;
      const std::string name = lx.ident("a location name (init x = 0; y = 1)");
      lx.expect("=", "after '" + excerpt(name) + "' (init x = 0; y = 1)");
      const std::uint64_t v = lx.number("the initial value");
      for (auto& [k, _] : t_.init)
        if (k == name) lx.fail("location '" + excerpt(name) + "' is initialised twice");
      if (!t_.ops.empty()) lx.fail("'init' comes before the threads");
      location(name);
      t_.init.emplace_back(name, v);
    } while (lx.accept(";") || lx.accept(","));
    if (!lx.at_end()) lx.fail("expected ';' between initial values" + lx.got());
  }

  void expect(Lexer& lx) {
    auto verdict = [&]() {
      const std::string v = lx.ident("'allowed' or 'forbidden'");
      if (v != "allowed" && v != "forbidden") lx.fail("expected 'allowed' or 'forbidden', found '" + excerpt(v) + "'");
      return v;
    };
    const std::string first = lx.peek().kind == Tok::Ident ? lx.peek().text : "";
    if (first == "allowed" || first == "forbidden") {
      if (!t_.expectation.empty()) lx.fail("a second 'expect allowed|forbidden' line");
      t_.expectation = verdict();
      if (!lx.at_end()) lx.fail("unexpected text after the expectation" + lx.got());
      return;
    }
    do {
      if (lx.at_end()) break;
      const std::string isa = lx.ident("'allowed', 'forbidden' or an ISA (expect arm: allowed; x86: forbidden)");
      if (isa != "x86" && isa != "arm" && isa != "riscv") {
        std::string near = nearest(isa, {"x86", "arm", "riscv"});
        lx.fail("unknown ISA '" + excerpt(isa) + "' in 'expect'" +
                (near.empty() ? "" : " (did you mean '" + near + "'?)") + "; valid: x86, arm, riscv");
      }
      lx.expect(":", "after the ISA (expect arm: allowed)");
      const std::string v = verdict();
      for (auto& [k, _] : t_.isa_expectations)
        if (k == isa) lx.fail("two expectations for " + isa);
      t_.isa_expectations.emplace_back(isa, v);
    } while (lx.accept(";") || lx.accept(","));
    if (!lx.at_end()) lx.fail("expected ';' between expectations" + lx.got());
  }

  short reg(Lexer& lx, const std::string& name) {
    auto& regs = t_.registers.back();
    if (std::find(regs.begin(), regs.end(), name) != regs.end())
      lx.fail("register '" + excerpt(name) + "' is already defined in thread " + std::to_string(t_.threads - 1) +
              " (each `let` names a new register)");
    regs.push_back(name);
    return short(regs.size() - 1);
  }

  void check_order(Lexer& lx, const Op& op, const std::string& what) {
    if (!trace_detail::order_allowed(op.kind, op.order))
      lx.fail(what + " cannot be " + name(op.order) + " (Rust rejects it)");
    if ((op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak) &&
        !trace_detail::fail_order_allowed(op.order, op.fail_order))
      lx.fail(std::string("compare_exchange failure ordering ") + name(op.fail_order) +
              " is not allowed with success ordering " + name(op.order) +
              " (failure must be Relaxed, Acquire or SeqCst and no stronger than success)");
  }

  // ---- programs: registers read, indexing, branches and loops ----
  //
  // Registers of the thread are its `let` names, in order; temporaries the parser
  // adds (an index scaled to bytes, the value a loop condition reads) are numbered
  // kTempBase + k while the thread is parsed and placed after the named registers
  // when it closes (finish_thread), so outcomes list only the named ones.
  static constexpr std::int16_t kTempBase = 0x4000;
  struct Operand {
    std::int16_t reg = -1;  // a register, or -1: the immediate
    std::uint64_t imm = 0;
  };
  struct Block {
    enum Kind { If, Else, While } kind;
    std::size_t branch;  // the op whose target is the block's end (patched when it closes)
    std::size_t top;     // While: the first op of the condition (the loop jumps back to it)
    int line;
  };

  std::vector<Op>& cur_ops() { return t_.ops.back(); }
  std::int16_t new_temp() {
    temps_.push_back("_t" + std::to_string(temps_.size()));
    return std::int16_t(kTempBase + int(temps_.size()) - 1);
  }
  Op make_op(OpKind k, int line) const {
    Op op;
    op.kind = k, op.line = std::uint32_t(line), op.size = 8, op.order = Ordering::Plain;
    return op;
  }
  // `col`: where the name starts (for the message).
  std::int16_t find_reg(Lexer& lx, const std::string& name, int col) {
    const auto& regs = t_.registers.back();
    auto it = std::find(regs.begin(), regs.end(), name);
    if (it != regs.end()) return std::int16_t(it - regs.begin());
    std::string list;
    for (auto& x : regs) list += (list.empty() ? "" : ", ") + x;
    std::string near = nearest(name, regs);
 lx.fail_at(col, "unknown register '" + excerpt(name) + "' in thread " + std::to_string(t_.threads - 1) +
            (near.empty() ? "" : " (did you mean '" + near + "'?)") +
            "; its registers so far: " + (list.empty() ? "none" : list) +
            " (a location is used as x.load(...), x.store(...), x[r0].load(...))");
  }
  bool is_reg(const std::string& name) const {
    const auto& regs = t_.registers.back();
    return std::find(regs.begin(), regs.end(), name) != regs.end();
  }
  // A register or a number.
  Operand operand(Lexer& lx, const std::string& what) {
    Operand o;
    if (lx.peek().kind == Tok::Number) o.imm = lx.number(what);
    else if (lx.peek().kind == Tok::Ident) {
      const int col = lx.peek().col;
      o.reg = find_reg(lx, lx.take().text, col);
    }
    else lx.fail("expected " + what + " (a register or a number)" + lx.got());
    return o;
  }
  static bool alu_op(const Tok& t, OpKind& k) {
    if (t.kind != Tok::Punct) return false;
    if (t.text == "+") k = OpKind::Add;
    else if (t.text == "-") k = OpKind::Sub;
    else if (t.text == "&") k = OpKind::And;
    else if (t.text == "|") k = OpKind::Or;
    else if (t.text == "^") k = OpKind::Xor;
    else return false;
    return true;
  }
  // `A` or `A OP B` (OP: + - & | ^) after its first operand `a`: the ALU op writing
  // `dest`, or (no OP) a move. Returns false when there is no OP (only `a`).
  bool alu_rest(Lexer& lx, const Operand& a, OpKind& k, Operand& b) {
    if (!alu_op(lx.peek(), k)) return false;
    lx.take();
    b = operand(lx, "the second operand after '" + std::string(name(k)) + "'");
    return true;
  }
  void emit_alu(OpKind k, std::int16_t dest, const Operand& a, const Operand& b, int line) {
    Op op = make_op(k, line);
    op.reg = dest;
    op.ereg = a.reg, op.expected = a.imm;
    op.vreg = b.reg, op.value = b.imm;
    cur_ops().push_back(op);
  }
  // A value: `V`, `r0`, or `A OP B` (computed into a temporary first).
  Operand value_expr(Lexer& lx, const std::string& what) {
    Operand a = operand(lx, what);
    OpKind k;
    Operand b;
    if (!alu_rest(lx, a, k, b)) return a;
    Operand t;
    t.reg = new_temp();
    emit_alu(k, t.reg, a, b, lx.line());
    return t;
  }
  // `[INDEX]` after a location: element INDEX of an array of 8-byte atomics, so the
  // byte offset INDEX * 8 goes into a temporary (doubled three times: the ops have no
  // multiply) that the access adds to its address. `x[0]` is `x`.
  void index(Lexer& lx, Op& op) {
    const Operand i = value_expr(lx, "an index (x[r0], x[r1 ^ r1])");
    lx.expect("]", "to close the index");
    if (i.reg < 0 && i.imm == 0) return;
    const std::int16_t t = new_temp();
    if (i.reg < 0) {
      emit_alu(OpKind::Mov, t, {}, {-1, i.imm * 8}, lx.line());
    } else {
      emit_alu(OpKind::Add, t, i, i, lx.line());
      emit_alu(OpKind::Add, t, {t, 0}, {t, 0}, lx.line());
      emit_alu(OpKind::Add, t, {t, 0}, {t, 0}, lx.line());
    }
    op.areg = t;
  }

  // LOC or LOC[INDEX], then .method(args), after LOC has been read; fills `op` (the
  // index's ops are emitted first).
  void method_call(Lexer& lx, const std::string& loc, Op& op, bool has_reg) {
    if (lx.accept("[")) index(lx, op);
    lx.expect(".", "after '" + excerpt(loc) + "'");
    const std::string m = lx.ident("a method (load, store, fetch_add, swap, compare_exchange, ...)");
    lx.expect("(", "after '" + m + "'");
    op.addr = location(loc);
    auto val = [&](std::uint64_t& v, std::int16_t& r, const std::string& what) {
      const Operand o = value_expr(lx, what);
      v = o.imm, r = o.reg;
    };
    if (m == "load") {
      op.kind = OpKind::Load;
      op.order = parse_ordering(lx);
    } else if (m == "store") {
      if (has_reg) lx.fail("store returns nothing: write `" + loc + ".store(V, ORDER);` without `let`");
      op.kind = OpKind::Store;
      val(op.value, op.vreg, "the value to store");
      lx.expect(",", "after the value");
      op.order = parse_ordering(lx);
    } else if (m == "compare_exchange" || m == "compare_exchange_weak") {
      op.kind = m == "compare_exchange" ? OpKind::CompareExchange : OpKind::CompareExchangeWeak;
      val(op.expected, op.ereg, "the expected value");
      lx.expect(",", "after the expected value");
      val(op.value, op.vreg, "the new value");
      lx.expect(",", "after the new value");
      op.order = parse_ordering(lx);
      lx.expect(",", "after the success ordering (compare_exchange takes a success and a failure ordering)");
      op.fail_order = parse_ordering(lx);
    } else {
      int k = -1;
      for (int i = 0; i < 6; ++i)
        if (m == rmw_methods[i]) k = i;
      if (k < 0) {
        std::vector<std::string> all = {"load", "store", "compare_exchange", "compare_exchange_weak"};
        for (auto* r : rmw_methods) all.push_back(r);
        std::string near = nearest(m, all);
        lx.fail("unknown method '" + m + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                "; valid: load, store, fetch_add, fetch_sub, fetch_and, fetch_or, fetch_xor, swap, compare_exchange, "
                "compare_exchange_weak");
      }
      op.kind = rmw_kinds[k];
      val(op.value, op.vreg, "the operand");
      lx.expect(",", "after the operand");
      op.order = parse_ordering(lx);
    }
    lx.expect(")", "to close the call");
    check_order(lx, op, m);
  }

  void end_statement(Lexer& lx) {
    lx.accept(";");
    if (!lx.at_end()) lx.fail("one statement per line; unexpected" + lx.got().substr(1));
  }

  // ---- conditions of `if` and `while` ----
  struct Test {
    Cond cond;  // Eq, Ne, Lt, Ge: branch when cond(a, b)
    Operand a, b;
  };
  static Cond negate(Cond c) {
    switch (c) {
      case Cond::Eq: return Cond::Ne;
      case Cond::Ne: return Cond::Eq;
      case Cond::Lt: return Cond::Ge;
      case Cond::Ge: return Cond::Lt;
      default: return c;
    }
  }
  // `A CMP B` with A, B registers or numbers; CMP == != < >= > <= (unsigned).
  Test comparison(Lexer& lx, const Operand& a) {
    Test t;
    Operand b;
    std::string c = lx.peek().kind == Tok::Punct ? lx.peek().text : "";
    if (c != "==" && c != "!=" && c != "<" && c != ">=" && c != ">" && c != "<=")
      lx.fail("expected a comparison (==, !=, <, <=, >, >=)" + lx.got());
    lx.take();
    b = operand(lx, "the value compared with");
    if (c == "==") t = {Cond::Eq, a, b};
    else if (c == "!=") t = {Cond::Ne, a, b};
    else if (c == "<") t = {Cond::Lt, a, b};
    else if (c == ">=") t = {Cond::Ge, a, b};
    else if (c == ">") t = {Cond::Lt, b, a};
    else t = {Cond::Ge, b, a};  // a <= b
    return t;
  }
  // The condition of `if`/`while`: `r0 == 1` (registers, numbers), or a memory access
  // whose value is compared, `x.load(Ordering::Acquire) == 0`, `x.fetch_add(1, ..) < 4`,
  // or a compare-exchange's outcome, `l.compare_exchange_weak(0, 1, Acquire,
  // Relaxed).is_err()` (or `.is_ok()`). The access's ops are emitted; `access` gets
  // the index of the memory op (or -1).
  Test condition(Lexer& lx, long& access) {
    access = -1;
    if (lx.peek().kind == Tok::Ident) {
      const int col = lx.peek().col;
      const std::string first = lx.take().text;
      if (lx.peek().kind == Tok::Punct && (lx.peek().text == "." || lx.peek().text == "[")) {
        Op op = make_op(OpKind::Load, lx.line());
        method_call(lx, first, op, true);
        if (op.kind == OpKind::Store) lx.fail("a store has no value to test; use a load, an RMW or a compare_exchange");
        op.reg = new_temp();
        access = long(cur_ops().size());
        cur_ops().push_back(op);
        Operand v{op.reg, 0};
        if (op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak) {
          lx.expect(".", "after compare_exchange(...): .is_err() or .is_ok()");
          const std::string m = lx.ident("is_err or is_ok");
          if (m != "is_err" && m != "is_ok")
            lx.fail("unknown method '" + excerpt(m) + "' on a compare_exchange result; valid: is_err, is_ok");
          lx.expect("(", "after '" + m + "'");
          lx.expect(")", "after '" + m + "('");
          // The register holds the value read, which cannot tell a weak compare-exchange's
          // spurious failure (an LL/SC store-exclusive that failed) from a success: the
          // test runs the strong form, whose outcomes in a retry loop are the same.
          Op& cas = cur_ops().back();
          cas.kind = OpKind::CompareExchange;
          // Err: the value read differs from the expected one.
          return {m == "is_err" ? Cond::Ne : Cond::Eq, v, {op.ereg, op.expected}};
        }
        return comparison(lx, v);
      }
      return comparison(lx, {find_reg(lx, first, col), 0});
    }
    return comparison(lx, operand(lx, "a register, a number or an access such as x.load(Ordering::Acquire)"));
  }
  Op branch_op(Cond c, const Operand& a, const Operand& b, std::size_t target, int line) const {
    Op op = make_op(OpKind::Branch, line);
    op.cond = c, op.ereg = a.reg, op.expected = a.imm, op.vreg = b.reg, op.value = b.imm;
    op.target = std::uint32_t(target);
    return op;
  }
  // `{` ending an `if`/`while` line: a block follows (true), or `{}`: an empty body.
  bool open_brace(Lexer& lx, const std::string& what) {
    lx.expect("{", "after the condition of '" + what + "'");
    if (lx.accept("}")) {
      end_statement(lx);
      return false;
    }
    if (!lx.at_end())
      lx.fail("put the body of '" + what + "' on the lines after '{' and close it with '}' on a line of its own" +
              lx.got());
    return true;
  }

  void control(Lexer& lx, const std::string& word) {
    const int line = lx.line();
    if (word == "if") {
      long access;
      const Test c = condition(lx, access);
      cur_ops().push_back(branch_op(negate(c.cond), c.a, c.b, 0, line));
      const std::size_t br = cur_ops().size() - 1;
      if (!open_brace(lx, "if")) {
        cur_ops()[br].target = std::uint32_t(cur_ops().size());
        return;
      }
      blocks_.push_back({Block::If, br, 0, line});
      return;
    }
    // while
    const std::size_t top = cur_ops().size();
    long access;
    const Test c = condition(lx, access);
    const bool body = open_brace(lx, "while");
    if (!body) {
      // An empty loop (`while x.load(O) == 0 {}`, a compare-exchange retry loop): back to
      // the condition while it holds. (Rust's loop is this load-compare-branch loop; the
      // trace's `wait` op would add the spin hint of `std::hint::spin_loop()`.)
      cur_ops().push_back(branch_op(c.cond, c.a, c.b, top, line));
      return;
    }
    cur_ops().push_back(branch_op(negate(c.cond), c.a, c.b, 0, line));
    blocks_.push_back({Block::While, cur_ops().size() - 1, top, line});
  }

  // `}` or `} else {` inside a thread with an open block.
  void close_block(Lexer& lx) {
    if (blocks_.empty()) lx.fail("'}' without an open 'if' or 'while'");
    Block b = blocks_.back();
    blocks_.pop_back();
    auto& ops = cur_ops();
    if (lx.accept("else")) {
      if (b.kind != Block::If) lx.fail("'else' after a 'while' block (only 'if' takes 'else')");
      lx.expect("{", "after 'else'");
      if (!lx.at_end()) lx.fail("put the body of 'else' on the lines after '{'" + lx.got());
      ops.push_back(branch_op(Cond::Always, {}, {}, 0, lx.line()));  // the then-part jumps over the else-part
      ops[b.branch].target = std::uint32_t(ops.size());
      blocks_.push_back({Block::Else, ops.size() - 1, 0, lx.line()});
      return;
    }
    end_statement(lx);
    if (b.kind == Block::While) ops.push_back(branch_op(Cond::Always, {}, {}, b.top, lx.line()));
    ops[b.branch].target = std::uint32_t(ops.size());
  }

  // The thread's closing `}`: temporaries after the named registers, and a program
  // (registers read, branches, waits) checked and printed in the trace text.
  void finish_thread(std::vector<std::string>& trace_lines) {
    auto& ops = cur_ops();
    const auto named = std::int16_t(t_.registers.back().size());
    bool program = false;
    for (Op& op : ops) {
      for (std::int16_t* r : {&op.reg, &op.areg, &op.vreg, &op.ereg})
        if (*r >= kTempBase) *r = std::int16_t(*r - kTempBase + named);
      program |= is_alu(op.kind) || op.kind == OpKind::Branch || op.kind == OpKind::Wait || op.reads_registers();
    }
    t_.temporaries.push_back(temps_);
    t_.program.push_back(program);
    if (!program) return;
    std::vector<std::string> regs = t_.registers.back();
    regs.insert(regs.end(), temps_.begin(), temps_.end());
    check_program(ops, t_.path, t_.threads - 1, regs);
    std::vector<bool> target(ops.size() + 1, false);
    for (const Op& op : ops)
      if (op.kind == OpKind::Branch) target[op.target] = true;
    std::vector<bool> seen(trace_lines.size(), false);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      std::string& l = trace_lines.at(ops[i].line - 1);
      if (!seen[ops[i].line - 1]) l = " ", seen[ops[i].line - 1] = true;
      else l += ";";
      if (target[i]) l += " L" + std::to_string(i) + ":";
      Op shown = ops[i];
      ++shown.addr;  // op_text leaves out a zero base address ([r1]): name location 0 too
      l += " " + op_text(shown, [&](Addr a) { return t_.locations.at(std::size_t(a - 1)); }, regs);
    }
    if (target[ops.size()]) trace_lines.back() = "L" + std::to_string(ops.size()) + ":";
  }

  void statement(Lexer& lx, std::string& trace_line) {
    if (lx.accept("}")) return close_block(lx);
    const std::string word = lx.peek().kind == Tok::Ident ? lx.peek().text : "";
    if (word == "if" || word == "while") {
      lx.take();
      return control(lx, word);
    }
    if (word == "else") lx.fail("'else' comes after the '}' of its 'if': `} else {`");
    Op op;
    op.line = std::uint32_t(lx.line());
    op.size = 8;
    std::string regname;
    if (lx.accept("let")) {
      lx.accept("mut");
      regname = lx.ident("a register name after 'let'");
      lx.expect("=", "after 'let " + regname + "'");
      if (lx.accept("*")) {
        op.kind = OpKind::Load;
        op.order = Ordering::Plain;
        op.addr = location(lx.ident("a location after '*'"));
      } else if (lx.peek().kind == Tok::Number) {
        const Operand a = operand(lx, "a value");
        return assignment(lx, reg(lx, regname), a);
      } else {
        const int col = lx.peek().col;
        const std::string loc = lx.ident(
            "a location or a register (let r = x.load(Ordering::Acquire); let r = *x; let r = r0 ^ r0; let r = 1;)");
        if (!(lx.peek().kind == Tok::Punct && (lx.peek().text == "." || lx.peek().text == "["))) {
          const Operand a{find_reg(lx, loc, col), 0};
          return assignment(lx, reg(lx, regname), a);
        }
        method_call(lx, loc, op, true);
      }
      op.reg = reg(lx, regname);
    } else if (lx.accept("*")) {
      op.kind = OpKind::Store;
      op.order = Ordering::Plain;
      op.addr = location(lx.ident("a location after '*'"));
      lx.expect("=", "(a plain store is `*x = 1;`)");
      const Operand v = value_expr(lx, "the value to store");
      op.value = v.imm, op.vreg = v.reg;
    } else {
      const int col = lx.peek().col;
      std::string first =
          lx.ident("a statement (x.store(1, Ordering::Relaxed); let r = x.load(...); *x = 1; fence(...); if ...; while ...)");
      if (is_reg(first) && lx.accept("=")) {
        const std::int16_t dest = find_reg(lx, first, col);
        const Operand a = operand(lx, "a value");
        return assignment(lx, dest, a);
      }
      std::vector<std::string> path{first};
      while (lx.accept("::")) path.push_back(lx.ident("a name after '::'"));
      if (path.back() == "fence") {
        lx.expect("(", "after 'fence'");
        op.kind = OpKind::Fence;
        op.order = parse_ordering(lx);
        lx.expect(")", "to close fence(...)");
        check_order(lx, op, "a fence");
      } else {
        if (path.size() > 1) lx.fail("unknown function '" + path.back() + "'; the only function is fence(ORDER)");
        if (first == "let" || first == "thread" || first == "exists") lx.fail("'" + first + "' cannot be used here");
        method_call(lx, first, op, false);
      }
    }
    end_statement(lx);
    t_.ops.back().push_back(op);
    trace_line = text_of(op, regname);
  }

  // `let r = A [OP B];` / `r = A [OP B];` (register arithmetic, a move).
  void assignment(Lexer& lx, std::int16_t dest, const Operand& a) {
    OpKind k;
    Operand b;
    if (alu_rest(lx, a, k, b)) emit_alu(k, dest, a, b, lx.line());
    else emit_alu(OpKind::Mov, dest, {}, a, lx.line());
    end_statement(lx);
  }

  std::string text_of(const Op& op, const std::string& regname) const {
    std::ostringstream o;
    const std::string loc = op.kind == OpKind::Fence ? "" : t_.locations[op.addr];
    o << "  " << name(op.kind);
    if (op.kind != OpKind::Fence) o << " " << loc;
    if (op.kind == OpKind::CompareExchange || op.kind == OpKind::CompareExchangeWeak)
      o << " " << op.expected << " " << op.value << " " << name(op.order) << " " << name(op.fail_order);
    else {
      if (op.kind != OpKind::Load && op.kind != OpKind::Fence) o << " " << op.value;
      if (op.order != Ordering::Plain) o << " " << name(op.order);
    }
    if (!regname.empty()) o << " -> " << regname;
    return o.str();
  }

  // ---- the condition ----
  using Node = std::shared_ptr<const LitmusCond>;
  Node make(LitmusCond::Kind k, Node a, Node b = nullptr) {
    auto n = std::make_shared<LitmusCond>();
    n->kind = k, n->a = std::move(a), n->b = std::move(b);
    return n;
  }
  // Nesting of parentheses and `!` is limited (the parser and the evaluation recurse
  // once per level); a chain of `&&` or `||` becomes a balanced tree, so any length
  // costs a depth of only log2(terms).
  static constexpr int kMaxNesting = 200;
  Node balanced(LitmusCond::Kind k, const std::vector<Node>& v, std::size_t b, std::size_t e) {
    if (e - b == 1) return v[b];
    const std::size_t m = b + (e - b) / 2;
    return make(k, balanced(k, v, b, m), balanced(k, v, m, e));
  }
  Node expr(Lexer& lx, int depth) {
    std::vector<Node> terms{conj(lx, depth)};
    while (lx.accept("||") || lx.accept("\\/")) terms.push_back(conj(lx, depth));
    return balanced(LitmusCond::Or, terms, 0, terms.size());
  }
  Node conj(Lexer& lx, int depth) {
    std::vector<Node> terms{unary(lx, depth)};
    while (lx.accept("&&") || lx.accept("/\\")) terms.push_back(unary(lx, depth));
    return balanced(LitmusCond::And, terms, 0, terms.size());
  }
  Node unary(Lexer& lx, int depth) {
    const bool nests =
        lx.peek().kind == Tok::Punct && (lx.peek().text == "!" || lx.peek().text == "~" || lx.peek().text == "(");
    if (nests && depth >= kMaxNesting)
      lx.fail("the condition nests '(' and '!' more than " + std::to_string(kMaxNesting) + " deep");
    if (lx.accept("!") || lx.accept("~")) return make(LitmusCond::Not, unary(lx, depth + 1));
    if (lx.accept("(")) {
      Node e = expr(lx, depth + 1);
      lx.expect(")", "to close '('");
      return e;
    }
    if (lx.peek().kind == Tok::Ident && lx.peek().text == "true") {
      lx.take();
      return make(LitmusCond::True, nullptr);
    }
    auto n = std::make_shared<LitmusCond>();
    if (lx.peek().kind == Tok::Number) {
      const std::uint64_t th = lx.number("a thread number");
      if (th >= t_.threads)
        lx.fail("no thread " + std::to_string(th) + " (the test has " + std::to_string(t_.threads) + ")");
      lx.expect(":", "after the thread number (1:r0 == 1)");
      const std::string r = lx.ident("a register name");
      const auto& regs = t_.registers[th];
      auto it = std::find(regs.begin(), regs.end(), r);
      if (it == regs.end()) {
        std::string list;
        for (auto& x : regs) list += (list.empty() ? "" : ", ") + x;
        std::string near = nearest(r, regs);
        lx.fail("thread " + std::to_string(th) + " has no register '" + excerpt(r) + "'" +
                (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                "; its registers: " + (list.empty() ? "none" : list));
      }
      n->thread = int(th), n->reg = int(it - regs.begin());
    } else {
      const std::string loc = lx.ident("'T:REG' (1:r0) or a location's final value (x)");
      auto it = std::find(t_.locations.begin(), t_.locations.end(), loc);
      if (it == t_.locations.end()) {
        std::string near = nearest(loc, t_.locations);
        lx.fail("unknown location '" + excerpt(loc) + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)") +
                "; a register is written THREAD:REG (1:r0)");
      }
      n->thread = -1, n->reg = int(it - t_.locations.begin());
      t_.condition_reads_memory = true;
    }
    if (lx.accept("==")) n->kind = LitmusCond::Eq;
    else if (lx.accept("!=")) n->kind = LitmusCond::Ne;
    else if (lx.accept("=")) n->kind = LitmusCond::Eq;  // herd7's spelling
    else lx.fail("expected '==' or '!='" + lx.got());
    n->value = lx.number("a value");
    return n;
  }

  LitmusTest t_;
  std::vector<Block> blocks_;       // open `if` / `while` blocks of the current thread
  std::vector<std::string> temps_;  // the current thread's temporaries
  bool in_thread_ = false;
  int thread_line_ = 0;
  Node cond_;
};

bool eval(const LitmusCond& c, const LitmusOutcome& o) {
  switch (c.kind) {
    case LitmusCond::True: return true;
    case LitmusCond::And: return eval(*c.a, o) && eval(*c.b, o);
    case LitmusCond::Or: return eval(*c.a, o) || eval(*c.b, o);
    case LitmusCond::Not: return !eval(*c.a, o);
    case LitmusCond::Eq:
    case LitmusCond::Ne: {
      std::uint64_t v = 0;
      if (c.thread >= 0) v = o.regs.at(std::size_t(c.thread)).at(std::size_t(c.reg));
      else if (!o.memory.empty()) v = o.memory.at(std::size_t(c.reg));
      return (v == c.value) == (c.kind == LitmusCond::Eq);
    }
  }
  return false;
}

void mark_locations(const LitmusCond& c, std::vector<bool>& used) {
  if (c.a) mark_locations(*c.a, used);
  if (c.b) mark_locations(*c.b, used);
  if ((c.kind == LitmusCond::Eq || c.kind == LitmusCond::Ne) && c.thread < 0) used[std::size_t(c.reg)] = true;
}

// ---- the in-memory trace ------------------------------------------------------------

class VectorStream final : public ThreadStream {
 public:
  VectorStream(const std::vector<Op>* ops, bool program) : ops_(ops), program_(program) {}
  bool next(Op& op) override {
    if (i_ >= ops_->size()) return false;
    op = (*ops_)[i_++];
    return true;
  }
  const std::vector<Op>* program() const override { return program_ ? ops_ : nullptr; }

 private:
  const std::vector<Op>* ops_;
  bool program_;
  std::size_t i_ = 0;
};

class LitmusTrace final : public Trace {
 public:
  LitmusTrace(std::string path, std::vector<std::vector<Op>> ops, std::vector<std::vector<std::string>> regs,
              std::vector<std::pair<std::string, Addr>> symbols, std::vector<bool> program)
      : path_(std::move(path)),
        ops_(std::move(ops)),
        regs_(std::move(regs)),
        symbols_(std::move(symbols)),
        program_(std::move(program)) {
    program_.resize(ops_.size(), false);
  }
  const std::string& path() const override { return path_; }
  const char* format() const override { return "litmus"; }
  unsigned threads() const override { return unsigned(ops_.size()); }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override {
    return std::make_unique<VectorStream>(&ops_.at(t), program_[t]);
  }
  const std::vector<std::string>& registers(unsigned t) const override { return regs_.at(t); }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return symbols_; }

 private:
  std::string path_;
  std::vector<std::vector<Op>> ops_;
  std::vector<std::vector<std::string>> regs_;
  std::vector<std::pair<std::string, Addr>> symbols_;
  std::vector<bool> program_;  // per thread: held as a program (branches, registers read)
};

Op added(OpKind k, Ordering o, Addr a = 0, std::uint64_t v = 0) {
  Op op;
  op.kind = k, op.order = o, op.addr = a, op.value = v, op.line = 0, op.reg = -1, op.size = 8;
  return op;
}

}  // namespace

std::uint64_t LitmusTest::location_init(unsigned loc) const {
  for (auto& [k, v] : init)
    if (k == locations.at(loc)) return v;
  return 0;
}

LitmusTest parse_litmus_text(const std::string& text, const std::string& path) { return Parser(path).run(text); }

LitmusTest parse_litmus(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw UserError(path + ": cannot open litmus test");
  std::ostringstream s;
  s << f.rdbuf();
  return parse_litmus_text(s.str(), path);
}

std::unique_ptr<Trace> litmus_trace(const LitmusTest& t, const TraceOptions& opts) {
  return litmus_trace(t, opts, LitmusSchedule{});
}

std::unique_ptr<Trace> litmus_trace(const LitmusTest& t, const TraceOptions& opts, const LitmusSchedule& s) {
  auto addr = [&](unsigned loc) { return opts.symbol_base + Addr(loc) * opts.symbol_stride; };
  std::vector<std::pair<std::string, Addr>> symbols;
  for (unsigned i = 0; i < t.locations.size(); ++i) symbols.emplace_back(t.locations[i], addr(i));
  bool nonzero_init = false;
  for (auto& [k, v] : t.init) nonzero_init |= v != 0;
  std::vector<std::vector<Op>> threads(t.threads);
  auto regs = t.registers;
  for (unsigned th = 0; th < t.threads; ++th) {
    auto& out = threads[th];
    if (nonzero_init) {
      if (th == 0) {
        for (unsigned i = 0; i < t.locations.size(); ++i)
          if (t.location_init(i)) out.push_back(added(OpKind::Store, Ordering::Relaxed, addr(i), t.location_init(i)));
        out.push_back(added(OpKind::Fence, Ordering::SeqCst));
      } else {
        out.push_back(added(OpKind::Compute, Ordering::Plain, 0, s.init_wait));
      }
    }
    if (th < s.warm.size() && !s.warm[th].empty()) {
      for (auto& w : s.warm[th])
        out.push_back(w.own ? added(OpKind::FetchAdd, Ordering::Relaxed, addr(w.location), 0)
                            : added(OpKind::Load, Ordering::Relaxed, addr(w.location)));
      out.push_back(added(OpKind::Fence, Ordering::SeqCst));
    }
    if (s.warm_only) continue;
    if (th < s.delay.size() && s.delay[th]) out.push_back(added(OpKind::Compute, Ordering::Plain, 0, s.delay[th]));
    // A program's branch targets move by the operations added before the test's.
    const auto shift = std::uint32_t(out.size());
    for (Op op : t.ops[th]) {
      if (is_memory(op.kind)) op.addr = addr(unsigned(op.addr));
      if (op.kind == OpKind::Branch) op.target += shift;
      out.push_back(op);
    }
    if (th < t.temporaries.size()) regs[th].insert(regs[th].end(), t.temporaries[th].begin(), t.temporaries[th].end());
  }
  if (s.observer_wait && !s.warm_only) {
    std::vector<Op> obs{added(OpKind::Compute, Ordering::Plain, 0, s.observer_wait)};
    std::vector<std::string> names;
    for (unsigned i = 0; i < t.locations.size(); ++i) {
      Op op = added(OpKind::Load, Ordering::SeqCst, addr(i));
      op.reg = std::int16_t(i);
      obs.push_back(op);
      names.push_back(t.locations[i]);
    }
    threads.push_back(std::move(obs));
    regs.push_back(std::move(names));
  }
  return std::make_unique<LitmusTrace>(t.path, std::move(threads), std::move(regs), std::move(symbols), t.program);
}

bool condition_holds(const LitmusTest& t, const LitmusOutcome& o) { return !t.condition || eval(*t.condition, o); }

std::string outcome_key(const LitmusTest& t, const LitmusOutcome& o) {
  std::string k;
  for (unsigned th = 0; th < t.threads && th < o.regs.size(); ++th)
    for (std::size_t r = 0; r < t.registers[th].size() && r < o.regs[th].size(); ++r)
      k += (k.empty() ? "" : " ") + std::to_string(th) + ":" + t.registers[th][r] + "=" + std::to_string(o.regs[th][r]);
  if (!o.memory.empty() && t.condition) {
    std::vector<bool> used(t.locations.size(), false);
    mark_locations(*t.condition, used);
    for (std::size_t i = 0; i < used.size() && i < o.memory.size(); ++i)
      if (used[i]) k += (k.empty() ? "" : " ") + t.locations[i] + "=" + std::to_string(o.memory[i]);
  }
  return k;
}

std::string expectation_for(const LitmusTest& t, const std::string& isa) {
  for (auto& [k, v] : t.isa_expectations)
    if (k == isa) return v;
  return t.expectation;
}

}  // namespace cohsim
