#pragma once
// Images the fake engine "has". Loaded from --images FILE: a JSON object mapping an image name
// to its config in the shape `docker image inspect` prints under .Config, e.g.
//   {"test": {"ExposedPorts": {"80/tcp": {}, "443/tcp": {}}, "Env": ["A=1"], "Labels": {}, "Cmd": ["nginx"]}}
// An image that is not listed behaves as an already pulled image with an empty config, so
// scenarios need not declare every image they run. The fake-only key "FakeProcess" scripts what
// the image's containers print and what exec commands answer (process_script.hpp).

#include "fakes/docker/engine/process_script.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace fakes::docker {

struct ImageConfig {
  std::set<std::string> exposed_ports;  // "80/tcp"
  std::vector<std::string> env;         // "K=V"
  std::map<std::string, std::string> labels;
  std::vector<std::string> cmd;
  std::vector<std::string> entrypoint;
  ProcessScript process;  // "FakeProcess"
};

struct Image {
  std::string name;  // as listed, e.g. "test" or "nginx:1.25"
  std::string id;    // "sha256:<64 hex>", derived from the name so it is stable across runs
  ImageConfig config;
  std::int64_t created_unix = 0;
};

class ImageCatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ImageCatalog {
 public:
  /// Parses the --images JSON text; throws ImageCatalogError naming the image and field at fault.
  static ImageCatalog from_json(const std::string& text);
  /// Reads and parses a file; the error names the file.
  static ImageCatalog from_file(const std::string& path);

  void add(const std::string& name, ImageConfig config);
  /// The listed image for a reference ("test", "test:latest", "docker.io/library/test"), or
  /// an empty-config image for an unknown one.
  Image resolve(const std::string& reference) const;
  /// Only the listed images.
  std::vector<Image> list() const;

 private:
  std::map<std::string, ImageConfig> images_;  // key: normalized reference
};

/// "test" -> "test:latest"; strips "docker.io/library/" and "docker.io/".
std::string normalize_image_reference(const std::string& reference);
/// "sha256:" + 64 hex digits derived from the text (FNV-1a based, deterministic).
std::string image_id_for(const std::string& normalized_reference);

}  // namespace fakes::docker
