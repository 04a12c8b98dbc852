#include "rules/compiler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <tuple>

#include "core/ascii.h"
#include "core/config.h"
#include "core/json.h"
#include "core/regex_hazard.h"
#include "core/time_util.h"
#include "rules/lexer.h"

namespace vigil {
namespace {

using rules::Token;
using rules::TokenKind;

// ---------------------------------------------------------------------------------------------
// Syntax tree of one expression.
struct Ast {
  enum class Kind { kNumber, kName, kWindowArg, kUnary, kBinary, kCall, kOffset } kind = Kind::kNumber;
  std::string name;   // kName; kUnary/kBinary operator; kCall function
  double number = 0;  // kNumber
  bool window_is_points = true;  // kWindowArg
  int64_t points = 0, ms = 0;    // kWindowArg, kOffset (ms)
  bool has_by = false;           // kCall: an aggregation `f by (l, ...) (args)`
  std::vector<std::string> by;
  std::vector<std::unique_ptr<Ast>> args;
  size_t begin = 0, end = 0;     // byte range in the source
  const Token* tok = nullptr;    // the token to point at in messages
};

struct CompileError {
  const Token* tok;
  size_t length;  // 0 = the token's length
  std::string message;
  size_t offset = std::string::npos;  // where to point when not at `tok` (an expression's start)
};

const std::set<std::string, std::less<>> kWindowFns = {"mean", "std", "min",  "max",   "median",  "mad",   "sum",
                                                       "count", "delta", "rate", "zscore", "changes", "resets"};
const std::set<std::string, std::less<>> kAggFns = {"mean", "median", "min", "max", "sum", "count", "std", "quantile"};

// What to write for a PromQL (or common statistics) function name that the rule language spells
// otherwise: an on-call engineer writes `avg_over_time` first, and the nearest name by edit
// distance was wrong (`avg` -> `lag`) or none (`avg_over_time`, `stddev`, `increase`). Empty when
// `name` is not one of them. `by`: the aggregation form (`avg by (job) (x)`).
std::string PromqlEquivalent(std::string_view name, bool by) {
  static const std::map<std::string, std::pair<const char*, const char*>, std::less<>> kTable = {
      // name -> {instead of the window function, instead of the aggregation `NAME by`}
      {"avg", {"`mean(x, w)`", "`mean by (...) (x)`"}},
      {"average", {"`mean(x, w)`", "`mean by (...) (x)`"}},
      {"avg_over_time", {"`mean(x, w)`", nullptr}},
      {"sum_over_time", {"`sum(x, w)`", nullptr}},
      {"count_over_time", {"`count(x, w)`", nullptr}},
      {"min_over_time", {"`min(x, w)`", nullptr}},
      {"max_over_time", {"`max(x, w)`", nullptr}},
      {"stddev", {"`std(x, w)` (the sample standard deviation)", "`std by (...) (x)`"}},
      {"stddev_over_time", {"`std(x, w)` (the sample standard deviation)", nullptr}},
      {"quantile_over_time", {"`quantile(x, q, w)` (the series first, then q)", nullptr}},
      {"percentile", {"`quantile(x, q, w)` with q from 0 to 1", "`quantile by (...) (q, x)` with q from 0 to 1"}},
      {"increase", {"`rate(x, w)` (per second; PromQL's increase over w is that times w's seconds)", nullptr}},
      {"deriv", {"`delta(x, w)` (last minus first value in the window; over 10m, `delta(x, 10m) / 600` per second)",
                 nullptr}},
      {"idelta", {"`diff(x)` (the value minus the one before)", nullptr}},
      {"irate", {"`rate(x, w)` over a short window (e.g. `rate(x, 2m)`: per second, reset-aware)", nullptr}},
      {"absent_over_time", {"`absent(d)` (no selected series has had a value for d) or `stale_for(d)` (this series)",
                            nullptr}},
  };
  auto it = kTable.find(name);
  if (it == kTable.end()) return "";
  const char* what = by ? it->second.second : it->second.first;
  return what ? std::string(what) : "";
}

}  // namespace

const std::vector<std::string>& RuleFunctionNames() {
  static const std::vector<std::string> names = {
      "mean", "std",   "min",  "max",   "median",  "mad",    "quantile", "sum",       "count", "ewma", "delta",
      "rate", "diff",  "zscore", "changes", "resets", "lag", "abs",  "log", "clamp", "any_bits", "all_bits",
      "stale_for", "absent"};
  return names;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Parser: tokens -> rules. One Parser per file; errors are collected per rule.
const std::vector<std::string> kClauses = {"select",   "when",   "for",    "keep_firing_for",
                                           "severity", "labels", "explain"};

struct ParsedRule {
  const Token* name_tok = nullptr;
  std::string name;
  size_t begin = 0, end = 0;
  const Token* select_tok = nullptr;
  Selector selector;
  std::unique_ptr<Ast> when;
  const Token* when_tok = nullptr;
  std::optional<int64_t> for_ms, keep_ms;
  const Token* for_tok = nullptr;   // their durations
  const Token* keep_tok = nullptr;
  std::string severity = "warning";
  Labels labels;
  std::vector<const Token*> label_toks;  // each rule label's name
  const Token* explain_tok = nullptr;
  std::string explain;
};

class Parser {
 public:
  Parser(const std::vector<Token>& toks, std::string_view text) : t_(toks), text_(text) {}

  const Token& Peek(size_t k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
  const Token& Next() {
    const Token& tok = t_[pos_];
    if (pos_ + 1 < t_.size()) ++pos_;
    return tok;
  }
  bool IsPunct(std::string_view p, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kPunct && Peek(k).text == p;
  }
  bool IsWord(std::string_view w, size_t k = 0) const {
    return Peek(k).kind == TokenKind::kIdent && Peek(k).text == w;
  }
  [[noreturn]] void Fail(const Token& tok, std::string message, size_t length = 0) {
    throw CompileError{&tok, length, std::move(message)};
  }
  static std::string Describe(const Token& tok) {
    switch (tok.kind) {
      case TokenKind::kEnd: return "end of file";
      case TokenKind::kString: return "string \"" + tok.text + "\"";
      default: return "`" + tok.text + "`";
    }
  }
  void CheckLexError(const Token& tok) {
    if (tok.kind == TokenKind::kError) Fail(tok, tok.text);
  }
  void Expect(std::string_view p, std::string_view context) {
    CheckLexError(Peek());
    if (!IsPunct(p)) Fail(Peek(), "expected `" + std::string(p) + "` " + std::string(context) + ", found " + Describe(Peek()));
    Next();
  }
  const Token& ExpectIdent(std::string_view what) {
    CheckLexError(Peek());
    if (Peek().kind != TokenKind::kIdent) Fail(Peek(), "expected " + std::string(what) + ", found " + Describe(Peek()));
    return Next();
  }
  const Token& ExpectString(std::string_view what) {
    CheckLexError(Peek());
    if (Peek().kind != TokenKind::kString) Fail(Peek(), "expected " + std::string(what) + " in double quotes, found " + Describe(Peek()));
    return Next();
  }
  int64_t ExpectDuration(std::string_view what) {
    CheckLexError(Peek());
    if (Peek().kind == TokenKind::kNumber)
      Fail(Peek(), std::string(what) + " needs a unit: write e.g. `5m`, `30s`, `1h` (a bare number is ambiguous)");
    if (Peek().kind != TokenKind::kDuration) Fail(Peek(), "expected " + std::string(what) + " such as 5m, found " + Describe(Peek()));
    return Next().value_ms;
  }

  // Skips to the next rule, for error recovery: a `rule` keyword at the start of a line, or
  // `rule NAME {` anywhere (indented, or after the broken rule's `}` on its line: RV3, such a rule
  // was skipped whole without a diagnostic, and `vigil detect` ran without it). `start` is where
  // the failed rule began: when the parse stopped there, step past it.
  void SkipToNextRule(size_t start) {
    if (pos_ == start && Peek().kind != TokenKind::kEnd) Next();
    while (Peek().kind != TokenKind::kEnd) {
      if (IsWord("rule") && (Peek().col == 1 || (Peek(1).kind == TokenKind::kIdent && IsPunct("{", 2)))) return;
      Next();
    }
  }

  ParsedRule ParseRule() {
    ParsedRule r;
    ResetRuleCounters();
    CheckLexError(Peek());
    if (!IsWord("rule")) {
      std::string hint = Peek().kind == TokenKind::kIdent ? ClosestMatch(Peek().text, std::vector<std::string>{"rule"}) : "";
      Fail(Peek(), "expected `rule NAME {`, found " + Describe(Peek()) + (hint.empty() ? "" : "; did you mean `rule`?"));
    }
    r.begin = Peek().offset;
    Next();
    r.name_tok = &ExpectIdent("a rule name (letters, digits, _)");
    r.name = r.name_tok->text;
    const Token& open_brace = Peek();
    Expect("{", "after the rule name");
    std::set<std::string> seen;
    std::string last_clause;
    while (!IsPunct("}")) {
      CheckLexError(Peek());
      // At the rule's `{`, not at the end of the file (which has no source line to quote).
      if (Peek().kind == TokenKind::kEnd)
        Fail(open_brace, "rule `" + r.name + "` is not closed: expected `}` to close this `{` before the end of the file (line " +
                             std::to_string(Peek().line) + ")");
      const Token& kw = Peek();
      if (kw.kind != TokenKind::kIdent ||
          std::find(kClauses.begin(), kClauses.end(), kw.text) == kClauses.end()) {
        // The next rule's keyword where a clause was expected: this rule lacks its `}` (was
        // "unknown clause `rule`", which sent the author looking for a misspelt clause).
        if (kw.kind == TokenKind::kIdent && kw.text == "rule")
          Fail(kw, "rule `" + r.name + "` (its `{` at line " + std::to_string(open_brace.line) + ", column " +
                       std::to_string(open_brace.col) + ") is not closed: a `}` is missing before this next `rule`");
        if (kw.kind == TokenKind::kIdent && kw.text == "ignoring")
          Fail(kw, "`ignoring` belongs to the `select` clause, right after the selector: "
                   "`select METRIC{...} ignoring (pod)`");
        if (kw.kind == TokenKind::kIdent && kw.text == "unless" && last_clause == "when")
          Fail(kw, "`unless` is PromQL's; here write `A and not (B)`");
        if (kw.kind == TokenKind::kIdent && last_clause == "select" &&
            !ClosestMatch(kw.text, std::vector<std::string>{"ignoring"}).empty())
          Fail(kw, "unknown clause " + Describe(kw) + ", did you mean `ignoring`? (after the selector: "
                   "`select METRIC ignoring (pod, namespace)`)");
        std::string hint = kw.kind == TokenKind::kIdent ? ClosestMatch(kw.text, kClauses) : "";
        Fail(kw, "unknown clause " + Describe(kw) + (hint.empty() ? "" : ", did you mean `" + hint + "`?") +
                     " (clauses: select, when, for, keep_firing_for, severity, labels, explain)");
      }
      if (!seen.insert(kw.text).second) Fail(kw, "duplicate `" + kw.text + "` clause in rule `" + r.name + "`");
      last_clause = kw.text;
      Next();
      if (kw.text == "select") {
        r.select_tok = &kw;
        r.selector = ParseSelector();
      } else if (kw.text == "when") {
        r.when_tok = &kw;
        r.when = ParseExpr();
      } else if (kw.text == "for") {
        r.for_tok = &Peek();
        r.for_ms = ExpectDuration("`for` duration");
      } else if (kw.text == "keep_firing_for") {
        r.keep_tok = &Peek();
        r.keep_ms = ExpectDuration("`keep_firing_for` duration");
      } else if (kw.text == "severity") {
        CheckLexError(Peek());
        if (Peek().kind != TokenKind::kIdent && Peek().kind != TokenKind::kString)
          Fail(Peek(), "expected a severity such as critical, warning or info, found " + Describe(Peek()));
        r.severity = Next().text;
      } else if (kw.text == "labels") {
        Expect("{", "after `labels`");
        while (!IsPunct("}")) {
          const Token& k = ExpectIdent("a label name");
          Expect("=", "after the label name");
          r.labels[k.text] = ExpectString("a label value").text;
          r.label_toks.push_back(&k);
          if (IsPunct(",")) Next();
        }
        Next();
      } else if (kw.text == "explain") {
        r.explain_tok = &ExpectString("an explanation template");
        r.explain = r.explain_tok->text;
      }
    }
    r.end = Peek().offset + 1;
    Next();
    if (!r.select_tok) Fail(*r.name_tok, "rule `" + r.name + "` has no `select` clause (which series does it watch?)");
    if (!r.when) Fail(*r.name_tok, "rule `" + r.name + "` has no `when` clause (when should it fire?)");
    CheckRuleLabels(r);
    return r;
  }

  // A rule label adds to the alert's labels and never overrides one the series has (the engine
  // keeps the series' value, RV7: one value for all of them merged their alerts into one
  // fingerprint). A selector matcher that refuses the empty value gives every selected series the
  // label, so such a rule label is never applied: refused at its name (unless the matcher asks for
  // that very value, or the label is ignored, so not part of the alert's identity).
  void CheckRuleLabels(const ParsedRule& r) {
    const auto& ign = r.selector.ignoring;
    for (const Token* k : r.label_toks) {
      const std::string& v = r.labels.at(k->text);
      if (std::find(ign.begin(), ign.end(), k->text) != ign.end()) continue;
      for (const LabelMatcher& m : r.selector.matchers) {
        if (m.name != k->text || (m.op == MatchOp::kEq && m.value == v)) continue;
        bool empty_ok = false;
        const char* op = "=";
        switch (m.op) {
          case MatchOp::kEq: empty_ok = m.value.empty(); break;
          case MatchOp::kNe: empty_ok = !m.value.empty(); op = "!="; break;
          case MatchOp::kRegex: empty_ok = std::regex_match("", std::regex(m.value)); op = "=~"; break;
          case MatchOp::kNotRegex: empty_ok = !std::regex_match("", std::regex(m.value)); op = "!~"; break;
        }
        if (empty_ok) continue;
        Fail(*k, "rule label `" + k->text + "` = \"" + v + "\" is never applied: the selector's `" + m.name + op + "\"" +
                     m.value + "\"` gives every selected series its own `" + k->text +
                     "`, which the alert keeps (one value for all of them would give their alerts one fingerprint); "
                     "rename the rule label (e.g. `" + k->text + "_scope`) or drop it");
      }
    }
  }

  Selector ParseSelector() {
    Selector s;
    CheckLexError(Peek());
    if (IsPunct("*")) {
      Next();
    } else if (Peek().kind == TokenKind::kIdent) {
      s.metric = Next().text;
    } else if (!IsPunct("{")) {
      Fail(Peek(), "expected a metric name, `*` or `{` after `select`, found " + Describe(Peek()));
    }
    if (IsPunct("{")) {
      Next();
      while (!IsPunct("}")) {
        LabelMatcher m;
        m.name = ExpectIdent("a label name").text;
        CheckLexError(Peek());
        const Token& op = Peek();
        if (IsPunct("=")) m.op = MatchOp::kEq;
        else if (IsPunct("!=")) m.op = MatchOp::kNe;
        else if (IsPunct("=~")) m.op = MatchOp::kRegex;
        else if (IsPunct("!~")) m.op = MatchOp::kNotRegex;
        else Fail(op, "expected a label matcher operator (=, !=, =~, !~), found " + Describe(op));
        Next();
        const Token& v = ExpectString("a label value");
        m.value = v.text;
        if (m.op == MatchOp::kRegex || m.op == MatchOp::kNotRegex) {
          try {
            std::regex re(m.value);
          } catch (const std::regex_error& e) {
            Fail(v, "invalid regular expression \"" + m.value + "\": " + e.what());
          }
          if (const std::string hazard = RegexBacktrackHazard(m.value); !hazard.empty())
            Fail(v, "regular expression \"" + m.value + "\": " + hazard);
        }
        s.matchers.push_back(std::move(m));
        if (IsPunct(",")) Next();
        else if (!IsPunct("}")) Fail(Peek(), "expected `,` or `}` in the label matchers, found " + Describe(Peek()));
      }
      Next();
    }
    if (IsWord("ignoring")) ParseIgnoring(&s);
    return s;
  }

  // `ignoring (l1, l2, ...)` after a selector: at least one label, each once.
  void ParseIgnoring(Selector* s) {
    Next();
    Expect("(", "after `ignoring` (the labels that do not identify a series, e.g. `ignoring (pod, namespace)`)");
    if (IsPunct(")"))
      Fail(Peek(), "`ignoring ()` lists no label: name the labels that come and go on one series, e.g. "
                   "`ignoring (pod, namespace, container)`, or leave `ignoring` out");
    while (!IsPunct(")")) {
      const Token& l = ExpectIdent("a label name");
      if (std::find(s->ignoring.begin(), s->ignoring.end(), l.text) != s->ignoring.end())
        Fail(l, "label `" + l.text + "` is listed twice in `ignoring`");
      s->ignoring.push_back(l.text);
      if (IsPunct(",")) Next();
      else if (!IsPunct(")")) Fail(Peek(), "expected `,` or `)` in the `ignoring` labels, found " + Describe(Peek()));
    }
    Next();
    std::sort(s->ignoring.begin(), s->ignoring.end());
  }

  // Expressions, lowest precedence first: or, and, not, comparison, + -, * /, unary -, offset.
  std::unique_ptr<Ast> ParseExpr() {
    DepthGuard guard(this);
    return ParseOr();
  }

  // Bounds recursion so hostile input is an error, not a stack overflow.
  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxDepth)
        p_->Fail(p_->Peek(), "expression is nested too deeply (more than " + std::to_string(kMaxDepth) +
                                 " levels of parentheses, `not` and unary `-`)");
    }
    ~DepthGuard() { --p_->depth_; }
    Parser* p_;
  };
  static constexpr int kMaxDepth = 100;
  static constexpr int kMaxAstNodes = 5000;
  std::unique_ptr<Ast> NewAst() {
    if (++ast_nodes_ > kMaxAstNodes)
      Fail(Peek(), "rule is too long (more than " + std::to_string(kMaxAstNodes) + " terms)");
    return std::make_unique<Ast>();
  }
  void ResetRuleCounters() { ast_nodes_ = 0; }

