#include "storage/s3/s3_store.h"

#include <pugixml.hpp>

#include <algorithm>

#include <cstdlib>
#include <ctime>
#include <random>
#include <thread>

#include "common/hash.h"
#include "storage/naming.h"

namespace wasmfaas::storage {
namespace {

using Clock = std::chrono::system_clock;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string strip_quotes(std::string etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Clock::time_point parse_time(const std::string& text, const char* format) {
  std::tm tm{};
  if (!strptime(text.c_str(), format, &tm)) return {};
  return Clock::from_time_t(timegm(&tm));
}

Clock::time_point parse_iso8601(const std::string& text) {
  return parse_time(text, "%Y-%m-%dT%H:%M:%S");
}

Clock::time_point parse_http_date(const std::string& text) {
  return parse_time(text, "%a, %d %b %Y %H:%M:%S");
}

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

struct S3Error {
  std::string code;
  std::string message;
};

S3Error parse_error(const s3::HttpResponse& response) {
  pugi::xml_document document;
  S3Error error;
  if (document.load_buffer(response.body.data(), response.body.size())) {
    error.code = document.child("Error").child_value("Code");
    error.message = document.child("Error").child_value("Message");
  }
  if (error.code.empty()) {
    // No body to say why (a HEAD request): the status is all there is.
    error.code = "HTTP " + std::to_string(response.status);
    if (response.status == 403) error.code += " (access denied, or wrong credentials)";
  }
  return error;
}

bool retryable(long status) { return status >= 500 || status == 429; }

Error no_such_version(std::string_view key, std::string_view version_id) {
  return Error{ErrorCode::kNotFound,
               "object '" + std::string(key) + "' has no version '" + std::string(version_id) + "'",
               reason::kVersionNotFound};
}

// What a PUT answers in a bucket that does not keep versions: no id, or
// "null" while versioning is suspended.
bool unversioned(const std::string& version_id) {
  return version_id.empty() || version_id == "null";
}

constexpr std::string_view kEnableVersioning =
    "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Status>Enabled</Status></VersioningConfiguration>";

Error not_found(std::string_view bucket, std::string_view key, const std::string& code) {
  if (code == "NoSuchBucket" || key.empty()) {
    return Error{ErrorCode::kNotFound, "bucket '" + std::string(bucket) + "' does not exist",
                 reason::kBucketNotFound};
  }
  return Error{ErrorCode::kNotFound, "no object '" + std::string(key) + "' in bucket '" +
                                         std::string(bucket) + "'"};
}

// The one translation of an S3 error response into an Error.
Error translate(const s3::HttpResponse& response, std::string_view bucket, std::string_view key) {
  const S3Error error = parse_error(response);
  if (response.status == 404) return not_found(bucket, key, error.code);
  if (error.code == "BucketAlreadyOwnedByYou" || error.code == "BucketAlreadyExists") {
    return Error{ErrorCode::kAlreadyExists, "bucket '" + std::string(bucket) + "' already exists"};
  }
  if (error.code == "BucketNotEmpty") {
    return Error{ErrorCode::kConflict,
                 "bucket '" + std::string(bucket) +
                     "' is not empty: it still holds objects or the versions of deleted ones "
                     "(delete those with ?version= first)"};
  }
  if (retryable(response.status)) {
    return Error{ErrorCode::kUnavailable, "storage unavailable: " + error.code};
  }
  return Error{ErrorCode::kStorageRejected, "storage rejected the request: " + error.code};
}

ObjectVersion version_from_headers(const s3::HttpResponse& response, std::string_view key) {
  ObjectVersion version;
  version.key = std::string(key);
  version.version_id = response.header("x-amz-version-id");
  version.etag = strip_quotes(response.header("etag"));
  version.sha256 = response.header("x-amz-meta-sha256");
  const std::string length = response.header("content-length");
  version.size = length.empty() ? 0 : std::stoull(length);
  version.created = parse_http_date(response.header("last-modified"));
  return version;
}

}  // namespace

void apply_aws_environment(S3Config& config) {
  if (config.endpoint.empty()) config.endpoint = env("AWS_ENDPOINT_URL");
  if (config.region.empty()) config.region = env("AWS_REGION");
  if (config.region.empty()) config.region = env("AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = "us-east-1";
  if (config.credentials.access_key_id.empty()) {
    config.credentials.access_key_id = env("AWS_ACCESS_KEY_ID");
  }
  if (config.credentials.secret_access_key.empty()) {
    config.credentials.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  }
  if (config.credentials.session_token.empty()) {
    config.credentials.session_token = env("AWS_SESSION_TOKEN");
  }
}

Result<void> validate(const S3Config& config) {
  const auto missing = [](const std::string& what) {
    return make_error(ErrorCode::kInvalidArgument, "S3 store: " + what);
  };
  if (config.endpoint.empty()) {
    return missing("no endpoint (set --s3-endpoint or AWS_ENDPOINT_URL)");
  }
  if (!config.endpoint.starts_with("http://") && !config.endpoint.starts_with("https://")) {
    return missing("endpoint '" + config.endpoint + "' must start with http:// or https://");
  }
  if (config.region.empty()) return missing("no region (set --s3-region or AWS_REGION)");
  if (config.credentials.access_key_id.empty()) {
    return missing("no access key (set AWS_ACCESS_KEY_ID)");
  }
  if (config.credentials.secret_access_key.empty()) {
    return missing("no secret key (set AWS_SECRET_ACCESS_KEY)");
  }
  if (config.max_attempts < 1) return missing("max attempts must be at least 1");
  return {};
}

S3Store::S3Store(S3Config config)
    : config_(std::move(config)),
      client_(s3::HttpClientOptions{config_.connect_timeout, config_.request_timeout}) {
  const size_t scheme_end = config_.endpoint.find("://");
  scheme_ = config_.endpoint.substr(0, scheme_end);
  host_ = config_.endpoint.substr(scheme_end + 3);
  while (!host_.empty() && host_.back() == '/') host_.pop_back();
}

Result<std::unique_ptr<S3Store>> S3Store::open(S3Config config) {
  if (auto ok = validate(config); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<S3Store>(new S3Store(std::move(config)));
}

Result<s3::HttpResponse> S3Store::send_once(const Call& call) {
  std::string host = host_;
  std::string path = "/";
  if (call.bucket.empty()) {
    // A service request (ListBuckets): the endpoint itself.
  } else if (config_.path_style) {
    path += call.bucket;
    if (!call.key.empty()) path += "/" + call.key;
  } else {
    host = call.bucket + "." + host_;
    path += call.key;
  }
  s3::SigningRequest signing{call.method, path, call.query, call.headers, sha256_hex(call.body)};
  signing.headers.emplace_back("host", host);
  const s3::Signature signature = s3::sign_headers(
      signing, config_.credentials, {.region = config_.region}, Clock::now());

  s3::HttpRequest request;
  request.method = call.method;
  request.url = scheme_ + "://" + host + s3::uri_encode(path, true);
  for (size_t i = 0; i < call.query.size(); ++i) {
    request.url += (i == 0 ? "?" : "&") + s3::uri_encode(call.query[i].first, false);
    if (!call.query[i].second.empty()) request.url += "=" + s3::uri_encode(call.query[i].second, false);
  }
  request.headers = call.headers;
  request.headers.insert(request.headers.end(), signature.additions.begin(),
                         signature.additions.end());
  request.body = call.body;  // the caller's bytes, not a copy
  ++requests_sent_;
  return client_.send(request);
}

Result<s3::HttpResponse> S3Store::send(const Call& call) {
  thread_local std::mt19937 random(std::random_device{}());
  const int attempts = call.idempotent ? config_.max_attempts : 1;
  Result<s3::HttpResponse> response;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      // Exponential backoff with full jitter: up to 50 ms, 100 ms, ...
      std::uniform_int_distribution<int> jitter(1, 50 << (attempt - 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
    }
    response = send_once(call);
    if (response && !retryable(response->status)) return response;
  }
  return response;
}

Result<void> S3Store::create_bucket(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return ok;
  std::string body;
  if (config_.region != "us-east-1") {
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<LocationConstraint>" + config_.region + "</LocationConstraint></CreateBucketConfiguration>";
  }
  auto created = send({"PUT", std::string(bucket), "", {}, {}, bytes_of(body), true});
  if (!created) return std::unexpected(created.error());
  if (created->status >= 300) {
    const Error error = translate(*created, bucket, "");
    // Ours already, perhaps made by another tool without versioning: it
    // keeps versions from now on.
    if (parse_error(*created).code == "BucketAlreadyOwnedByYou") {
      if (auto versioned = enable_versioning(bucket); !versioned) return versioned;
    }
    return std::unexpected(error);
  }
  return enable_versioning(bucket);
}

Result<void> S3Store::enable_versioning(std::string_view bucket) {
  // Versioning keeps every upload, as LocalStore does.
  auto versioned = send({"PUT", std::string(bucket), "", {{"versioning", ""}}, {},
                         bytes_of(kEnableVersioning), true});
  if (!versioned) return std::unexpected(versioned.error());
  if (versioned->status >= 300) {
    Error error = translate(*versioned, bucket, "");
    error.message = "bucket '" + std::string(bucket) +
                    "' does not keep versions and enabling versioning failed (" + error.message +
                    "); enable it on the S3 server (aws s3api put-bucket-versioning --bucket " +
                    std::string(bucket) +
                    " --versioning-configuration Status=Enabled) or grant "
                    "s3:PutBucketVersioning";
    return std::unexpected(std::move(error));
  }
  return {};
}

Result<void> S3Store::delete_bucket(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return ok;
  auto response = send({"DELETE", std::string(bucket), "", {}, {}, {}, true});
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, ""));
  return {};
}

Result<bool> S3Store::bucket_exists(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  auto response = send({"HEAD", std::string(bucket), "", {}, {}, {}, true});
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) return false;
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, ""));
  return true;
}

