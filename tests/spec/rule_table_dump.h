// tests/spec/rule_table_dump.h — a family's rule table as text: every rule's fields (id, APIs,
// platforms, stage, layer, scope, expected code, level, flags, text, citation), then, for a few
// seeded valid cases per API and platform, each rule's violate() descriptor and every rank's
// expectation under both profiles (which runs every predicate). Two builds' dumps compared with
// diff prove that a refactoring of the rule tables changed nothing; spec_rule_digest_test pins
// a digest of each family's dump so that an accidental change fails.
#ifndef MC2_TESTS_SPEC_RULE_TABLE_DUMP_H_
#define MC2_TESTS_SPEC_RULE_TABLE_DUMP_H_

#include <cstdint>
#include <string>

#include "spec/catalogue.h"

namespace mc2::spec::testing {

// The dump of `family` with valid cases drawn from seeds 1..seeds.
std::string DumpRuleTable(const OpFamily &family, uint64_t seeds);
// FNV-1a, 64 bits, as 16 hex digits (stable across compilers and platforms).
std::string Digest(const std::string &text);

}  // namespace mc2::spec::testing

#endif  // MC2_TESTS_SPEC_RULE_TABLE_DUMP_H_