  std::unique_ptr<Ast> MakeBinary(std::string op, const Token& tok, std::unique_ptr<Ast> a, std::unique_ptr<Ast> b) {
    auto n = NewAst();
    n->kind = Ast::Kind::kBinary;
    n->name = std::move(op);
    n->tok = &tok;
    n->begin = a->begin;
    n->end = b->end;
    n->args.push_back(std::move(a));
    n->args.push_back(std::move(b));
    return n;
  }
  std::unique_ptr<Ast> ParseOr() {
    auto a = ParseAnd();
    while (IsWord("or")) {
      const Token& tok = Next();
      a = MakeBinary("or", tok, std::move(a), ParseAnd());
    }
    return a;
  }
  std::unique_ptr<Ast> ParseAnd() {
    auto a = ParseNot();
    while (IsWord("and")) {
      const Token& tok = Next();
      a = MakeBinary("and", tok, std::move(a), ParseNot());
    }
    return a;
  }
  std::unique_ptr<Ast> ParseNot() {
    if (IsWord("not")) {
      DepthGuard guard(this);
      const Token& tok = Next();
      auto n = NewAst();
      n->kind = Ast::Kind::kUnary;
      n->name = "not";
      n->tok = &tok;
      n->begin = tok.offset;
      n->args.push_back(ParseNot());
      n->end = n->args[0]->end;
      return n;
    }
    return ParseCompare();
  }
  std::unique_ptr<Ast> ParseCompare() {
    auto a = ParseAdd();
    static const std::vector<std::string> kCmp = {"<", "<=", ">", ">=", "==", "!="};
    if (Peek().kind == TokenKind::kPunct && std::find(kCmp.begin(), kCmp.end(), Peek().text) != kCmp.end()) {
      const Token& tok = Next();
      if (IsWord("bool"))
        Fail(Peek(), "`bool` (PromQL's comparison modifier) is not needed: a comparison here is already a condition "
                     "(true/false); drop `bool`");
      a = MakeBinary(tok.text, tok, std::move(a), ParseAdd());
      if (Peek().kind == TokenKind::kPunct && std::find(kCmp.begin(), kCmp.end(), Peek().text) != kCmp.end())
        Fail(Peek(), "comparisons do not chain: write `a < b and b < c`");
    } else if (IsPunct("=")) {
      Fail(Peek(), "`=` is not a comparison: use `==` to compare values");
    }
    return a;
  }
  std::unique_ptr<Ast> ParseAdd() {
    auto a = ParseMul();
    while (IsPunct("+") || IsPunct("-")) {
      const Token& tok = Next();
      a = MakeBinary(tok.text, tok, std::move(a), ParseMul());
    }
    return a;
  }
  std::unique_ptr<Ast> ParseMul() {
    auto a = ParseUnary();
    while (IsPunct("*") || IsPunct("/")) {
      const Token& tok = Next();
      a = MakeBinary(tok.text, tok, std::move(a), ParseUnary());
    }
    return a;
  }
  std::unique_ptr<Ast> ParseUnary() {
    if (IsPunct("-")) {
      DepthGuard guard(this);
      const Token& tok = Next();
      auto n = NewAst();
      n->kind = Ast::Kind::kUnary;
      n->name = "-";
      n->tok = &tok;
      n->begin = tok.offset;
      n->args.push_back(ParseUnary());
      n->end = n->args[0]->end;
      return n;
    }
    return ParsePostfix();
  }
  std::unique_ptr<Ast> ParsePostfix() {
    auto a = ParsePrimary();
    while (IsWord("offset")) {
      const Token& tok = Next();
      auto n = NewAst();
      n->kind = Ast::Kind::kOffset;
      n->tok = &tok;
      n->ms = ExpectDuration("`offset` duration");
      n->begin = a->begin;
      n->end = t_[pos_ - 1].offset + t_[pos_ - 1].length;
      n->args.push_back(std::move(a));
      a = std::move(n);
    }
    return a;
  }
  std::unique_ptr<Ast> ParsePrimary() {
    CheckLexError(Peek());
    const Token& tok = Peek();
    auto n = NewAst();
    n->tok = &tok;
    n->begin = tok.offset;
    n->end = tok.offset + tok.length;
    if (tok.kind == TokenKind::kNumber) {
      Next();
      n->kind = Ast::Kind::kNumber;
      n->number = tok.number;
      return n;
    }
    if (tok.kind == TokenKind::kPoints || tok.kind == TokenKind::kDuration) {
      Next();
      n->kind = Ast::Kind::kWindowArg;
      n->window_is_points = tok.kind == TokenKind::kPoints;
      n->points = tok.value_points;
      n->ms = tok.value_ms;
      return n;
    }
    if (IsPunct("(")) {
      Next();
      auto inner = ParseExpr();
      ExpectClose(tok, "to close this `(`");
      inner->begin = tok.offset;
      inner->end = t_[pos_ - 1].offset + 1;
      return inner;
    }
    // A clause word opening the next line after an operator: the expression was cut off there (a
    // metric of that name would be read, and the clause's argument reported on the wrong line).
    if (tok.kind == TokenKind::kIdent && pos_ > 0 && t_[pos_ - 1].line < tok.line &&
        std::find(kClauses.begin(), kClauses.end(), tok.text) != kClauses.end() &&
        (t_[pos_ - 1].kind == TokenKind::kPunct || t_[pos_ - 1].kind == TokenKind::kIdent)) {
      const Token& op = t_[pos_ - 1];
      Fail(op, "incomplete expression: `" + op.text + "` has no right-hand side (the next line starts the `" +
                   tok.text + "` clause)");
    }
    if (tok.kind == TokenKind::kIdent) {
      // PromQL's vector matching after a binary operator (`a and on (job) b`, `a / ignoring (pod) b`).
      static const std::set<std::string, std::less<>> kMatching = {"on", "ignoring", "group_left", "group_right"};
      if (kMatching.count(tok.text) && pos_ > 0 && pos_ + 1 < t_.size() && t_[pos_ + 1].kind == TokenKind::kPunct &&
          t_[pos_ + 1].text == "(" &&
          (t_[pos_ - 1].kind == TokenKind::kPunct || t_[pos_ - 1].text == "and" || t_[pos_ - 1].text == "or"))
        Fail(tok, "`" + tok.text + " (...)` is PromQL's vector matching: a rule has no second vector to match; its "
                  "expressions see only its selected series (each one on its own), and compare a series with its "
                  "peers through an aggregation such as `median by (job) (x)`; series identity is `select METRIC "
                  "ignoring (pod)`");
      static const std::set<std::string, std::less<>> kReserved = {"and", "or", "not", "by", "offset", "rule"};
      if (kReserved.count(tok.text)) Fail(tok, "expected a value, found keyword `" + tok.text + "`");
      Next();
      if (IsWord("by")) {  // aggregation: f by (labels) (args)
        Next();
        n->kind = Ast::Kind::kCall;
        n->name = tok.text;
        n->has_by = true;
        Expect("(", "after `by` (the grouping labels, e.g. `by (job)`)");
        while (!IsPunct(")")) {
          n->by.push_back(ExpectIdent("a label name").text);
          if (IsPunct(",")) Next();
          else if (!IsPunct(")")) Fail(Peek(), "expected `,` or `)` in the `by` labels, found " + Describe(Peek()));
        }
        Next();
        const Token& open = Peek();
        Expect("(", "for the aggregated expression, e.g. `median by (job) (step_time_ms)`");
        ParseArgs(n.get(), &open);
        return n;
      }
      if (IsPunct("(")) {
        const Token& open = Next();
        n->kind = Ast::Kind::kCall;
        n->name = tok.text;
        ParseArgs(n.get(), &open);
        return n;
      }
      n->kind = Ast::Kind::kName;
      n->name = tok.text;
      return n;
    }
    Fail(tok, "expected a value (number, metric name, function call or `(`), found " + Describe(tok));
  }
  // An unbalanced `(`: the expression ended at `found` without its `)`. When that is on a later
  // line or the rule's `}`, the `(` is where to look: reported there, with where the parse stopped
  // (was reported at the `}` on the next line, with no word of which `(` was open).
  bool UnclosedAtOpen(const Token& open, const Token& found) const {
    return found.line > open.line || (found.kind == TokenKind::kPunct && found.text == "}");
  }
  std::string Where(const Token& found) const {
    return Describe(found) + " at line " + std::to_string(found.line) + ", column " + std::to_string(found.col);
  }
  void ExpectClose(const Token& open, std::string_view context) {
    CheckLexError(Peek());
    if (IsPunct(")")) {
      Next();
      return;
    }
    if (UnclosedAtOpen(open, Peek()))
      Fail(open, "expected `)` " + std::string(context) + ", found " + Where(Peek()));
    Expect(")", context);
  }

