// Every case of the AWS Signature V4 test suite (shared/testdata), in header
// and query (presigned) mode, in the path mode its context.json names.
#include "storage/s3/sigv4.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/hash.h"
#include "http/request_target.h"

namespace wasmfaas::storage::s3 {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = WASMFAAS_SIGV4_SUITE_DIR;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

struct SuiteCase {
  SigningRequest request;
  Credentials credentials;
  SigningOptions options;
  std::chrono::system_clock::time_point when;
  std::chrono::seconds expires{};
};

std::string decode(std::string_view text) {
  return http::percent_decode(text, false).value_or(std::string(text));
}

SuiteCase load_case(const fs::path& dir) {
  SuiteCase c;
  const auto context = nlohmann::json::parse(read_text(dir / "context.json"));
  c.credentials.access_key_id = context["credentials"]["access_key_id"];
  c.credentials.secret_access_key = context["credentials"]["secret_access_key"];
  c.credentials.session_token = context["credentials"].value("token", "");
  c.options.region = context["region"];
  c.options.service = context["service"];
  c.options.normalize_path = context["normalize"];
  c.options.sign_content_sha256 = context.value("sign_body", false);
  c.options.sign_session_token = !context.value("omit_session_token", false);
  c.expires = std::chrono::seconds(context["expiration_in_seconds"].get<int>());
  std::tm tm{};
  strptime(context["timestamp"].get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  c.when = std::chrono::system_clock::from_time_t(timegm(&tm));

  const std::string raw = read_text(dir / "request.txt");
  const size_t head_end = raw.find("\n\n");
  const std::string head = raw.substr(0, head_end);
  const std::string body = head_end == std::string::npos ? "" : raw.substr(head_end + 2);
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  c.request.method = line.substr(0, line.find(' '));
  const std::string target =
      line.substr(line.find(' ') + 1, line.rfind(" HTTP/") - line.find(' ') - 1);
  const size_t question = target.find('?');
  c.request.path = decode(target.substr(0, question));
  if (question != std::string::npos) {
    std::string_view query = std::string_view(target).substr(question + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const size_t equals = pair.find('=');
      c.request.query.emplace_back(
          decode(pair.substr(0, equals)),
          equals == std::string_view::npos ? "" : decode(pair.substr(equals + 1)));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  while (std::getline(lines, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      c.request.headers.back().second += " " + line;  // folded continuation
      continue;
    }
    const size_t colon = line.find(':');
    c.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  c.request.payload_sha256 = sha256_hex(body);
  return c;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, HeaderSigning) {
  const fs::path dir = kSuite / GetParam();
  const SuiteCase c = load_case(dir);
  const Signature signature = sign_headers(c.request, c.credentials, c.options, c.when);
  EXPECT_EQ(signature.canonical_request,
            trim_trailing_newlines(read_text(dir / "header-canonical-request.txt")));
  EXPECT_EQ(signature.string_to_sign,
            trim_trailing_newlines(read_text(dir / "header-string-to-sign.txt")));
  EXPECT_EQ(signature.signature, trim_trailing_newlines(read_text(dir / "header-signature.txt")));
}

TEST_P(SigV4SuiteTest, QuerySigning) {
  const fs::path dir = kSuite / GetParam();
  const SuiteCase c = load_case(dir);
  const Signature signature =
      sign_query(c.request, c.credentials, c.options, c.when, c.expires);
  EXPECT_EQ(signature.canonical_request,
            trim_trailing_newlines(read_text(dir / "query-canonical-request.txt")));
  EXPECT_EQ(signature.string_to_sign,
            trim_trailing_newlines(read_text(dir / "query-string-to-sign.txt")));
  EXPECT_EQ(signature.signature, trim_trailing_newlines(read_text(dir / "query-signature.txt")));
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4SuiteTest, ::testing::ValuesIn(case_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(SigV4Test, TheSuiteIsThere) { EXPECT_EQ(case_names().size(), 38u); }

TEST(SigV4Test, S3KeysAreEncodedOnceAndNotNormalized) {
  SigningRequest request{"GET", "/bucket/a b/../c+d", {}, {{"host", "localhost:9000"}},
                         "UNSIGNED-PAYLOAD"};
  const Signature signature =
      sign_headers(request, {"AK", "SK", ""}, {.region = "eu-west-1"},
                   std::chrono::system_clock::from_time_t(0));
  EXPECT_NE(signature.canonical_request.find("\n/bucket/a%20b/../c%2Bd\n"), std::string::npos)
      << signature.canonical_request;
  EXPECT_NE(signature.canonical_request.find("x-amz-content-sha256:UNSIGNED-PAYLOAD"),
            std::string::npos);
}

}  // namespace
}  // namespace wasmfaas::storage::s3