Result<std::vector<std::string>> S3Store::list_buckets() {
  auto response = send({"GET", "", "", {}, {}, {}, true});
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return std::unexpected(translate(*response, "", ""));
  pugi::xml_document document;
  if (!document.load_buffer(response->body.data(), response->body.size())) {
    return make_error(ErrorCode::kUnavailable, "storage sent an unreadable bucket list");
  }
  std::vector<std::string> buckets;
  for (pugi::xml_node item :
       document.child("ListAllMyBucketsResult").child("Buckets").children("Bucket")) {
    buckets.emplace_back(item.child_value("Name"));
  }
  std::sort(buckets.begin(), buckets.end());
  return buckets;
}

Result<std::vector<ObjectVersion>> S3Store::list_objects(std::string_view bucket) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  std::vector<ObjectVersion> objects;
  std::string token;
  do {
    Call call{"GET", std::string(bucket), "", {{"list-type", "2"}}, {}, {}, true};
    if (!token.empty()) call.query.emplace_back("continuation-token", token);
    auto response = send(call);
    if (!response) return std::unexpected(response.error());
    if (response->status >= 300) return std::unexpected(translate(*response, bucket, ""));
    pugi::xml_document document;
    if (!document.load_buffer(response->body.data(), response->body.size())) {
      return make_error(ErrorCode::kUnavailable, "storage sent an unreadable bucket listing");
    }
    const pugi::xml_node result = document.child("ListBucketResult");
    for (pugi::xml_node item : result.children("Contents")) {
      ObjectVersion version;
      version.key = item.child_value("Key");
      version.etag = strip_quotes(item.child_value("ETag"));
      version.size = std::strtoull(item.child_value("Size"), nullptr, 10);
      version.created = parse_iso8601(item.child_value("LastModified"));
      version.latest = true;
      objects.push_back(std::move(version));
    }
    token = std::string(result.child_value("IsTruncated")) == "true"
                ? result.child_value("NextContinuationToken")
                : "";
  } while (!token.empty());
  return objects;
}