  // After `(`: args until `)`. `open` is the call's `(`.
  void ParseArgs(Ast* call, const Token* open = nullptr) {
    while (!IsPunct(")")) {
      call->args.push_back(ParseExpr());
      if (IsPunct(",")) Next();
      else if (!IsPunct(")")) {
        CheckLexError(Peek());
        if (open && UnclosedAtOpen(*open, Peek()))
          Fail(*open, "expected `)` to close the arguments of `" + call->name + (call->has_by ? " by (...) (" : "(") +
                          "` opened here, found " + Where(Peek()));
        Fail(Peek(), "expected `,` or `)` in the arguments of `" + call->name + "`, found " + Describe(Peek()));
      }
    }
    call->end = Peek().offset + 1;
    Next();
  }

  size_t pos() const { return pos_; }

 private:
  const std::vector<Token>& t_;
  std::string_view text_;
  size_t pos_ = 0;
  int depth_ = 0;
  int ast_nodes_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Compiler: AST -> plan nodes, with type checks and limits.
class RuleCompiler {
 public:
  RuleCompiler(std::string_view text, const ParsedRule& rule, const RuleLimits& limits, RulePlan* plan)
      : text_(text), rule_(rule), limits_(limits), plan_(plan), builder_(&plan->nodes) {}

  [[noreturn]] void Fail(const Ast& at, std::string message) {
    size_t len = at.end > at.begin ? at.end - at.begin : 0;
    // Underline only within the first line of the expression.
    size_t nl = text_.substr(at.begin, len).find('\n');
    if (nl != std::string_view::npos) len = nl;
    throw CompileError{at.tok, len, std::move(message), at.begin};
  }

