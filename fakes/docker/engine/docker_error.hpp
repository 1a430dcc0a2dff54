#pragma once
// The one error type of the fake engine: an HTTP status plus the engine's message text, so the
// state model can say exactly what a real dockerd would answer without knowing about HTTP.

#include <stdexcept>
#include <string>

namespace fakes::docker {

class DockerError : public std::runtime_error {
 public:
  DockerError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

inline DockerError no_such_container(const std::string& ref) { return {404, "No such container: " + ref}; }
inline DockerError bad_parameter(const std::string& message) { return {400, message}; }
// 304 carries no body; the engine uses it for "already started" / "already stopped".
inline DockerError not_modified() { return {304, ""}; }

}  // namespace fakes::docker
