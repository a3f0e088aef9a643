// docs/syscalls.md must list exactly the calls and errors of the ABI header: each call's number,
// signature and error set, and the error table's names and values. It must also state the one rule
// for deleting a capability (cap_delete takes everything derived from it; nothing moves up to the
// parent), so an older contradicting rule cannot come back into the page.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "kernel/abi/syscalls.hpp"

using namespace bramble::abi;

namespace {

struct DocCall {
  std::uint64_t number = 0;
  std::string signature;
  std::set<std::string> errors;
  bool has_errors_line = false;
  std::string text; // the section's prose, lines joined by spaces
};

struct Doc {
  std::map<std::string, DocCall> calls;
  std::map<std::string, std::uint64_t> errors;
  std::vector<std::string> problems;
  std::string text; // the whole page, lines joined by spaces
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t.");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string unquote(const std::string& s) {
  const std::string t = trim(s);
  return (t.size() >= 2 && t.front() == '`' && t.back() == '`') ? t.substr(1, t.size() - 2) : t;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);)
    parts.push_back(part);
  return parts;
}

// Headings "### `name` (number)", then a signature line "`name(args) -> results`", then a line
// "Errors: `A`, `B`." or "Errors: none."; error table rows "| `Name` | value | meaning |" under
// "## Errors".
Doc parse(std::istream& in) {
  Doc doc;
  std::string section;
  DocCall* current = nullptr;
  std::string current_name;
  for (std::string line; std::getline(in, line);) {
    doc.text += line + " ";
    if (current != nullptr && line.rfind("#", 0) != 0) current->text += line + " ";
    if (line.rfind("## ", 0) == 0) {
      section = line.substr(3);
      current = nullptr;
    } else if (line.rfind("### `", 0) == 0) {
      const auto close = line.find('`', 5);
      const auto open_paren = line.find('(', close);
      const auto close_paren = line.find(')', open_paren);
      if (close == std::string::npos || open_paren == std::string::npos || close_paren == std::string::npos) {
        doc.problems.push_back("bad heading: " + line);
        continue;
      }
      current_name = line.substr(5, close - 5);
      if (doc.calls.count(current_name) != 0) doc.problems.push_back("listed twice: " + current_name);
      current = &doc.calls[current_name];
      current->number = std::stoull(line.substr(open_paren + 1, close_paren - open_paren - 1));
    } else if (current != nullptr && current->signature.empty() && line.rfind("`" + current_name + "(", 0) == 0) {
      current->signature = unquote(line);
    } else if (current != nullptr && line.rfind("Errors:", 0) == 0) {
      current->has_errors_line = true;
      const std::string list = trim(line.substr(7));
      if (list == "none") continue;
      for (const std::string& item : split(list, ','))
        current->errors.insert(unquote(item));
    } else if (section == "Errors" && line.rfind("| `", 0) == 0) {
      const auto cells = split(line, '|'); // "", name, value, meaning, ""
      if (cells.size() < 4) {
        doc.problems.push_back("bad error row: " + line);
        continue;
      }
      doc.errors[unquote(cells[1])] = std::stoull(trim(cells[2]));
    }
  }
  return doc;
}

Doc load() {
  std::ifstream file(BRAMBLE_SYSCALLS_DOC);
  REQUIRE_MESSAGE(file.good(), "cannot open " BRAMBLE_SYSCALLS_DOC);
  return parse(file);
}

// Lower case, runs of spaces as one: prose wraps anywhere.
std::string normalized(const std::string& s) {
  std::string out;
  for (char c : s) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == ' ' && !out.empty() && out.back() == ' ') continue;
    out += l;
  }
  return out;
}

bool says(const std::string& text, const std::string& phrase) {
  return normalized(text).find(normalized(phrase)) != std::string::npos;
}

// The delete/revoke rule: cap_delete deletes the capability and everything derived from it,
// cap_revoke deletes everything derived and keeps the capability; no part of the page may describe
// the old rule under which a deleted capability's children stayed alive one level up.
std::vector<std::string> delete_semantics_problems(const Doc& doc) {
  std::vector<std::string> problems;
  const auto section = [&](const char* name) -> std::string {
    const auto it = doc.calls.find(name);
    return it == doc.calls.end() ? std::string() : it->second.text;
  };
  if (!says(section("cap_delete"), "Deletes a capability and everything derived from it")) {
    problems.push_back("cap_delete's section does not say it deletes everything derived from the capability");
  }
  if (!says(section("cap_revoke"), "Deletes every capability derived from this one") ||
      !says(section("cap_revoke"), "the capability itself stays")) {
    problems.push_back("cap_revoke's section does not say it deletes the descendants and keeps the capability");
  }
  if (!says(doc.text, "`cap_delete` deletes a capability together with everything derived from it")) {
    problems.push_back("the derivation rules do not say cap_delete deletes everything derived");
  }
  for (const char* old_rule : {"move up", "moves up", "moved up", "re-parent", "reparent", "children stay",
                               "children survive", "children become roots", "to the parent's child list"}) {
    if (says(doc.text, old_rule))
      problems.push_back(std::string("the page describes the old delete rule: \"") + old_rule + "\"");
  }
  return problems;
}

