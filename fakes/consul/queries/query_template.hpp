#pragma once
// Prepared query templates (Consul's prepared_query/template.go): a query whose Name is a
// prefix; looking up a longer name renders every string of its Service part with HIL
// interpolations: ${name.full}, ${name.prefix}, ${name.suffix} and ${match(N)} (the N-th
// capture of Template.Regexp against the full name; "" when there is none). `$${` is a
// literal `${`. Regexps are ECMAScript (std::regex), so RE2-only syntax is refused.

#include "fakes/consul/queries/prepared_query.hpp"

#include <string>
#include <variant>

namespace fakes::consul {

inline constexpr const char* kNamePrefixMatch = "name_prefix_match";

/// Consul's Compile: the type, every interpolation, the regexp and a render with the bare
/// prefix. Returns Consul's error text ("Bad Template.Type 'x'", "Bad Regexp: ...",
/// "Bad evaluation for ..."), "" when the template is good.
std::string compile_template(const PreparedQuery& query);

/// The query `name` resolves to: a copy with the Service strings rendered (and empty tags
/// dropped with RemoveEmptyTags), or the error text.
std::variant<PreparedQuery, std::string> render_template(const PreparedQuery& query, const std::string& name);

}  // namespace fakes::consul
