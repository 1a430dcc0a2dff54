#include "fakes/docker/engine/image_catalog.hpp"

#include "fakes/docker/engine/port_spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace fakes::docker {

namespace {

std::vector<std::string> string_array(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return {};
  if (!j.is_array()) throw ImageCatalogError(where + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string()) throw ImageCatalogError(where + " must be an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

ImageConfig parse_config(const nlohmann::json& j, const std::string& name) {
  const std::string where = "image \"" + name + "\"";
  if (!j.is_object()) throw ImageCatalogError(where + ": config must be a JSON object");
  ImageConfig config;
  for (const auto& [key, value] : j.items()) {
    if (key == "ExposedPorts") {
      if (value.is_null()) continue;
      if (!value.is_object()) throw ImageCatalogError(where + ": ExposedPorts must be an object like {\"80/tcp\": {}}");
      for (const auto& [port, _] : value.items()) {
        auto spec = parse_port_spec(port);
        if (!spec) throw ImageCatalogError(where + ": ExposedPorts key \"" + port + "\" is not a port like 80/tcp");
        config.exposed_ports.insert(spec->key());
      }
    } else if (key == "Env") {
      config.env = string_array(value, where + ": Env");
    } else if (key == "Cmd") {
      config.cmd = string_array(value, where + ": Cmd");
    } else if (key == "Entrypoint") {
      config.entrypoint = string_array(value, where + ": Entrypoint");
    } else if (key == "Labels") {
      if (value.is_null()) continue;
      if (!value.is_object()) throw ImageCatalogError(where + ": Labels must be an object of strings");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) throw ImageCatalogError(where + ": label \"" + k + "\" must be a string");
        config.labels[k] = v.get<std::string>();
      }
    } else if (key == "FakeProcess") {
      try {
        config.process = parse_process_script(value, "FakeProcess");
      } catch (const ScriptError& e) {
        throw ImageCatalogError(where + ": " + e.what());
      }
    }
    // Other .Config fields (User, WorkingDir, Volumes, ...) are accepted and ignored.
  }
  return config;
}

}  // namespace

std::string normalize_image_reference(const std::string& reference) {
  std::string ref = reference;
  for (const char* prefix : {"docker.io/library/", "docker.io/"}) {
    std::string p = prefix;
    if (ref.rfind(p, 0) == 0) {
      ref = ref.substr(p.size());
      break;
    }
  }
  // A tag is a ':' after the last '/'; a digest ('@') also counts as pinned.
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!tagged && ref.find('@') == std::string::npos) ref += ":latest";
  return ref;
}

std::string image_id_for(const std::string& normalized_reference) {
  std::string out = "sha256:";
  std::uint64_t h = 1469598103934665603ull;
  for (int round = 0; round < 4; ++round) {
    for (unsigned char c : normalized_reference) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= static_cast<std::uint64_t>(round + 1);
    h *= 1099511628211ull;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    out += buf;
  }
  return out;
}

ImageCatalog ImageCatalog::from_json(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // syntax, and numbers beyond double
    throw ImageCatalogError(std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object()) throw ImageCatalogError("top level must be a JSON object mapping image name to config");
  ImageCatalog catalog;
  for (const auto& [name, config] : j.items()) {
    if (name.empty()) throw ImageCatalogError("image name must not be empty");
    catalog.add(name, parse_config(config, name));
  }
  return catalog;
}

ImageCatalog ImageCatalog::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageCatalogError("cannot read images file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return from_json(ss.str());
  } catch (const ImageCatalogError& e) {
    throw ImageCatalogError("images file " + path + ": " + e.what());
  }
}

void ImageCatalog::add(const std::string& name, ImageConfig config) {
  images_[normalize_image_reference(name)] = std::move(config);
}

Image ImageCatalog::resolve(const std::string& reference) const {
  Image image;
  image.name = reference;
  auto key = normalize_image_reference(reference);
  image.id = image_id_for(key);
  if (auto it = images_.find(key); it != images_.end()) image.config = it->second;
  return image;
}

std::vector<Image> ImageCatalog::list() const {
  std::vector<Image> out;
  for (const auto& [key, config] : images_) out.push_back(Image{key, image_id_for(key), config, 0});
  return out;
}

}  // namespace fakes::docker