  std::string TextOf(const Ast& a) const {
    std::string out;
    bool space = false;
    for (char c : text_.substr(a.begin, a.end - a.begin)) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        space = true;
        continue;
      }
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
    return out;
  }

  // The value of an expression made of numbers only (`1 - 1`, `-(0x20 + 0x40)`, `2 * 0`; parentheses
  // are not nodes), folded as the engine would compute it; nullopt when it reads a series, calls a
  // function or is a condition. Used to check divisors and masks; the plan keeps the expression.
  static std::optional<double> ConstValue(const Ast& a) {
    switch (a.kind) {
      case Ast::Kind::kNumber:
        return a.number;
      case Ast::Kind::kUnary: {
        if (a.name != "-") return std::nullopt;
        const std::optional<double> v = ConstValue(*a.args[0]);
        return v ? std::optional<double>(-*v) : std::nullopt;
      }
      case Ast::Kind::kBinary: {
        const std::string& op = a.name;
        if (op != "+" && op != "-" && op != "*" && op != "/") return std::nullopt;
        const std::optional<double> l = ConstValue(*a.args[0]);
        if (!l) return std::nullopt;
        const std::optional<double> r = ConstValue(*a.args[1]);
        if (!r) return std::nullopt;
        if (op == "+") return *l + *r;
        if (op == "-") return *l - *r;
        if (op == "*") return *l * *r;
        return *l / *r;
      }
      default:
        return std::nullopt;
    }
  }

  int32_t Add(PlanNode n, const Ast& at) {
    n.text = TextOf(at);
    int32_t id = builder_.Add(std::move(n));
    if (static_cast<int>(plan_->nodes.size()) > limits_.max_nodes)
      Fail(at, "rule `" + rule_.name + "` needs more than " + std::to_string(limits_.max_nodes) +
                   " plan nodes (limit max_nodes); split it into smaller rules");
    return id;
  }

  void CheckWindow(const Ast& w) {
    if (w.window_is_points && w.points > limits_.max_window_points)
      Fail(w, "window " + std::to_string(w.points) + "p is larger than the limit of " +
                  std::to_string(limits_.max_window_points) + " points (max_window_points)");
    if (!w.window_is_points && w.ms > limits_.max_window_ms)
      Fail(w, "window " + TextOf(w) + " is longer than the limit of " +  // as written: `30d`, not 4w2d
                  FormatDurationMs(limits_.max_window_ms) + " (max_window_ms)");
    if (!w.window_is_points && w.ms <= 0) Fail(w, "a time window must be longer than 0s");
  }

  int32_t Expect(const Ast& a, ValueType want, const std::string& context) {
    int32_t id = Compile(a);
    if (plan_->nodes[id].type != want) {
      Fail(a, context + " needs a " + (want == ValueType::kBool ? "condition (true/false)" : "number") + ", but `" +
                  TextOf(a) + "` is a " + (want == ValueType::kBool ? "number" : "condition") +
                  (want == ValueType::kBool ? "; compare it, e.g. `" + TextOf(a) + " > 0`" : ""));
    }
    return id;
  }

  int32_t Compile(const Ast& a) {
    struct Depth {
      explicit Depth(int* d) : d_(d) { ++*d_; }
      ~Depth() { --*d_; }
      int* d_;
    } depth(&depth_);
    // The parser allows 100 levels of parentheses / `not` / `-`; an operator chain (`a + b + ...`,
    // parsed in a loop) nests one level per operator, up to 5000 terms: bounded here (RV7: the
    // message said "more than 400 levels" beside the docs' 100).
    if (depth_ > 400)
      Fail(a, "expression is too deep: more than 400 operators one inside another (a chain `a + b + ...` counts one "
              "per operator); split it into smaller rules");
    PlanNode n;
    switch (a.kind) {
      case Ast::Kind::kNumber:
        n.op = PlanOp::kConst;
        n.constant = a.number;
        return Add(std::move(n), a);
      case Ast::Kind::kWindowArg:
        Fail(a, "a window (`" + TextOf(a) + "`) is only allowed as the last argument of a window function, "
                "e.g. `mean(x, " + TextOf(a) + ")`");
      case Ast::Kind::kName: {
        if (a.name == "value" || (!rule_.selector.metric.empty() && a.name == rule_.selector.metric)) {
          n.op = PlanOp::kValue;
          return Add(std::move(n), a);
        }
        if (a.name == "true" || a.name == "false") {
          n.op = PlanOp::kConst;
          n.type = ValueType::kBool;
          n.constant = a.name == "true" ? 1 : 0;
          return Add(std::move(n), a);
        }
        // `x > NaN`, `x < Inf`: there is no such literal, and the nearest-name hint pointed at
        // `max(...)` / `mean(...)`. Say what NaN and Inf are to the engine and what to write.
        if (std::string lower = AsciiLower(a.name); lower == "nan" || lower == "inf" || lower == "infinity") {
          std::string msg = "`";
          msg += a.name;
          msg += "` is not a number of the rule language (there is no NaN or Inf literal): a NaN, +Inf or -Inf input "
                 "value is missing data (window functions skip it, a comparison with it is false); to fire while "
                 "a series has no finite value, write a rule `when stale_for(DURATION)` (docs/rules.md, \"Missing "
                 "data\"); for no upper bound, leave the comparison out or write a finite number such as 1e300";
          Fail(a, msg);
        }
        std::vector<std::string> names = {"value"};
        if (!rule_.selector.metric.empty()) names.push_back(rule_.selector.metric);
        std::string hint = ClosestMatch(a.name, names);
        std::string fn_hint = ClosestMatch(a.name, RuleFunctionNames());
        std::string msg = "unknown name `" + a.name + "`";
        if (!hint.empty()) msg += ", did you mean `" + hint + "`?";
        else if (!fn_hint.empty()) msg += ", did you mean the function `" + fn_hint + "(...)`?";
        msg += rule_.selector.metric.empty()
                   ? " (this rule selects `*`; refer to the selected series as `value`)"
                   : " (this rule selects `" + rule_.selector.metric + "`; expressions see only the selected series, "
                     "as `" + rule_.selector.metric + "` or `value`)";
        if (hint.empty() && fn_hint.empty())
          msg += "; another metric is read only as the whole argument of an aggregation by labels, a peer term "
                 "such as `max by (Hostname, gpu) (" + a.name + ")` (docs/rules.md, \"Peer metrics\")";
        Fail(a, msg);
      }
      case Ast::Kind::kUnary: {
        if (a.name == "not") {
          n.op = PlanOp::kNot;
          n.type = ValueType::kBool;
          n.inputs = {Expect(*a.args[0], ValueType::kBool, "`not`")};
        } else {
          n.op = PlanOp::kNeg;
          n.inputs = {Expect(*a.args[0], ValueType::kNumber, "unary `-`")};
        }
        return Add(std::move(n), a);
      }
      case Ast::Kind::kBinary: {
        const std::string& op = a.name;
        if (op == "and" || op == "or") {
          n.op = op == "and" ? PlanOp::kAnd : PlanOp::kOr;
          n.type = ValueType::kBool;
          n.inputs = {Expect(*a.args[0], ValueType::kBool, "`" + op + "`"),
                      Expect(*a.args[1], ValueType::kBool, "`" + op + "`")};
          return Add(std::move(n), a);
        }
        std::string ctx = "`" + op + "`";
        n.inputs = {Expect(*a.args[0], ValueType::kNumber, ctx), Expect(*a.args[1], ValueType::kNumber, ctx)};
        // `x / 0` (or `/ 0.0`, `/ -0`, `/ (0)`, and a divisor that folds to 0: `/ (1 - 1)`, `/ (2 * 0)`):
        // +Inf, -Inf or NaN at every point, never a number a threshold means; compiled silently
        // before (a literal 0 until SM, a constant expression until SM2, 2026-12-03). Pointed at
        // the divisor.
        if (op == "/") {
          const Ast& den = *a.args[1];
          if (const std::optional<double> d = ConstValue(den); d && *d == 0) {
            std::string msg = "division by 0: `";
            msg += TextOf(a);
            msg += "` is +Inf, -Inf or NaN (missing) at every point, not a number";
            const bool literal = den.kind == Ast::Kind::kNumber ||
                                 (den.kind == Ast::Kind::kUnary && den.args[0]->kind == Ast::Kind::kNumber);
            if (!literal) {
              msg += " (the divisor `";
              msg += TextOf(den);
              msg += "` is 0)";
            }
            msg += "; divide by a non-zero number";
            Fail(den, msg);
          }
        }
        if (op == "+") n.op = PlanOp::kAdd;
        else if (op == "-") n.op = PlanOp::kSub;
        else if (op == "*") n.op = PlanOp::kMul;
        else if (op == "/") n.op = PlanOp::kDiv;
        else {
          n.type = ValueType::kBool;
          if (op == "<") n.op = PlanOp::kLt;
          else if (op == "<=") n.op = PlanOp::kLe;
          else if (op == ">") n.op = PlanOp::kGt;
          else if (op == ">=") n.op = PlanOp::kGe;
          else if (op == "==") n.op = PlanOp::kEq;
          else n.op = PlanOp::kNe;
        }
        return Add(std::move(n), a);
      }
      case Ast::Kind::kOffset: {
        if (a.ms <= 0) Fail(a, "`offset` needs a positive duration");
        if (a.ms > limits_.max_window_ms)
          Fail(a, "offset " + FormatDurationMs(a.ms) + " is longer than the limit of " +
                      FormatDurationMs(limits_.max_window_ms) + " (max_window_ms)");
        // RV7: `2 offset 1s` compiled: a constant's value is the same at every time, so the offset
        // only made it missing before the series' first second.
        if (ConstValue(*a.args[0]))
          Fail(a, "`" + TextOf(a) + "`: `" + TextOf(*a.args[0]) + "` is a constant, the same at every time, so its "
                  "offset is `" + TextOf(*a.args[0]) + "` where the series has a point that old and missing before; "
                  "write `" + TextOf(*a.args[0]) + "`");
        n.op = PlanOp::kOffset;
        n.duration_ms = a.ms;
        n.inputs = {Compile(*a.args[0])};
        n.type = plan_->nodes[n.inputs[0]].type;
        return Add(std::move(n), a);
      }
      case Ast::Kind::kCall:
        return CompileCall(a);
    }
    Fail(a, "internal: unknown expression kind");
  }