Result<ObjectVersion> S3Store::put_object(std::string_view bucket, std::string_view key,
                                          std::span<const uint8_t> data) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = validate_object_key(key); !ok) return std::unexpected(ok.error());
  const std::string sha256 = sha256_hex(data);
  // PUT is idempotent in content: should a retried attempt follow one that
  // did succeed, the key gets a second version with the same bytes.
  const Call put{"PUT", std::string(bucket), std::string(key), {},
                 {{"content-type", "application/wasm"}, {"x-amz-meta-sha256", sha256}},
                 data, true};
  auto response = send(put);
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, key));
  if (unversioned(response->header("x-amz-version-id"))) {
    // A bucket made by another tool without versioning: the write replaced
    // the key's bytes in place. Turn versioning on and write again, so the
    // key gets a version of its own as on a versioned bucket.
    if (auto versioned = enable_versioning(bucket); !versioned) {
      return std::unexpected(versioned.error());
    }
    response = send(put);
    if (!response) return std::unexpected(response.error());
    if (response->status >= 300) return std::unexpected(translate(*response, bucket, key));
    if (unversioned(response->header("x-amz-version-id"))) {
      return make_error(ErrorCode::kStorageRejected,
                        "bucket '" + std::string(bucket) +
                            "' does not keep versions although versioning was enabled; this S3 "
                            "server does not support versioning");
    }
  }
  ObjectVersion version;
  version.key = std::string(key);
  version.version_id = response->header("x-amz-version-id");
  version.etag = strip_quotes(response->header("etag"));
  version.sha256 = sha256;
  version.size = data.size();
  version.created = Clock::now();
  version.latest = true;
  return version;
}

