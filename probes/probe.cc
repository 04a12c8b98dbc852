#include "probes/probe.h"

#include <cmath>

#include "probes/command_executor.h"

namespace vigil {
namespace {

// Reads an object of finite numbers; the error names the field.
Status ReadNumberMap(const Json& j, std::string_view field, std::map<std::string, double>& out) {
  if (!j.contains(field) || j[field].is_null()) return Status::Ok();
  const Json& m = j[field];
  if (!m.is_object()) return InvalidArgumentError(std::string(field) + " must be an object of numbers");
  for (const auto& [k, v] : m.items()) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      return InvalidArgumentError(std::string(field) + "." + k + " must be a finite number, got " + v.dump());
    }
    out[k] = v.get<double>();
  }
  return Status::Ok();
}

Status ReadString(const Json& j, std::string_view field, bool required, std::string& out) {
  if (!j.contains(field) || j[field].is_null()) {
    if (required) return InvalidArgumentError(std::string("missing `").append(field).append("`"));
    return Status::Ok();
  }
  if (!j[field].is_string()) {
    return InvalidArgumentError(
        std::string("`").append(field).append("` must be a string, got ").append(j[field].dump()));
  }
  out = j[field].get<std::string>();
  return Status::Ok();
}

Status ParseInto(const Json& j, ProbeResult& r) {
  if (!j.is_object()) return InvalidArgumentError("expected an object, got " + std::string(j.type_name()));
  RETURN_IF_ERROR(ReadString(j, "probe", true, r.probe));
  if (r.probe.empty()) return InvalidArgumentError("`probe` is empty");
  RETURN_IF_ERROR(ReadString(j, "target", false, r.target));
  std::string status;
  RETURN_IF_ERROR(ReadString(j, "status", true, status));
  ASSIGN_OR_RETURN(r.status, ParseProbeStatus(status));
  RETURN_IF_ERROR(ReadNumberMap(j, "metrics", r.metrics));
  RETURN_IF_ERROR(ReadNumberMap(j, "thresholds", r.thresholds));
  RETURN_IF_ERROR(ReadString(j, "reason", false, r.reason));
  if (j.contains("duration_s") && !j["duration_s"].is_null()) {
    const Json& d = j["duration_s"];
    if (!d.is_number() || !std::isfinite(d.get<double>()) || d.get<double>() < 0) {
      return InvalidArgumentError("`duration_s` must be a finite number >= 0, got " + d.dump());
    }
    r.duration_s = d.get<double>();
  }
  if (j.contains("details")) r.details = j["details"];
  return Status::Ok();
}

}  // namespace

std::string_view ProbeStatusName(ProbeStatus s) {
  switch (s) {
    case ProbeStatus::kPass:
      return "pass";
    case ProbeStatus::kFail:
      return "fail";
    case ProbeStatus::kError:
      return "error";
    case ProbeStatus::kUnavailable:
      return "unavailable";
  }
  return "error";
}

Result<ProbeStatus> ParseProbeStatus(std::string_view s) {
  if (s == "pass") return ProbeStatus::kPass;
  if (s == "fail") return ProbeStatus::kFail;
  if (s == "error") return ProbeStatus::kError;
  if (s == "unavailable") return ProbeStatus::kUnavailable;
  return InvalidArgumentError("unknown probe status `" + std::string(s) +
                              "` (expected pass, fail, error or unavailable)");
}

void to_json(Json& j, const ProbeResult& r) {
  j = Json{{"probe", r.probe},          {"target", r.target},         {"status", ProbeStatusName(r.status)},
           {"metrics", r.metrics},      {"thresholds", r.thresholds}, {"reason", r.reason},
           {"duration_s", r.duration_s}};
  if (!r.details.is_null()) j["details"] = r.details;
}

void from_json(const Json& j, ProbeResult& r) {
  Status s = ParseInto(j, r);
  if (!s.ok()) throw std::invalid_argument(s.message());
}

Result<ProbeResult> ParseProbeResult(const Json& j, std::string_view what) {
  ProbeResult r;
  Status s = ParseInto(j, r);
  if (!s.ok()) return InvalidArgumentError(std::string(what) + ": " + s.message());
  return r;
}

Result<std::vector<ProbeResult>> ParseProbeDocument(std::string_view text, std::string_view what) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text, what));
  const Json* results = &doc;
  if (doc.is_object()) {
    if (!doc.contains("results") || !doc["results"].is_array()) {
      return InvalidArgumentError(std::string(what) + ": expected a `results` array");
    }
    results = &doc["results"];
  } else if (!doc.is_array()) {
    return InvalidArgumentError(std::string(what) + ": expected an object with `results`, got " +
                                doc.type_name());
  }
  std::vector<ProbeResult> out;
  for (size_t i = 0; i < results->size(); ++i) {
    ASSIGN_OR_RETURN(ProbeResult r, ParseProbeResult((*results)[i], std::string(what) + ": results[" +
                                                                        std::to_string(i) + "]"));
    out.push_back(std::move(r));
  }
  return out;
}

ProbeResult MakeProbeResult(std::string probe, std::string target, ProbeStatus status, std::string reason,
                            double duration_s) {
  ProbeResult r;
  r.probe = std::move(probe);
  r.target = std::move(target);
  r.status = status;
  r.reason = std::move(reason);
  r.duration_s = duration_s;
  return r;
}

Result<std::unique_ptr<ProbeExecutor>> MakeProbeExecutor(const std::string& spec) {
  std::string kind = spec.substr(0, spec.find(':'));
  std::string rest = spec.size() > kind.size() ? spec.substr(kind.size() + 1) : "";
  if (kind == "replay") {
    if (rest.empty()) return InvalidArgumentError("probe executor `replay` needs a file: replay:FILE");
    ASSIGN_OR_RETURN(Json recorded, ReadJsonFile(rest));
    auto r = MakeReplayExecutor(recorded);
    if (!r.ok()) return r.status().WithContext(rest);
    return r;
  }
  if (kind == "local" || kind == "ssh" || kind == "slurm") return MakeCommandExecutor(kind, rest);
  return InvalidArgumentError("unknown probe executor `" + spec +
                              "` (expected local[:binary=PATH], ssh[:user=U,binary=PATH], "
                              "slurm[:partition=P,binary=PATH] or replay:FILE)");
}

}  // namespace vigil
