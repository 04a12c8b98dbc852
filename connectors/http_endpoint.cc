#include "connectors/http_endpoint.h"

#include <utility>

#include "core/json.h"
#include "core/utf8.h"

namespace vigil {

Result<HttpResponse> SendToEndpoint(HttpRequest req, size_t max_ok_body_bytes, const std::string& where,
                                    const std::string& shown_url, std::string_view over_hint) {
  // A 2xx body is collected here, up to the limit: an answer for a whole fleet must not take all the
  // memory (callers parse the JSON whole afterwards, several times its size).
  std::string ok_body;
  bool over = false;
  req.on_body = [&](std::string_view chunk) {
    if (max_ok_body_bytes != 0 && ok_body.size() + chunk.size() > max_ok_body_bytes) {
      over = true;
      return false;
    }
    ok_body.append(chunk);
    return true;
  };
  Result<HttpResponse> res = HttpSend(req);
  if (over) {
    const size_t cap = max_ok_body_bytes;
    return InvalidArgumentError(where + ": the answer is over " +
                                (cap >= (size_t{1} << 20) ? std::to_string(cap >> 20) + " MiB"
                                                          : std::to_string(cap) + " bytes") +
                                " (the limit of one answer): " + std::string(over_hint));
  }
  if (!res.ok()) {
    // HttpSend names the whole URL (credentials and the encoded query): name the endpoint instead.
    std::string m = res.status().message();
    if (const std::string said = req.method + " " + req.url + ": "; m.rfind(said, 0) == 0) m.erase(0, said.size());
    for (size_t at = m.find(req.url); at != std::string::npos; at = m.find(req.url, at))
      m.replace(at, req.url.size(), shown_url);
    return Status(res.status().code(), where + ": " + m);
  }
  if (res->ok()) res->body = std::move(ok_body);
  return res;
}

std::string BodyPreview(std::string_view body, size_t n) {
  std::string out = Utf8Prefix(body, n);  // whole characters: the preview may reach JSON output
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return body.size() > n ? out + "..." : out;
}

namespace {
// Reads JSON without building it; remembers where a syntax error stopped the parser.
struct ErrorAt : nlohmann::json_sax<Json> {
  size_t byte = 0;  // 1-based, as nlohmann counts; 0: no error
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    byte = position;
    return false;
  }
};
}  // namespace

std::string JsonCutShort(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) return "";
  // Cut short: the parser ran out of input (inside a string, a number, between values), nothing
  // before the end was wrong.
  ErrorAt sax;
  if (Json::sax_parse(body.begin(), body.end(), &sax) || sax.byte <= body.size()) return "";
  return "JSON cut short: its " + std::to_string(body.size()) +
         " bytes end before the answer is complete (a proxy or the server cut it)";
}

}  // namespace vigil