Result<ObjectVersion> S3Store::head_object(std::string_view bucket, std::string_view key,
                                           const std::optional<std::string>& version_id) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = validate_object_key(key); !ok) return std::unexpected(ok.error());
  Call call{"HEAD", std::string(bucket), std::string(key), {}, {}, {}, true};
  if (version_id) {
    if (auto ok = validate_version_id(*version_id); !ok) return std::unexpected(ok.error());
    call.query.emplace_back("versionId", *version_id);
  }
  auto response = send(call);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404 || (version_id && response->status == 400)) {
    if (version_id) return std::unexpected(no_such_version(key, *version_id));
    return std::unexpected(not_found(bucket, key, ""));
  }
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, key));
  ObjectVersion version = version_from_headers(*response, key);
  version.latest = !version_id;
  return version;
}

Result<Object> S3Store::get_object(std::string_view bucket, std::string_view key,
                                   const std::optional<std::string>& version_id) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = validate_object_key(key); !ok) return std::unexpected(ok.error());
  Call call{"GET", std::string(bucket), std::string(key), {}, {}, {}, true};
  if (version_id) {
    if (auto ok = validate_version_id(*version_id); !ok) return std::unexpected(ok.error());
    call.query.emplace_back("versionId", *version_id);
  }
  auto response = send(call);
  if (!response) return std::unexpected(response.error());
  if (version_id && (response->status == 404 || response->status == 400)) {
    if (parse_error(*response).code == "NoSuchBucket") {
      return std::unexpected(not_found(bucket, key, "NoSuchBucket"));
    }
    return std::unexpected(no_such_version(key, *version_id));
  }
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, key));
  Object object;
  object.version = version_from_headers(*response, key);
  object.version.latest = !version_id;
  object.data = std::move(response->body);
  object.version.size = object.data.size();
  // Computed, not trusted: the metadata may be missing (uploaded by another tool).
  object.version.sha256 = sha256_hex(object.data);
  return object;
}

Result<void> S3Store::delete_object(std::string_view bucket, std::string_view key) {
  // S3 answers 204 for missing keys too; LocalStore's contract says 404.
  if (auto visible = head_object(bucket, key, std::nullopt); !visible) {
    return std::unexpected(visible.error());
  }
  auto response = send({"DELETE", std::string(bucket), std::string(key), {}, {}, {}, true});
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, key));
  return {};
}

Result<void> S3Store::delete_object_version(std::string_view bucket, std::string_view key,
                                            std::string_view version_id) {
  auto versions = list_versions(bucket, key);
  if (!versions) return std::unexpected(versions.error());
  const bool exists = std::any_of(versions->begin(), versions->end(),
                                  [&](const ObjectVersion& v) { return v.version_id == version_id; });
  if (!exists) return std::unexpected(no_such_version(key, version_id));
  auto response = send({"DELETE", std::string(bucket), std::string(key),
                        {{"versionId", std::string(version_id)}}, {}, {}, true});
  if (!response) return std::unexpected(response.error());
  if (response->status >= 300) return std::unexpected(translate(*response, bucket, key));
  // Delete markers left with no version to hide are removed as well.
  if (versions->size() == 1) {
    auto markers = send({"GET", std::string(bucket), "", {{"versions", ""}, {"prefix", std::string(key)}},
                         {}, {}, true});
    if (markers && markers->status < 300) {
      pugi::xml_document document;
      document.load_buffer(markers->body.data(), markers->body.size());
      for (pugi::xml_node marker : document.child("ListVersionsResult").children("DeleteMarker")) {
        if (std::string_view(marker.child_value("Key")) != key) continue;
        send({"DELETE", std::string(bucket), std::string(key),
              {{"versionId", marker.child_value("VersionId")}}, {}, {}, true});
      }
    }
  }
  return {};
}