  void Arity(const Ast& a, size_t want, const std::string& usage) {
    if (a.args.size() != want)
      Fail(a, "`" + a.name + "` takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") + ", got " +
                  std::to_string(a.args.size()) + ": usage `" + usage + "`");
  }

  static std::string JoinLabels(const std::vector<std::string>& labels) {
    std::string out;
    for (size_t i = 0; i < labels.size(); ++i) out += (i ? ", " : "") + labels[i];
    return out;
  }

  // True when `a` names a metric other than the selected one (a peer term's argument): a bare
  // name that is not `value`, the selected metric, `true` / `false` or a NaN / Inf spelling.
  bool IsPeerName(const Ast& a) const {
    if (a.kind != Ast::Kind::kName || a.name == "value" || a.name == "true" || a.name == "false") return false;
    if (!rule_.selector.metric.empty() && a.name == rule_.selector.metric) return false;
    const std::string lower = AsciiLower(a.name);
    return lower != "nan" && lower != "inf" && lower != "infinity";
  }

  double ConstantArg(const Ast& a, const std::string& what) {
    if (a.kind == Ast::Kind::kNumber) return a.number;
    if (a.kind == Ast::Kind::kUnary && a.name == "-" && a.args[0]->kind == Ast::Kind::kNumber) return -a.args[0]->number;
    Fail(a, what + " must be a number literal, found `" + TextOf(a) + "`");
  }

  int32_t CompileCall(const Ast& a) {
    const std::string& f = a.name;
    PlanNode n;
    if (a.has_by) {
      if (!kAggFns.count(f)) {
        if (std::string promql = PromqlEquivalent(f, true); !promql.empty())
          Fail(a, "unknown aggregation `" + f + " by`; write " + promql +
                      " (aggregations: mean, median, min, max, sum, count, std, quantile)");
        std::string hint = ClosestMatch(f, std::vector<std::string>(kAggFns.begin(), kAggFns.end()));
        Fail(a, "unknown aggregation `" + f + " by`" + (hint.empty() ? "" : ", did you mean `" + hint + "`?") +
                    " (aggregations: mean, median, min, max, sum, count, std, quantile)");
      }
      n.op = PlanOp::kAggregate;
      for (auto& [name, fn] : kAggList)
        if (name == f) n.agg_fn = fn;
      n.by = a.by;
      for (const std::string& l : n.by)
        if (std::binary_search(rule_.selector.ignoring.begin(), rule_.selector.ignoring.end(), l))
          Fail(a, "`" + f + " by` groups by `" + l + "`, which the selector's `ignoring` drops from the series' "
                  "identity (every series would have it empty); group by a label that identifies the series");
      std::sort(n.by.begin(), n.by.end());
      n.by.erase(std::unique(n.by.begin(), n.by.end()), n.by.end());
      if (!a.args.empty() && IsPeerName(*a.args.back())) {
        const Ast& arg = *a.args.back();
        // A peer term: the argument names another metric (docs/rules.md, "Peer metrics"). A name
        // a letter or two off the selected metric is a typo of it, not another metric; further off
        // it is another (an exporter's fields share a long prefix: DCGM_FI_DEV_GPU_UTIL beside
        // DCGM_FI_DEV_FB_USED is 5 edits; ClosestMatch's third of the length took it for a typo
        // until DET8).
        // (Names over 256 bytes are not compared: the distance costs |a| x |b|, as ClosestMatch's cap.)
        if (!rule_.selector.metric.empty() && arg.name.size() <= 256 &&
            arg.name.size() + 2 >= rule_.selector.metric.size() && rule_.selector.metric.size() + 2 >= arg.name.size() &&
            EditDistance(arg.name, rule_.selector.metric) <= 2)
          if (std::string hint = ClosestMatch(arg.name, std::vector<std::string>{rule_.selector.metric}); !hint.empty())
            Fail(arg, "unknown name `" + arg.name + "`, did you mean `" + hint + "`? (another metric's name as an "
                      "aggregation's argument is a peer term; this one is a near-miss of the selected `" + hint + "`)");
        if (a.by.empty())
          Fail(a, "`" + f + " by ()` over the metric `" + arg.name + "` lists no label: a peer term matches the "
                  "metric's series to the evaluated series by its `by` labels; name them, e.g. `" + f +
                  " by (Hostname, gpu) (" + arg.name + ")`");
        n.peer_metric = arg.name;
      }
      if (f == "quantile") {
        Arity(a, 2, "quantile by (job) (0.9, x)");
        // PromQL's quantile_over_time order (series, then q) written in the aggregation.
        if (a.args[0]->kind != Ast::Kind::kNumber && a.args[1]->kind == Ast::Kind::kNumber)
          Fail(*a.args[0], "`quantile by` takes the quantile first, then the series: write `quantile by (" +
                               JoinLabels(a.by) + ") (" + TextOf(*a.args[1]) + ", " + TextOf(*a.args[0]) +
                               ")` (PromQL's `quantile by (...) (q, x)` order)");
        n.constant = ConstantArg(*a.args[0], "the quantile");
        if (!(n.constant >= 0 && n.constant <= 1)) Fail(*a.args[0], "the quantile must be between 0 and 1");
        if (n.peer_metric.empty()) n.inputs = {Expect(*a.args[1], ValueType::kNumber, "`quantile by`")};
      } else {
        Arity(a, 1, f + " by (job) (x)");
        if (n.peer_metric.empty()) n.inputs = {Expect(*a.args[0], ValueType::kNumber, "`" + f + " by`")};
      }
      return Add(std::move(n), a);
    }
    if (kWindowFns.count(f) || f == "quantile") {
      bool q = f == "quantile";
      std::string usage = q ? "quantile(x, 0.9, 10p)" : f + "(x, 10p) or " + f + "(x, 5m)";
      if (a.args.size() == (q ? 2u : 1u) && kAggFns.count(f))
        Fail(a, "`" + f + "` needs a window as its last argument (`" + usage + "`), or `by (...)` for a cross-series "
                "aggregation (`" + f + " by (job) (x)`)");
      Arity(a, q ? 3 : 2, usage);
      const Ast& w = *a.args.back();
      if (w.kind != Ast::Kind::kWindowArg)
        Fail(w, "the last argument of `" + f + "` must be a window such as `10p` (points) or `5m` (time), found `" +
                    TextOf(w) + "`");
      CheckWindow(w);
      n.op = PlanOp::kWindow;
      n.window.is_points = w.window_is_points;
      n.window.points = w.points;
      n.window.duration_ms = w.ms;
      for (auto& [name, fn] : kWindowList)
        if (name == f) n.window_fn = fn;
      if (q) {
        n.constant = ConstantArg(*a.args[1], "the quantile");
        if (!(n.constant >= 0 && n.constant <= 1)) Fail(*a.args[1], "the quantile must be between 0 and 1");
      }
      n.inputs = {Expect(*a.args[0], ValueType::kNumber, "`" + f + "`")};
      return Add(std::move(n), a);
    }
    if (f == "abs" || f == "log") {
      Arity(a, 1, f + "(x)");
      n.op = f == "abs" ? PlanOp::kAbs : PlanOp::kLog;
      n.inputs = {Expect(*a.args[0], ValueType::kNumber, "`" + f + "`")};
      return Add(std::move(n), a);
    }
    if (f == "any_bits" || f == "all_bits") {
      // A flag field's bits (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS: 0x20 | 0x40 thermal). The mask is a
      // number, or an expression of numbers (`0x20 + 0x40`, folded: SM2, 2026-12-03; refused
      // before), so the plan says which bits it tests; docs/rules.md "Bit fields" has the semantics.
      Arity(a, 2, f + "(x, 0x20)");
      const Ast& m = *a.args[1];
      const std::optional<double> mask = ConstValue(m);
      if (!mask)
        Fail(m, "the mask of `" + f + "` must be a number literal such as 0x60 or 96 (the bits to test), or an "
                    "expression of numbers such as 0x20 + 0x40, found `" + TextOf(m) + "`");
      if (*mask == 0)
        Fail(m, "mask 0 has no bit set: `" + f + "(x, " + TextOf(m) + ")` would " + (f == "any_bits" ? "never" : "always") +
                    " hold; write the bits to test, e.g. 0x20");
      if (!(*mask >= 1 && *mask <= kMaxBitMask) || *mask != std::floor(*mask))
        Fail(m, "the mask of `" + f + "` must be a whole number from 1 to 2^53 - 1 (0x1FFFFFFFFFFFFF), found `" +
                    TextOf(m) + "`");
      n.op = f == "any_bits" ? PlanOp::kAnyBits : PlanOp::kAllBits;
      n.type = ValueType::kBool;
      const int32_t field = Expect(*a.args[0], ValueType::kNumber, "`" + f + "`");
      PlanNode mask_node;  // one constant, however the mask was written
      mask_node.op = PlanOp::kConst;
      mask_node.constant = *mask;
      n.inputs = {field, Add(std::move(mask_node), m)};
      return Add(std::move(n), a);
    }
    if (f == "clamp") {
      Arity(a, 3, "clamp(x, lo, hi)");
      n.op = PlanOp::kClamp;
      for (auto& arg : a.args) n.inputs.push_back(Expect(*arg, ValueType::kNumber, "`clamp`"));
      // Bounds the wrong way round give hi at every point (min(max(x, lo), hi)), whatever x is (RV5:
      // `clamp(x, 100, 0)` compiled and read as a constant 0).
      if (const std::optional<double> lo = ConstValue(*a.args[1]), hi = ConstValue(*a.args[2]); lo && hi && *lo > *hi)
        Fail(a, "`clamp(x, lo, hi)` has its lower bound `" + TextOf(*a.args[1]) + "` above its upper bound `" +
                    TextOf(*a.args[2]) + "`, so it is `" + TextOf(*a.args[2]) + "` at every point; write `clamp(" +
                    TextOf(*a.args[0]) + ", " + TextOf(*a.args[2]) + ", " + TextOf(*a.args[1]) + ")`");
      return Add(std::move(n), a);
    }
    if (f == "ewma") {
      Arity(a, 2, "ewma(x, 0.1)");
      n.op = PlanOp::kEwma;
      n.constant = ConstantArg(*a.args[1], "the ewma smoothing factor");
      if (!(n.constant > 0 && n.constant <= 1)) Fail(*a.args[1], "the ewma smoothing factor must be in (0, 1]");
      n.inputs = {Expect(*a.args[0], ValueType::kNumber, "`ewma`")};
      return Add(std::move(n), a);
    }
    if (f == "lag" || f == "diff") {
      int64_t k = 1;
      if (f == "lag") {
        Arity(a, 2, "lag(x, 3)");
        const Ast& w = *a.args[1];
        if (w.kind == Ast::Kind::kWindowArg && w.window_is_points) k = w.points;
        else {
          double d = ConstantArg(w, "the lag (points)");
          if (d < 1 || d != std::floor(d)) Fail(w, "the lag must be a positive whole number of points");
          // Checked before the cast: casting 1e30 to int64_t is undefined (x86 gave INT64_MIN,
          // which passed the limit below and failed later as "internal: ... lag must be positive").
          if (d > static_cast<double>(limits_.max_lag_points))
            Fail(w, "lag " + TextOf(w) + " is larger than the limit of " + std::to_string(limits_.max_lag_points) +
                        " points (max_lag_points)");
          k = static_cast<int64_t>(d);
        }
        if (k > limits_.max_lag_points)
          Fail(w, "lag " + std::to_string(k) + " is larger than the limit of " + std::to_string(limits_.max_lag_points) +
                      " points (max_lag_points)");
      } else {
        Arity(a, 1, "diff(x)");
      }
      int32_t x = Expect(*a.args[0], ValueType::kNumber, "`" + f + "`");
      n.op = PlanOp::kLag;
      n.lag_points = k;
      n.inputs = {x};
      if (f == "lag") return Add(std::move(n), a);
      PlanNode lagged = n;
      lagged.text = "lag(" + plan_->nodes[x].text + ", 1)";
      int32_t l = builder_.Add(std::move(lagged));
      PlanNode d;
      d.op = PlanOp::kSub;
      d.inputs = {x, l};
      return Add(std::move(d), a);
    }
    if (f == "stale_for" || f == "absent") {
      Arity(a, 1, f + "(5m)");
      const Ast& w = *a.args[0];
      if (w.kind != Ast::Kind::kWindowArg || w.window_is_points)
        Fail(w, "`" + f + "` takes a duration such as `5m`, found `" + TextOf(w) + "`");
      // 0 elapsed is "at least 0s": the rule held at every point of a series that reports (RV3).
      if (w.ms <= 0) Fail(w, "`" + f + "` needs a duration longer than 0s, such as `5m`");
      if (w.ms > limits_.max_window_ms)
        Fail(w, "duration " + TextOf(w) + " is longer than the limit of " +
                    FormatDurationMs(limits_.max_window_ms) + " (max_window_ms)");
      n.op = f == "stale_for" ? PlanOp::kStaleFor : PlanOp::kAbsent;
      n.type = ValueType::kBool;
      n.duration_ms = w.ms;
      return Add(std::move(n), a);
    }
    // `has_bits`, `bitand`, `test_bit` ...: which of the two bit tests (a name like `has_bits`
    // does not say whether one set bit of the mask is enough).
    if (AsciiLower(f).find("bit") != std::string::npos)
      Fail(a, "unknown function `" + f + "`; the bit tests are `any_bits(x, MASK)` (any of the mask's bits set, "
              "e.g. any_bits(x, 0x60) for 0x20 or 0x40) and `all_bits(x, MASK)` (every bit of the mask set)");
    // A NaN test, as a loss-went-NaN rule is written first: to the rules a NaN or Inf reading is missing.
    if (static const std::set<std::string, std::less<>> kNanTests = {"isnan", "is_nan", "isinf", "is_inf",
                                                                      "isfinite", "is_finite", "nan", "isNaN"};
        kNanTests.count(f))
      Fail(a, "unknown function `" + f + "`: the rules have no NaN / Inf test, a NaN or Inf reading is missing data "
              "to them; a rule that fires on a NaN loss is `when stale_for(1m)` (the series has had no value for "
              "1m; docs/rules.md, Missing data)");
    if (std::string promql = PromqlEquivalent(f, false); !promql.empty())
      Fail(a, "unknown function `" + f + "`; write " + promql + " (a window is the last argument: 5m, 10p; "
              "see docs/rules.md for the functions)");
    std::string hint = ClosestMatch(f, RuleFunctionNames());
    Fail(a, "unknown function `" + f + "`" + (hint.empty() ? "" : ", did you mean `" + hint + "`?") +
                " (see docs/rules.md for the functions)");
  }

  // Tick-driven conditions (stale_for / absent) may only combine those with and/or/not.
  void CheckTickDriven(const Ast& a, bool* stale, bool* absent, bool* other) {
    if (a.kind == Ast::Kind::kCall && (a.name == "stale_for" || a.name == "absent")) {
      (a.name == "stale_for" ? *stale : *absent) = true;
      return;
    }
    if ((a.kind == Ast::Kind::kBinary && (a.name == "and" || a.name == "or")) ||
        (a.kind == Ast::Kind::kUnary && a.name == "not")) {
      for (auto& c : a.args) CheckTickDriven(*c, stale, absent, other);
      return;
    }
    *other = true;
    other_at_ = &a;
  }

  // Comparisons and stale/absent leaves of the condition, recorded on every alert.
  void CollectExplain(const Ast& a) {
    if (a.kind == Ast::Kind::kBinary && (a.name == "and" || a.name == "or")) {
      for (auto& c : a.args) CollectExplain(*c);
      return;
    }
    if (a.kind == Ast::Kind::kUnary && a.name == "not") {
      CollectExplain(*a.args[0]);
      return;
    }
    int32_t id = Compile(a);  // shared with the condition: returns the same node
    if (std::find(plan_->explain_nodes.begin(), plan_->explain_nodes.end(), id) == plan_->explain_nodes.end())
      plan_->explain_nodes.push_back(id);
  }

  void Run() {
    plan_->condition = Expect(*rule_.when, ValueType::kBool, "the `when` clause");
    bool stale = false, absent = false, other = false;
    CheckTickDriven(*rule_.when, &stale, &absent, &other);
    if ((stale || absent) && other)
      Fail(*other_at_, "`stale_for` and `absent` can only be combined with each other through and/or/not; "
                       "write a separate rule for `" + TextOf(*other_at_) + "`");
    if (stale && absent) Fail(*rule_.when, "a rule uses either `stale_for` (per series) or `absent` (whole selection), not both");
    plan_->tick_driven = stale || absent;
    plan_->absent_rule = absent;
    CollectExplain(*rule_.when);
  }

  int32_t CompileTemplateExpr(const Ast& a) {
    int32_t id = Compile(a);
    if (std::find(plan_->explain_nodes.begin(), plan_->explain_nodes.end(), id) == plan_->explain_nodes.end())
      plan_->explain_nodes.push_back(id);
    return id;
  }

  // Template expressions come from the template string, not the rule text.
  int32_t CompileTemplateExprIn(std::string_view text, const Ast& a) {
    std::string_view saved = text_;
    text_ = text;
    try {
      int32_t id = CompileTemplateExpr(a);
      text_ = saved;
      return id;
    } catch (...) {
      text_ = saved;
      throw;
    }
  }
  std::string TextOfIn(std::string_view text, const Ast& a) {
    std::string_view saved = text_;
    text_ = text;
    std::string out = TextOf(a);
    text_ = saved;
    return out;
  }

  static constexpr std::pair<std::string_view, AggFn> kAggList[] = {
      {"mean", AggFn::kMean}, {"median", AggFn::kMedian}, {"min", AggFn::kMin},   {"max", AggFn::kMax},
      {"sum", AggFn::kSum},   {"count", AggFn::kCount},   {"std", AggFn::kStd},   {"quantile", AggFn::kQuantile}};
  static constexpr std::pair<std::string_view, WindowFn> kWindowList[] = {
      {"mean", WindowFn::kMean},     {"std", WindowFn::kStd},         {"min", WindowFn::kMin},
      {"max", WindowFn::kMax},       {"median", WindowFn::kMedian},   {"mad", WindowFn::kMad},
      {"quantile", WindowFn::kQuantile}, {"sum", WindowFn::kSum},     {"count", WindowFn::kCount},
      {"delta", WindowFn::kDelta},   {"rate", WindowFn::kRate},       {"zscore", WindowFn::kZscore},
      {"changes", WindowFn::kChanges}, {"resets", WindowFn::kResets}};

 private:
  std::string_view text_;
  const ParsedRule& rule_;
  const RuleLimits& limits_;
  RulePlan* plan_;
  PlanBuilder builder_;
  const Ast* other_at_ = nullptr;
  int depth_ = 0;
};

