#pragma once
// The docker CLI operations a scenario performs, as plain Engine API calls to one fake-docker
// (over its unix socket), plus the fake's control API for "the container's process exited".

#include "scenarios/regsim/language/churn_plan.hpp"
#include "scenarios/regsim/language/scenario.hpp"

#include "fakes/common/http/client.hpp"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace regsim {

class DockerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What `docker inspect` says about a container, as far as scenarios need it.
struct ContainerFacts {
  std::string id;
  std::string state;  // "running", "exited", ...
  int exit_code = 0;
  std::string ip;     // on the container's network ("" when it has none, e.g. stopped)
  std::map<std::string, std::string> host_ports;  // "80/tcp" -> "7679"
};

/// Extracts ContainerFacts from a GET /containers/NAME/json body; throws DockerError when the
/// body is not an inspect document.
ContainerFacts facts_from_inspect(const nlohmann::json& inspect);

/// The User-Agent of every request regsim sends to fake-docker; docker_fault rules spare it.
inline constexpr const char* kRegsimUserAgent = "regsim";

class DockerControl {
 public:
  explicit DockerControl(std::string socket_path);

  /// docker run -d: create (with the values already expanded) and start. Returns the ID.
  std::string run(const RunAction& run);
  /// POST /containers/create?name=NAME with an Engine API body; returns the new ID.
  std::string create(const std::string& name, const nlohmann::json& body);
  void start(const std::string& container);
  void stop(const std::string& container);
  void kill(const std::string& container, const std::string& signal);
  void remove(const std::string& container);
  /// The container's main process exits by itself with `code` (fake-docker control API).
  void exit(const std::string& container, int code);
  /// Ends a churned container the way `how` says (stop, kill, exit 0/1, rm -f).
  void end(const std::string& container, ChurnEnd how);
  /// docker network create NAME (bridge driver); docker network connect/disconnect NAME CONTAINER.
  void create_network(const std::string& name, const std::map<std::string, std::string>& labels = {});
  void connect_network(const std::string& network, const std::string& container,
                       const std::vector<std::string>& aliases = {});
  /// docker network rm NAME; false when there is no such network.
  bool remove_network(const std::string& name);
  bool network_exists(const std::string& name);
  /// docker ps -a --filter label=LABEL: the list entries (Id, Names, Labels, State, ...).
  std::vector<nlohmann::json> containers_labelled(const std::string& label);
  void disconnect_network(const std::string& network, const std::string& container);
  /// fake-docker's /_fake/faults: from now on requests matching `rule` fail, drop or come late.
  void add_fault(const nlohmann::json& rule);
  void clear_faults();
  /// fake-docker cuts every /events stream (registrator has to reconnect).
  void drop_events();
  /// fake-docker restarts: connections drop, the API is away for `downtime`. Returns once the
  /// restarted daemon answers /_ping, so the next step talks to the new daemon.
  void restart_daemon(std::chrono::milliseconds downtime, bool live_restore);
  /// The names (without the leading slash) of every running container: `docker ps`.
  std::vector<std::string> running_names();
  /// nullopt when fake-docker has no such container.
  std::optional<ContainerFacts> inspect(const std::string& container);

 private:
  fakes::http::ClientResponse call(boost::beast::http::verb verb, const std::string& target,
                                   const std::string& body = {});
  void expect_status(const fakes::http::ClientResponse& r, std::initializer_list<unsigned> ok,
                     const std::string& what);

  fakes::http::Endpoint endpoint_;
};

/// The Engine API body of POST /containers/create for a run step (what the docker CLI sends).
nlohmann::json create_body(const RunAction& run);

}  // namespace regsim
