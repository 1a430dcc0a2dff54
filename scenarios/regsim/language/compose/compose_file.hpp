#pragma once
// A compose file (as read by yaml_subset.hpp) -> the ComposeProject that `docker-compose -p
// PROJECT up -d` would create. Everything regsim cannot model is refused here, before a
// scenario starts: `build`, `volumes` (host paths and named volumes alike: fake-docker has no
// volumes), a `healthcheck` with a test, variable substitution (`$VAR`), and every key outside
// the supported set, each error naming the key's path (services.web.build) and its line.

#include "scenarios/regsim/language/compose/compose_project.hpp"
#include "scenarios/regsim/language/compose/yaml_subset.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace regsim::compose {

/// What was wrong, where: what() is "FILE:LINE: PATH: detail".
class ComposeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Compose's project name rule: lowercase, only [-_a-z0-9] kept ("My App" -> "myapp").
std::string normalize_project_name(const std::string& name);

/// Reads and resolves `file` for `project` ("" = Compose's default: the file's folder name,
/// normalized). Throws ComposeError (unreadable file, YAML error, refused content).
ComposeProject load_compose_file(const std::filesystem::path& file, const std::string& project);

/// The same from text; `file` names it in messages and in Compose's labels.
ComposeProject resolve_compose_text(const std::string& text, const std::filesystem::path& file,
                                    const std::string& project);

}  // namespace regsim::compose