std::string LineOf(std::string_view text, size_t offset) {
  size_t b = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  b = (b == std::string_view::npos || offset == 0) ? 0 : b + 1;
  if (offset > 0 && offset <= text.size() && text[offset - 1] == '\n') b = offset;
  if (b == 0 && text.substr(0, 3) == "\xEF\xBB\xBF") b = 3;  // the lexer's columns count after a BOM
  size_t e = text.find('\n', b);
  if (e == std::string_view::npos) e = text.size();
  if (e > b && text[e - 1] == '\r') --e;  // CRLF files: the \r is no character of the line
  return std::string(text.substr(b, e - b));
}

RuleDiagnostic MakeDiagnostic(std::string_view text, std::string_view file, const CompileError& e) {
  RuleDiagnostic d;
  d.file = std::string(file);
  d.line = e.tok->line;
  d.col = e.tok->col;
  size_t offset = e.tok->offset;
  if (e.offset != std::string::npos && e.offset <= text.size()) {
    offset = e.offset;
    d.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(offset), '\n'));
    size_t bol = text.rfind('\n', offset == 0 ? std::string_view::npos : offset - 1);
    d.col = static_cast<int>(offset - (bol == std::string_view::npos ? 0 : bol + 1)) + 1;
  }
  d.message = e.message;
  d.length = static_cast<int>(std::max<size_t>(1, e.length ? e.length : e.tok->length));
  d.source_line = LineOf(text, offset);
  return d;
}

