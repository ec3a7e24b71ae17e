// The callback sender of async jobs against a local receiver: what it
// delivers, what it retries, and the destinations it refuses before
// connecting (the allow-list, link-local and cloud metadata addresses).
#include "triggers/callback_sender.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "support/http_receiver.h"

namespace wasmfaas::triggers {
namespace {

using testing::HttpReceiver;
using testing::ReceivedRequest;
using testing::ReceiverResponse;

CallbackPolicy policy_allowing(std::vector<std::string> origins) {
  CallbackPolicy policy;
  policy.allowed_origins = std::move(origins);
  policy.connect_timeout = std::chrono::milliseconds(2000);
  policy.timeout = std::chrono::milliseconds(5000);
  policy.max_response_bytes = 4096;
  return policy;
}

HttpReceiver::Responder answering(unsigned status, std::string body = "",
                                  std::map<std::string, std::string> headers = {}) {
  return [=](const ReceivedRequest&) { return ReceiverResponse{status, headers, body}; };
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CallbackSenderTest, DeliversThePostWithItsHeadersAndBody) {
  HttpReceiver receiver;
  const CallbackSender sender(policy_allowing({receiver.origin()}));
  const std::string body = R"({"job":"j-1","status":"succeeded","output":"hi"})";
  const CallbackAttempt attempt =
      sender.send(receiver.url("/hooks/jobs?token=abc"),
                  {{"Content-Type", "application/json"}, {"X-Wasmfaas-Job-Id", "j-1"}}, body);
  EXPECT_TRUE(attempt.delivered) << attempt.detail;
  EXPECT_FALSE(attempt.retryable);
  EXPECT_EQ(attempt.status, 200);
  const std::vector<ReceivedRequest> requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hooks/jobs?token=abc");
  EXPECT_EQ(requests[0].header("content-type"), "application/json");
  EXPECT_EQ(requests[0].header("x-wasmfaas-job-id"), "j-1");
  EXPECT_EQ(requests[0].header("expect"), "");
  EXPECT_EQ(requests[0].body, body);
  // The details never repeat the URL's path or query (they may hold secrets).
  EXPECT_FALSE(contains(attempt.detail, "token")) << attempt.detail;
}

TEST(CallbackSenderTest, AnEmptyBodyIsPostedEmpty) {
  HttpReceiver receiver(answering(204));
  const CallbackSender sender(policy_allowing({receiver.origin()}));
  const CallbackAttempt attempt = sender.send(receiver.url(), {}, "");
  EXPECT_TRUE(attempt.delivered) << attempt.detail;
  EXPECT_EQ(attempt.status, 204);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].header("content-length"), "0");
}

TEST(CallbackSenderTest, ServerErrorsAndThrottlingAreRetryable) {
  for (const unsigned status : {500u, 502u, 503u, 408u, 429u}) {
    HttpReceiver receiver(answering(status, "try later"));
    const CallbackSender sender(policy_allowing({receiver.origin()}));
    const CallbackAttempt attempt = sender.send(receiver.url(), {}, "{}");
    EXPECT_FALSE(attempt.delivered) << status;
    EXPECT_TRUE(attempt.retryable) << status;
    EXPECT_EQ(attempt.status, static_cast<int>(status));
    EXPECT_TRUE(contains(attempt.detail, std::to_string(status))) << attempt.detail;
    EXPECT_TRUE(contains(attempt.detail, "try later")) << attempt.detail;
  }
}

TEST(CallbackSenderTest, OtherStatusesAreFinal) {
  for (const unsigned status : {404u, 400u, 401u, 410u}) {
    HttpReceiver receiver(answering(status));
    const CallbackSender sender(policy_allowing({receiver.origin()}));
    const CallbackAttempt attempt = sender.send(receiver.url(), {}, "{}");
    EXPECT_FALSE(attempt.delivered) << status;
    EXPECT_FALSE(attempt.retryable) << status;
    EXPECT_EQ(attempt.status, static_cast<int>(status));
  }
}

TEST(CallbackSenderTest, RedirectsAreNotFollowed) {
  HttpReceiver receiver(answering(302, "", {{"Location", "/elsewhere"}}));
  const CallbackSender sender(policy_allowing({receiver.origin()}));
  const CallbackAttempt attempt = sender.send(receiver.url("/hook"), {}, "{}");
  EXPECT_FALSE(attempt.delivered);
  EXPECT_FALSE(attempt.retryable);
  EXPECT_EQ(attempt.status, 302);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].target, "/hook");
}