Result<std::vector<ObjectVersion>> S3Store::list_versions(std::string_view bucket,
                                                          std::string_view key) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = validate_object_key(key); !ok) return std::unexpected(ok.error());
  std::vector<ObjectVersion> versions;
  bool hidden = false;
  std::string key_marker;
  std::string version_marker;
  for (;;) {
    Call call{"GET", std::string(bucket), "", {{"prefix", std::string(key)}, {"versions", ""}},
              {}, {}, true};
    if (!key_marker.empty()) {
      call.query.emplace_back("key-marker", key_marker);
      call.query.emplace_back("version-id-marker", version_marker);
    }
    auto response = send(call);
    if (!response) return std::unexpected(response.error());
    if (response->status >= 300) return std::unexpected(translate(*response, bucket, ""));
    pugi::xml_document document;
    if (!document.load_buffer(response->body.data(), response->body.size())) {
      return make_error(ErrorCode::kUnavailable, "storage sent an unreadable version listing");
    }
    const pugi::xml_node result = document.child("ListVersionsResult");
    for (pugi::xml_node entry : result.children()) {
      const std::string_view name = entry.name();
      if ((name != "Version" && name != "DeleteMarker") ||
          std::string_view(entry.child_value("Key")) != key) {
        continue;
      }
      const bool latest = std::string(entry.child_value("IsLatest")) == "true";
      if (name == "DeleteMarker") {
        hidden = hidden || latest;
        continue;
      }
      ObjectVersion version;
      version.key = std::string(key);
      version.version_id = entry.child_value("VersionId");
      version.etag = strip_quotes(entry.child_value("ETag"));
      version.size = std::strtoull(entry.child_value("Size"), nullptr, 10);
      version.created = parse_iso8601(entry.child_value("LastModified"));
      version.latest = latest;
      versions.push_back(std::move(version));
    }
    if (std::string(result.child_value("IsTruncated")) != "true") break;
    key_marker = result.child_value("NextKeyMarker");
    version_marker = result.child_value("NextVersionIdMarker");
  }
  if (versions.empty()) return std::unexpected(not_found(bucket, key, ""));
  if (hidden) {
    for (auto& version : versions) version.latest = false;
  }
  // Newest first, as LocalStore lists them.
  std::stable_sort(versions.begin(), versions.end(),
                   [](const ObjectVersion& a, const ObjectVersion& b) {
                     return a.created > b.created;
                   });
  return versions;
}

Result<std::vector<ObjectVersion>> S3Store::list_object_versions(std::string_view bucket,
                                                                 std::string_view prefix) {
  if (auto ok = validate_bucket_name(bucket); !ok) return std::unexpected(ok.error());
  std::vector<ObjectVersion> versions;
  std::string key_marker;
  std::string version_marker;
  for (;;) {
    Call call{"GET", std::string(bucket), "", {{"versions", ""}}, {}, {}, true};
    if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
    if (!key_marker.empty()) {
      call.query.emplace_back("key-marker", key_marker);
      call.query.emplace_back("version-id-marker", version_marker);
    }
    auto response = send(call);
    if (!response) return std::unexpected(response.error());
    if (response->status >= 300) return std::unexpected(translate(*response, bucket, ""));
    pugi::xml_document document;
    if (!document.load_buffer(response->body.data(), response->body.size())) {
      return make_error(ErrorCode::kUnavailable, "storage sent an unreadable version listing");
    }
    const pugi::xml_node result = document.child("ListVersionsResult");
    for (pugi::xml_node entry : result.children("Version")) {
      ObjectVersion version;
      version.key = entry.child_value("Key");
      version.version_id = entry.child_value("VersionId");
      version.etag = strip_quotes(entry.child_value("ETag"));
      version.size = std::strtoull(entry.child_value("Size"), nullptr, 10);
      version.created = parse_iso8601(entry.child_value("LastModified"));
      version.latest = std::string(entry.child_value("IsLatest")) == "true";
      versions.push_back(std::move(version));
    }
    if (std::string(result.child_value("IsTruncated")) != "true") break;
    key_marker = result.child_value("NextKeyMarker");
    version_marker = result.child_value("NextVersionIdMarker");
  }
  // By key, each key's newest first (S3 lists them so; made sure of here).
  std::stable_sort(versions.begin(), versions.end(),
                   [](const ObjectVersion& a, const ObjectVersion& b) {
                     return a.key != b.key ? a.key < b.key : a.created > b.created;
                   });
  return versions;
}

}  // namespace wasmfaas::storage