// The offset in `text` of character `pos` of the string token `tok`'s value (escapes `\"`, `\\`, `\n`
// take two bytes of the source for one of the value).
size_t SourceOffsetInString(std::string_view text, const Token& tok, size_t pos) {
  size_t i = tok.offset + 1;  // after the opening quote
  for (size_t d = 0; d < pos && i < text.size(); ++d) i += text[i] == '\\' ? 2 : 1;
  return std::min(i, text.size());
}

// Parses the `{{...}}` parts of an explanation template. An error inside a part is reported at
// that part of the string in `text` (RV5: it was at the string's opening quote, the whole string
// underlined).
void CompileTemplate(std::string_view text, const ParsedRule& r, RuleCompiler& rc, RulePlan* plan) {
  const std::string& s = r.explain;
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find("{{", i);
    if (open == std::string::npos) {
      plan->explain_template.push_back({TemplatePart::Kind::kText, s.substr(i), -1});
      break;
    }
    if (open > i) plan->explain_template.push_back({TemplatePart::Kind::kText, s.substr(i, open - i), -1});
    size_t close = s.find("}}", open + 2);
    if (close == std::string::npos)
      throw CompileError{r.explain_tok, 2, "explanation template: `{{` at character " + std::to_string(open + 1) +
                                               " has no closing `}}`", SourceOffsetInString(text, *r.explain_tok, open)};
    std::string inner = s.substr(open + 2, close - open - 2);
    auto toks = rules::Tokenize(inner);
    // A single identifier that is not the metric is a label reference: {{rank}}.
    if (toks.size() == 2 && toks[0].kind == TokenKind::kIdent && toks[0].text != "value" &&
        toks[0].text != r.selector.metric) {
      plan->explain_template.push_back({TemplatePart::Kind::kLabel, toks[0].text, -1});
    } else {
      try {
        Parser p(toks, inner);
        auto ast = p.ParseExpr();
        if (p.Peek().kind != TokenKind::kEnd)
          throw CompileError{&p.Peek(), 0,  // a lexer error is its own message (RV5: it was quoted in this one)
                             p.Peek().kind == TokenKind::kError ? p.Peek().text : "unexpected " + Parser::Describe(p.Peek())};
        // A stale_for / absent rule is evaluated at ticks where its series may have no point: only
        // its own stale_for / absent terms have values there. `{{value}}` in its text compiled to
        // a node the tick evaluation cannot compute (vigil detect died with SIGSEGV).
        if (plan->tick_driven) {
          bool stale = false, absent = false, other = false;
          rc.CheckTickDriven(*ast, &stale, &absent, &other);
          if (other)
            throw CompileError{&toks[0], 0, "a `stale_for` / `absent` rule fires when data is missing, so its explanation "
                                            "has no value to show; name the series by its labels (`{{gpu}}`, `{{Hostname}}`) "
                                            "or write a `stale_for(...)` / `absent(...)` term"};
        }
        int32_t id = rc.CompileTemplateExprIn(inner, *ast);
        plan->explain_template.push_back({TemplatePart::Kind::kNode, rc.TextOfIn(inner, *ast), id});
      } catch (const CompileError& e) {
        const size_t from = SourceOffsetInString(text, *r.explain_tok, open);
        const size_t to = SourceOffsetInString(text, *r.explain_tok, close + 2);
        throw CompileError{r.explain_tok, to - from, "in explanation template `{{" + inner + "}}`: " + e.message, from};
      }
    }
    i = close + 2;
  }
}

}  // namespace

std::string RuleDiagnostic::Format() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message;
  if (source_line.empty()) return out;
  // The quoted line, cut to a window around the column when it is long (a generated or minified
  // file: a 4 MB line was quoted whole, with as many spaces under it as bytes before the column).
  const std::string_view src = source_line;
  const auto continuation = [&](size_t i) { return (static_cast<unsigned char>(src[i]) & 0xC0) == 0x80; };
  const size_t at = std::min(src.size(), static_cast<size_t>(std::max(col, 1) - 1));  // byte of the caret
  size_t from = 0, to = src.size();
  if (src.size() > kMaxQuotedBytes) {
    from = at > kQuotedBefore ? at - kQuotedBefore : 0;
    to = std::min(src.size(), from + kMaxQuotedBytes);
    if (to - from < kMaxQuotedBytes) from = to > kMaxQuotedBytes ? to - kMaxQuotedBytes : 0;
    while (from > 0 && continuation(from)) --from;  // whole UTF-8 characters only
    while (to < src.size() && continuation(to)) ++to;
  }
  out += "\n  ";
  if (from > 0) out += "...";
  out += src.substr(from, to - from);
  if (to < src.size()) out += "...";
  out += "\n  ";
  if (from > 0) out += "   ";
  // One column per character (not per byte: a UTF-8 character before the caret is one column);
  // tabs kept so the caret lines up under tab-indented source.
  for (size_t i = from; i < at && i < to; ++i) {
    if (continuation(i)) continue;
    out += src[i] == '\t' ? '\t' : ' ';
  }
  out += '^';
  const size_t end = std::min(to, at + static_cast<size_t>(std::max(length, 1)));
  for (size_t i = at + 1; i < end; ++i) {
    if (!continuation(i)) out += '~';
  }
  return out;
}