TEST(CallbackSenderTest, AReceiverThatNeverAnswersTimesOutRetryably) {
  HttpReceiver receiver([](const ReceivedRequest&) {
    ReceiverResponse response;
    response.never_answer = true;
    return response;
  });
  CallbackPolicy policy = policy_allowing({receiver.origin()});
  policy.timeout = std::chrono::milliseconds(300);
  const CallbackSender sender(policy);
  const auto started = std::chrono::steady_clock::now();
  const CallbackAttempt attempt = sender.send(receiver.url(), {}, "{}");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(attempt.delivered);
  EXPECT_TRUE(attempt.retryable);
  EXPECT_FALSE(attempt.status);
  EXPECT_TRUE(contains(attempt.detail, "timed out")) << attempt.detail;
  EXPECT_GE(elapsed, std::chrono::milliseconds(250));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(CallbackSenderTest, AClosedPortIsRetryable) {
  uint16_t closed_port = 0;
  {
    closed_port = HttpReceiver().port();
  }  // bound, then closed
  const std::string origin = "http://127.0.0.1:" + std::to_string(closed_port);
  const CallbackSender sender(policy_allowing({origin}));
  const CallbackAttempt attempt = sender.send(origin + "/", {}, "{}");
  EXPECT_FALSE(attempt.delivered);
  EXPECT_TRUE(attempt.retryable) << attempt.detail;
  EXPECT_FALSE(attempt.status);
}

TEST(CallbackSenderTest, ALongResponseIsCutAndItsStatusCounts) {
  HttpReceiver receiver(answering(200, std::string(1 << 20, 'x')));
  CallbackPolicy policy = policy_allowing({receiver.origin()});
  policy.max_response_bytes = 1024;
  const CallbackSender sender(policy);
  const CallbackAttempt attempt = sender.send(receiver.url(), {}, "{}");
  EXPECT_TRUE(attempt.delivered) << attempt.detail;
  EXPECT_EQ(attempt.status, 200);
}

TEST(CallbackSenderTest, NoProxyIsTakenFromTheEnvironment) {
  HttpReceiver receiver;
  HttpReceiver proxy;
  setenv("http_proxy", proxy.origin().c_str(), 1);
  setenv("HTTP_PROXY", proxy.origin().c_str(), 1);
  setenv("ALL_PROXY", proxy.origin().c_str(), 1);
  const CallbackSender sender(policy_allowing({receiver.origin()}));
  const CallbackAttempt attempt = sender.send(receiver.url(), {}, "{}");
  unsetenv("http_proxy");
  unsetenv("HTTP_PROXY");
  unsetenv("ALL_PROXY");
  EXPECT_TRUE(attempt.delivered) << attempt.detail;
  EXPECT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(proxy.connections(), 0u);
}

TEST(CallbackSenderTest, HeadersThatCouldSplitTheRequestAreRefused) {
  HttpReceiver receiver;
  const CallbackSender sender(policy_allowing({receiver.origin()}));
  for (const auto& header : std::vector<std::pair<std::string, std::string>>{
           {"X-Job", "a\r\nX-Injected: 1"}, {"X Job", "a"}, {"", "a"}, {"X-Job:", "a"}}) {
    const CallbackAttempt attempt = sender.send(receiver.url(), {header}, "{}");
    EXPECT_FALSE(attempt.delivered);
    EXPECT_FALSE(attempt.retryable);
  }
  EXPECT_EQ(receiver.connections(), 0u);
}

// check_destination: what a submission with a callback URL is refused for.

TEST(CallbackSenderTest, AnOriginOffTheAllowListIsRefusedNamingIt) {
  HttpReceiver receiver;
  const CallbackSender sender(policy_allowing({"https://hooks.example.com:443"}));
  const Result<void> checked = sender.check_destination(receiver.url("/hook?secret=1"));
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(contains(checked.error().message, "'" + receiver.origin() + "'"))
      << checked.error().message;
  EXPECT_TRUE(contains(checked.error().message, "callback allow-list")) << checked.error().message;
  EXPECT_FALSE(contains(checked.error().message, "secret")) << checked.error().message;
  // send() checks again and does not connect.
  const CallbackAttempt attempt = sender.send(receiver.url(), {}, "{}");
  EXPECT_FALSE(attempt.delivered);
  EXPECT_FALSE(attempt.retryable);
  EXPECT_EQ(receiver.connections(), 0u);
}

TEST(CallbackSenderTest, AnEmptyAllowListPermitsNothing) {
  HttpReceiver receiver;
  const CallbackSender sender(policy_allowing({}));
  const Result<void> checked = sender.check_destination(receiver.url());
  ASSERT_FALSE(checked);
  EXPECT_TRUE(contains(checked.error().message, "empty")) << checked.error().message;
  EXPECT_FALSE(sender.send(receiver.url(), {}, "{}").delivered);
  EXPECT_EQ(receiver.connections(), 0u);
}

TEST(CallbackSenderTest, TheAllowListMatchesSchemeHostAndPort) {
  const CallbackSender sender(
      policy_allowing({"https://*.example.com:443", "http://127.0.0.1:8080"}));
  EXPECT_TRUE(sender.check_destination("https://hooks.example.com/jobs"));
  EXPECT_TRUE(sender.check_destination("HTTPS://A.B.Example.COM:443/x?y#z"));
  EXPECT_TRUE(sender.check_destination("http://127.0.0.1:8080/"));
  EXPECT_FALSE(sender.check_destination("https://example.com/"));
  EXPECT_FALSE(sender.check_destination("http://hooks.example.com/"));
  EXPECT_FALSE(sender.check_destination("https://hooks.example.com:8443/"));
  EXPECT_FALSE(sender.check_destination("http://127.0.0.1/"));
  EXPECT_FALSE(sender.check_destination("http://127.0.0.1:8081/"));
}

TEST(CallbackSenderTest, WhatIsNotAnHttpUrlWithoutUserInformationIsRefused) {
  const CallbackSender sender(policy_allowing({"http://127.0.0.1:8080", "https://a.test:443"}));
  for (const std::string& url : std::vector<std::string>{
           "", "not a url", "/relative/path", "127.0.0.1:8080/x", "ftp://127.0.0.1:8080/",
           "file:///etc/passwd", "http://user:pw@127.0.0.1:8080/", "http://user@127.0.0.1:8080/",
           "https://:pw@a.test/", std::string("http://127.0.0.1:8080/\0x", 24),
           "http://127.0.0.1:8080/a b", "http:///path"}) {
    const Result<void> checked = sender.check_destination(url);
    ASSERT_FALSE(checked) << url;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_FALSE(contains(checked.error().message, "pw")) << checked.error().message;
  }
}

// Forbidden addresses: refused after name resolution, without connecting.

TEST(CallbackSenderTest, MetadataAddressesAreRefusedEvenWhenAllowed) {
  for (const std::string origin : {"http://169.254.169.254:1", "http://[::ffff:169.254.169.254]:1",
                                   "http://[fd00:ec2::254]:1", "http://[fe80::1]:1"}) {
    const CallbackSender sender(policy_allowing({origin}));
    ASSERT_TRUE(sender.check_destination(origin + "/latest/meta-data/")) << origin;
    const auto started = std::chrono::steady_clock::now();
    const CallbackAttempt attempt = sender.send(origin + "/latest/meta-data/", {}, "{}");
    EXPECT_FALSE(attempt.delivered) << origin;
    EXPECT_FALSE(attempt.retryable) << origin << ": " << attempt.detail;
    EXPECT_TRUE(contains(attempt.detail, "refused")) << attempt.detail;
    // Refused before connecting, not after the connect timeout.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
  }
}

TEST(CallbackSenderTest, ANameResolvingToAMetadataAddressIsRefused) {
  HttpReceiver receiver;
  const std::string port = std::to_string(receiver.port());
  CallbackPolicy policy = policy_allowing({"http://hooks.test:" + port});
  policy.resolve = {"hooks.test:" + port + ":169.254.169.254"};
  const CallbackSender sender(policy);
  ASSERT_TRUE(sender.check_destination("http://hooks.test:" + port + "/"));
  const CallbackAttempt attempt = sender.send("http://hooks.test:" + port + "/", {}, "{}");
  EXPECT_FALSE(attempt.delivered);
  EXPECT_FALSE(attempt.retryable) << attempt.detail;
  EXPECT_TRUE(contains(attempt.detail, "169.254.169.254")) << attempt.detail;
}

TEST(CallbackSenderTest, ANameResolvingToAnAllowedAddressToo) {
  // Of a name's addresses, the forbidden one is skipped and the next one used.
  HttpReceiver receiver;
  const std::string port = std::to_string(receiver.port());
  CallbackPolicy policy = policy_allowing({"http://hooks.test:" + port});
  policy.resolve = {"hooks.test:" + port + ":169.254.169.254,127.0.0.1"};
  const CallbackSender sender(policy);
  const CallbackAttempt attempt = sender.send("http://hooks.test:" + port + "/", {}, "{}");
  EXPECT_TRUE(attempt.delivered) << attempt.detail;
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].header("host"), "hooks.test:" + port);
}

}  // namespace
}  // namespace wasmfaas::triggers