std::string expected_signature(const SyscallInfo& info) {
  std::string s = std::string(info.name) + "(" + info.args + ")";
  if (info.results[0] != '\0') s += std::string(" -> ") + info.results;
  return s;
}

} // namespace

TEST_CASE("docs/syscalls.md lists exactly the header's system calls, with their numbers and signatures") {
  const Doc doc = load();
  CHECK(doc.problems.empty());
  for (const std::string& p : doc.problems)
    MESSAGE(p);
  CHECK(doc.calls.size() == kSyscallCount);
  for (const SyscallInfo& info : kSyscalls) {
    CAPTURE(info.name);
    const auto it = doc.calls.find(info.name);
    REQUIRE_MESSAGE(it != doc.calls.end(), "not documented: " << info.name);
    CHECK(it->second.number == static_cast<std::uint64_t>(info.call));
    CHECK(it->second.signature == expected_signature(info));
  }
  for (const auto& entry : doc.calls) {
    const std::string& name = entry.first;
    bool declared = false;
    for (const SyscallInfo& info : kSyscalls)
      declared = declared || name == info.name;
    CHECK_MESSAGE(declared, "documented but not in the header: " << name);
  }
}

TEST_CASE("docs/syscalls.md gives every call exactly the errors the header says it can return") {
  const Doc doc = load();
  for (const SyscallInfo& info : kSyscalls) {
    CAPTURE(info.name);
    const auto it = doc.calls.find(info.name);
    REQUIRE(it != doc.calls.end());
    CHECK(it->second.has_errors_line);
    std::set<std::string> expected;
    for (const ErrorInfo& e : kErrors) {
      if ((syscall_errors(info.call) & error_bit(e.error)) != 0) expected.insert(e.name);
    }
    CHECK(it->second.errors == expected);
  }
}

TEST_CASE("docs/syscalls.md's error table matches the header's errors and values") {
  const Doc doc = load();
  CHECK(doc.errors.size() == kErrorCount);
  for (const ErrorInfo& e : kErrors) {
    CAPTURE(e.name);
    const auto it = doc.errors.find(e.name);
    REQUIRE_MESSAGE(it != doc.errors.end(), "error not documented: " << e.name);
    CHECK(it->second == static_cast<std::uint64_t>(e.error));
  }
}

TEST_CASE("docs/syscalls.md states one delete/revoke rule: delete takes everything derived, nothing moves up") {
  const Doc doc = load();
  const std::vector<std::string> problems = delete_semantics_problems(doc);
  for (const std::string& p : problems)
    MESSAGE(p);
  CHECK(problems.empty());
}

TEST_CASE("the delete/revoke check notices the old rule and a missing statement") {
  std::istringstream page(
      "## Calls\n### `cap_delete` (51)\n`cap_delete(slot)`\n\nDeletes a capability; its children\n"
      "move up to its parent.\n\nErrors: `InvalidSlot`.\n### `cap_revoke` (52)\n`cap_revoke(slot)`\n"
      "\nDeletes every capability derived from this one; the capability itself\nstays.\n");
  const std::vector<std::string> problems = delete_semantics_problems(parse(page));
  CHECK(std::count_if(problems.begin(), problems.end(),
                      [](const std::string& p) { return p.find("cap_delete's section") != std::string::npos; }) == 1);
  CHECK(std::count_if(problems.begin(), problems.end(),
                      [](const std::string& p) { return p.find("move up") != std::string::npos; }) == 1);
  CHECK(std::none_of(problems.begin(), problems.end(),
                     [](const std::string& p) { return p.find("cap_revoke's section") != std::string::npos; }));
}

TEST_CASE("the document parser notices drift") {
  // A page with a wrong number, an unknown call, a missing error and an undeclared error.
  std::istringstream page("## Errors\n| `EmptySlot` | 3 | x |\n| `Bogus` | 99 | x |\n## Calls\n"
                          "### `cap_delete` (52)\n`cap_delete(slot)`\nErrors: `InvalidSlot`.\n"
                          "### `cap_frobnicate` (99)\n`cap_frobnicate()`\nErrors: none.\n");
  const Doc doc = parse(page);
  REQUIRE(doc.calls.count("cap_delete") == 1);
  CHECK(doc.calls.at("cap_delete").number != static_cast<std::uint64_t>(Syscall::cap_delete));
  CHECK(doc.calls.at("cap_delete").errors == std::set<std::string>{"InvalidSlot"});
  CHECK(doc.calls.count("cap_frobnicate") == 1);
  CHECK(doc.calls.at("cap_frobnicate").has_errors_line);
  CHECK(doc.calls.at("cap_frobnicate").errors.empty());
  CHECK(doc.errors.at("Bogus") == 99);
  CHECK(error_name(99) == nullptr);
}