CompileOutput CompileRulesWithDiagnostics(std::string_view text, std::string_view file_name,
                                          const RuleLimits& limits) {
  CompileOutput out;
  std::vector<Token> toks = rules::Tokenize(text);
  Parser parser(toks, text);
  std::set<std::string> names;
  while (parser.Peek().kind != TokenKind::kEnd) {
    size_t start = parser.pos();
    try {
      ParsedRule r = parser.ParseRule();
      if (!names.insert(r.name).second)
        throw CompileError{r.name_tok, 0, "duplicate rule name `" + r.name + "` (rule names identify alerts)"};
      if (static_cast<int>(names.size()) > limits.max_rules)
        throw CompileError{r.name_tok, 0, "more than " + std::to_string(limits.max_rules) + " rules in one file (max_rules)"};
      RulePlan plan;
      plan.name = r.name;
      plan.file = std::string(file_name);
      plan.line = r.name_tok->line;
      plan.source = std::string(text.substr(r.begin, r.end - r.begin));
      plan.selector = r.selector;
      plan.for_ms = r.for_ms.value_or(0);
      plan.keep_firing_for_ms = r.keep_ms.value_or(0);
      // RV7: no limit before (`keep_firing_for 100000w` compiled; the alert never resolved). The
      // longest window is the longest wait or hold (docs/rules.md, "Limits").
      for (const auto& [tok, ms, clause, what] :
           {std::tuple{r.for_tok, plan.for_ms, "for", "the condition would have to hold that long before the alert fires"},
            std::tuple{r.keep_tok, plan.keep_firing_for_ms, "keep_firing_for",
                       "the alert would stay firing that long after its condition last held"}})
        if (ms > limits.max_window_ms)
          throw CompileError{tok, 0, std::string("`") + clause + " " + tok->text + "` is longer than the limit of " +
                                         FormatDurationMs(limits.max_window_ms) + " (max_window_ms): " + what +
                                         "; write at most " + FormatDurationMs(limits.max_window_ms)};
      plan.severity = r.severity;
      plan.labels = r.labels;
      RuleCompiler rc(text, r, limits, &plan);
      rc.Run();
      if (!r.explain.empty()) CompileTemplate(text, r, rc, &plan);
      // After the template: an aggregation only there (`{{median by (job) (x)}}`) is a stage too
      // (RV5; counted from the condition alone it was "internal: max_stage 0, but ... stage 1").
      for (const auto& n : plan.nodes) plan.max_stage = std::max(plan.max_stage, n.stage);
      if (plan.absent_rule && (plan.for_ms > 0 || plan.keep_firing_for_ms > 0)) {
        // Allowed: the life cycle runs on ticks like any rule.
      }
      Status valid = ValidatePlan(plan);
      if (!valid.ok()) throw CompileError{r.name_tok, 0, "internal: " + valid.message()};
      out.compiled.rules.push_back(std::move(plan));
    } catch (const CompileError& e) {
      out.diagnostics.push_back(MakeDiagnostic(text, file_name, e));
      parser.SkipToNextRule(start);
    }
  }
  return out;
}

Result<CompiledRules> CompileRules(std::string_view text, std::string_view file_name, const RuleLimits& limits) {
  CompileOutput out = CompileRulesWithDiagnostics(text, file_name, limits);
  if (!out.diagnostics.empty()) {
    std::string msg;
    for (const auto& d : out.diagnostics) {
      if (!msg.empty()) msg += '\n';
      msg.append(d.Format());
    }
    return InvalidArgumentError(msg);
  }
  if (out.compiled.rules.empty())
    return InvalidArgumentError(std::string(file_name) + ": no rules found (a rule starts with `rule NAME {`)");
  return std::move(out.compiled);
}

Result<CompiledRules> CompileRuleFile(const std::string& path, const RuleLimits& limits) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return CompileRules(text, path, limits);
}

namespace {
std::string HexNumber(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llX", static_cast<unsigned long long>(v));
  return buf;
}
std::string WindowWords(const WindowSpec& w) {
  return w.is_points ? "the last " + std::to_string(w.points) + " points"
                     : "the last " + FormatDurationMs(w.duration_ms);
}
}  // namespace

std::string ExplainRulePlan(const RulePlan& p) {
  std::string out = "rule " + p.name + " (" + p.file + ":" + std::to_string(p.line) + ")\n";
  out += "  watches: " + (p.selector.metric.empty() ? std::string("every metric") : "metric " + p.selector.metric);
  for (const auto& m : p.selector.matchers) {
    std::string how = m.op == MatchOp::kEq ? "is" : m.op == MatchOp::kNe ? "is not"
                    : m.op == MatchOp::kRegex ? "matches" : "does not match";
    out += ", where label " + m.name + " " + how + " \"" + m.value + "\"";
  }
  if (!p.selector.ignoring.empty()) {
    std::string list;
    for (const auto& l : p.selector.ignoring) list += (list.empty() ? "" : ", ") + l;
    out += "\n  one series per label set without " + list +
           " (series differing only in them are one history; at one timestamp the first series given wins)";
  }
  out += "\n  fires when: " + p.nodes[p.condition].text + "\n";
  if (p.tick_driven)
    out += "  evaluated at every timestamp of the input (it watches for missing data)\n";
  else
    out += "  evaluated at each point of each selected series\n";
  if (p.for_ms > 0)
    out += "  must hold for " + FormatDurationMs(p.for_ms) + " before firing (pending until then; a gap of over " +
           FormatDurationMs(p.lookback_ms) + " and twice the series' step between its points starts it again)\n";
  else out += "  fires as soon as it holds\n";
  if (p.keep_firing_for_ms > 0)
    out += "  keeps firing for " + FormatDurationMs(p.keep_firing_for_ms) + " after it stops holding\n";
  out += "  severity " + p.severity;
  for (const auto& [k, v] : p.labels) out += ", label " + k + "=\"" + v + "\"";
  out += "\n";
  // Only the terms that need computing (windows, lags, aggregations ...); a rule with none, such
  // as `x > 0`, printed a bare "computes:" heading with nothing under it.
  std::string computed;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const PlanNode& n = p.nodes[i];
    std::string what;
    switch (n.op) {
      case PlanOp::kWindow:
        what = std::string(WindowFnName(n.window_fn)) + " over " + WindowWords(n.window) + " of " +
               p.nodes[n.inputs[0]].text;
        if (n.window_fn == WindowFn::kQuantile) what = "quantile " + Json(n.constant).dump() + " " + what.substr(9);
        break;
      case PlanOp::kAggregate: {
        std::string by;
        for (const auto& b : n.by) by += (by.empty() ? "" : ", ") + b;
        if (!n.peer_metric.empty()) {
          what = std::string(AggFnName(n.agg_fn)) + " of the series of the metric " + n.peer_metric +
                 " with the same " + by + " as the evaluated series at the same time (latest value of each, up to " +
                 FormatDurationMs(p.lookback_ms) + " old; read for their values only, never alerted on)";
          break;
        }
        what = std::string(AggFnName(n.agg_fn)) + " of " + p.nodes[n.inputs[0]].text +
               " across the selected series " + (by.empty() ? "(all together)" : "with the same " + by) +
               " at the same time (latest value of each, up to " + FormatDurationMs(p.lookback_ms) + " old)";
        break;
      }
      case PlanOp::kEwma:
        what = "exponentially weighted mean of " + p.nodes[n.inputs[0]].text + " with factor " + Json(n.constant).dump();
        break;
      case PlanOp::kLag:
        what = p.nodes[n.inputs[0]].text + " " + std::to_string(n.lag_points) + " point(s) earlier";
        break;
      case PlanOp::kOffset:
        what = p.nodes[n.inputs[0]].text + " as it was " + FormatDurationMs(n.duration_ms) + " earlier";
        break;
      case PlanOp::kAnyBits:
      case PlanOp::kAllBits: {
        const double mc = p.nodes[n.inputs[1]].constant;  // 1 .. 2^53 - 1 in a valid plan
        const uint64_t mask = mc >= 1 && mc <= kMaxBitMask ? static_cast<uint64_t>(mc) : 0;
        std::string bits;
        for (int b = 0; b < 64; ++b)
          if (mask >> b & 1) {
            if (!bits.empty()) bits += ", ";
            bits += HexNumber(uint64_t{1} << b);
          }
        what = "true when " + p.nodes[n.inputs[0]].text + " is a whole number from 0 to 2^53 - 1 with ";
        what += n.op == PlanOp::kAnyBits ? "any of" : "all of";
        what += " the bits " + bits + " set (mask " + HexNumber(mask) + " = " + std::to_string(mask) +
                "); a missing, negative, fractional or larger value has none";
        break;
      }
      case PlanOp::kStaleFor:
        what = "true when the series has had no value for " + FormatDurationMs(n.duration_ms) + " or more";
        break;
      case PlanOp::kAbsent:
        what = "true when no selected series has had a value for " + FormatDurationMs(n.duration_ms) + " or more";
        break;
      default:
        continue;  // constants and arithmetic read fine as written
    }
    computed += "    - " + n.text + ": " + what + "\n";
  }
  if (!computed.empty()) {
    out += "  computes:\n";
    out += computed;
  }
  if (!p.explain_template.empty()) {
    out += "  explains an alert as: \"";
    for (const auto& part : p.explain_template) {
      out += part.kind == TemplatePart::Kind::kText ? part.text : "{{" + part.text + "}}";
    }
    out += "\"\n";
  }
  return out;
}

}  // namespace vigil
